"""Command line: thin wrappers over the public verbs.

Each sub-command lives in its own module with ``register(subparsers)``; heavy imports
(pandas, scikit-learn, mlflow) happen inside the command that needs them, so
``tension --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from tension._types import TensionError

# Sub-command modules, in the order --help lists them.
COMMANDS: tuple[str, ...] = (
    "demo",
    "ingest",
    "actors",
    "signals",
    "index",
    "plot",
    "report",
    "score",
    "explain",
)


def build_parser() -> argparse.ArgumentParser:
    from tension._native import status
    from tension._version import __version__

    parser = argparse.ArgumentParser(
        prog="tension",
        description="Bilateral escalation scores for pairs of countries from news articles.",
    )
    parser.add_argument("--version", action="version",
                        version=f"tension {__version__}; hot path: {status()}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"tension.cli.{name}").register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.ERROR if args.quiet else (logging.DEBUG if args.verbose > 1 else logging.INFO)
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # third-party libraries are chatty at INFO
    for noisy in ("mlflow", "alembic", "urllib3", "matplotlib", "py4j"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except TensionError as exc:
        print(f"tension: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("tension: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # disk full, read-only folder, permissions: one line, no traceback
        print(f"tension: error: {exc}", file=sys.stderr)
        return 1
