"""The escalation model as an mlflow pyfunc model (a ``PythonModel`` logged "from code").

Input: a DataFrame of articles, columns ``id`` and ``text`` (required), ``title`` and ``date``
(optional). Output: a DataFrame with the scoring contract's columns (``SCORE_COLUMNS``), where
``signals`` and ``evidence`` are JSON strings so the frame serves over REST unchanged.

The model directory holds the joblib pipeline and its card as artifacts; ``load_context``
checks the sha256 against the card before unpickling (as :func:`tension.load_model` does).
The package itself is the pip requirement, not a ``code_paths`` copy: a copy stored with the
model would shadow the installed package in a fresh process (see NOTES-ecosystem).
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import mlflow.pyfunc
import pandas as pd

from tension._types import SCORE_COLUMNS, ModelError
from tension.model._model import CARD_FILE, MODEL_FILE, TensionModel

__all__ = [
    "TensionPyfunc",
    "save_pyfunc",
    "log_pyfunc",
    "pyfunc_signature",
    "INPUT_EXAMPLE",
    "encode_scores",
]

logger = logging.getLogger(__name__)

# An own-written two-article example (stored in the model directory by mlflow).
INPUT_EXAMPLE = pd.DataFrame(
    {
        "id": ["example-1", "example-2"],
        "title": ["Border guards exchange fire", "Ministers meet for trade talks"],
        "text": [
            "Indian and Pakistani troops exchanged fire across the Line of Control on "
            "Tuesday, and Pakistan summoned the Indian envoy to protest.",
            "The foreign ministers of Japan and South Korea met in Seoul on Friday and "
            "agreed to resume regular talks on trade.",
        ],
        "date": ["2024-03-05", "2024-03-08"],
    }
)

# The "from code" entry point mlflow copies into the model directory and runs when loading.
_CODE = '''"""mlflow models-from-code entry point for tension-escalation (written by tension)."""
from mlflow.models import set_model

from tension.lifecycle._pyfunc import TensionPyfunc

set_model(TensionPyfunc())
'''


def encode_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Contract rows with ``signals``/``evidence`` as JSON strings and plain column types."""
    out = frame.copy()
    for col in ("signals", "evidence"):
        out[col] = [json.dumps(v, sort_keys=True, default=str) for v in out[col]]
    for col in ("article_id", "dyad", "actor_a", "actor_b", "model_version", "reason"):
        out[col] = out[col].fillna("").astype(str)
    out["date"] = [None if v is None or v != v else str(v) for v in out["date"]]
    for col in ("rank", "level"):
        out[col] = out[col].astype("float64")  # NaN for no-dyad rows; JSON has no Int64 NA
    for col in ("salience", "escalation_score", "p0", "p1", "p2", "p3", "p4"):
        out[col] = out[col].astype("float64")
    return out[list(SCORE_COLUMNS)]


class TensionPyfunc(mlflow.pyfunc.PythonModel):  # type: ignore[misc,name-defined]
    """Scores a DataFrame of articles; ``.model`` is the :class:`TensionModel`,
    ``.pipeline`` the fitted scikit-learn pipeline."""

    def __init__(self) -> None:
        self.model: TensionModel | None = None

    @property
    def pipeline(self) -> Any:
        return None if self.model is None else self.model.pipeline

    def load_context(self, context: Any) -> None:
        from tension.model._model import verify_card

        file_path = Path(context.artifacts["pipeline"])
        card = json.loads(Path(context.artifacts["card"]).read_text())
        # The card travelled with the file inside the model directory; trust its source
        # as written by whoever logged it (logging is the user's decision), but still check
        # the hash and library versions before unpickling.
        verify_card(card, file_path, trusted=[str(card.get("source"))])
        import joblib

        self.model = TensionModel(joblib.load(file_path), card)

    # mlflow reads the model_input hint: pd.DataFrame is accepted silently (Any warns); the
    # explicit signature still describes the columns.
    def predict(self, context: Any, model_input: pd.DataFrame, params: Any = None) -> Any:
        from tension.model._score import score_articles
        from tension.read._io import as_articles

        if self.model is None:
            raise ModelError("TensionPyfunc used before load_context")
        frame = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        if "id" not in frame.columns or "text" not in frame.columns:
            raise ModelError(
                f"input needs columns 'id' and 'text' (optional 'title', 'date'); "
                f"got {list(frame.columns)}"
            )
        keep = [c for c in ("id", "text", "title", "date") if c in frame.columns]
        frame = frame[keep].astype(object).where(frame[keep].notna(), None)
        scored = score_articles(as_articles(frame), self.model)
        return encode_scores(scored)


