"""``tension report``: one self-contained HTML page of the hottest dyads and their evidence."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Registered in the next commit, with tension/_report.py."""
