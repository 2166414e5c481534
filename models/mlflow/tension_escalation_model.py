"""mlflow models-from-code entry point for tension-escalation (written by tension)."""
from mlflow.models import set_model

from tension.lifecycle._pyfunc import TensionPyfunc

set_model(TensionPyfunc())