def pyfunc_signature() -> Any:
    """Explicit input/output schema (so logging needs no inference run)."""
    from mlflow.models import ModelSignature
    from mlflow.types.schema import ColSpec, Schema

    inputs = Schema(
        [
            ColSpec("string", "id"),
            ColSpec("string", "text"),
            ColSpec("string", "title", required=False),
            ColSpec("string", "date", required=False),
        ]
    )
    types = {
        "rank": "double",
        "level": "double",
        "salience": "double",
        "escalation_score": "double",
        **{f"p{i}": "double" for i in range(5)},
    }
    outputs = Schema(
        [ColSpec(types.get(c, "string"), c, required=c not in ("date",)) for c in SCORE_COLUMNS]
    )
    return ModelSignature(inputs=inputs, outputs=outputs)


def pip_requirements() -> list[str]:
    import mlflow
    import sklearn

    from tension._version import __version__

    # the package brings every other dependency; scikit-learn is pinned to the minor version
    # the pipeline was pickled with (load_model refuses others anyway)
    major_minor = ".".join(sklearn.__version__.split(".")[:2])
    return [
        f"tension=={__version__}",
        f"scikit-learn=={major_minor}.*",
        f"mlflow=={mlflow.__version__}",
    ]


def _artifacts(model_dir: Path) -> dict[str, str]:
    card, pipe = model_dir / CARD_FILE, model_dir / MODEL_FILE
    if not card.is_file() or not pipe.is_file():
        raise ModelError(
            f"{model_dir}: expected {MODEL_FILE} and {CARD_FILE} (write them with save_model)"
        )
    return {"pipeline": str(pipe), "card": str(card)}


def _code_file(tmp: str) -> str:
    path = os.path.join(tmp, "tension_escalation_model.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_CODE)
    return path


def save_pyfunc(model_dir: str | os.PathLike[str], out: str | os.PathLike[str]) -> Path:
    """Write the mlflow model directory ``out`` for the saved model in ``model_dir``
    (replacing ``out`` only once the new one is complete)."""
    import shutil

    out = Path(out)
    arts = _artifacts(Path(model_dir))
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        staging.rmdir()  # mlflow wants to create it
        try:
            mlflow.pyfunc.save_model(
                path=str(staging),
                python_model=_code_file(tmp),
                artifacts=arts,
                signature=pyfunc_signature(),
                input_example=INPUT_EXAMPLE,
                pip_requirements=pip_requirements(),
            )
            if out.exists():
                old = out.with_name(f".{out.name}.old")
                shutil.rmtree(old, ignore_errors=True)
                os.replace(out, old)
                os.replace(staging, out)
                shutil.rmtree(old, ignore_errors=True)
            else:
                os.replace(staging, out)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return out


def log_pyfunc(model_dir: str | os.PathLike[str], name: str = "model") -> Any:
    """Log the saved model in ``model_dir`` to the active run; returns mlflow's ModelInfo."""
    arts = _artifacts(Path(model_dir))
    with tempfile.TemporaryDirectory() as tmp:
        return mlflow.pyfunc.log_model(
            name=name,
            python_model=_code_file(tmp),
            artifacts=arts,
            signature=pyfunc_signature(),
            input_example=INPUT_EXAMPLE,
            pip_requirements=pip_requirements(),
        )
