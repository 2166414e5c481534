"""``python -m tension`` is the ``tension`` command."""

import sys

from tension.cli import main

sys.exit(main())
