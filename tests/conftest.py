"""Shared test fixtures.

Tests that read ``../shared`` use the ``shared_dir`` fixture, which skips with a clear
reason on a machine that does not have it (a user's fresh clone).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = ROOT / "seeds" / "000_6facbdc12a09933c.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "data" / "news" / "train.jsonl").is_file():
        pytest.skip(
            f"shared data not present at {SHARED} (only on the developers' machines and CI)"
        )
    return SHARED


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED
