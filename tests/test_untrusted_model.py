"""Untrusted models: a joblib file is code, so load_model must refuse it before unpickling.

A planted pickle whose ``__reduce__`` creates a marker file stands in for malicious code; the
marker appearing means the code ran. A control test shows the payload really runs when the
checks are bypassed, so the refusals are not vacuous.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from pathlib import Path
from typing import Any

import joblib
import pytest

import tension.model._model as model_mod
from tension._types import ModelError
from tension.model._model import (
    CARD_FILE,
    MODEL_FILE,
    SKOPS_FILE,
    load_model,
    read_labelled,
    save_model,
    train,
)

ROOT = Path(__file__).resolve().parents[1]


class _Payload:
    """Unpickling this creates ``marker`` (what an attacker's os.system call would do)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def _shipped_card() -> dict[str, Any]:
    """A card this package accepts (built from the code, so a stale shipped model is moot)."""
    from tension.model._features import DyadFeaturizer
    from tension.model._model import FORMAT_VERSION, library_versions

    return {
        "name": "tension-escalation", "format_version": FORMAT_VERSION, "version": "planted",
        "source": "tension", "file": MODEL_FILE, "libraries": library_versions(),
        "signal_features": [str(n) for n in DyadFeaturizer().fit(None).get_feature_names_out()],
    }


def _plant(folder: Path, marker: Path, *, sha: str | None = None, source: str = "tension") -> Path:
    """A malicious joblib file beside a card that is valid except for ``sha`` and ``source``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MODEL_FILE
    joblib.dump(_Payload(marker), path)
    card = _shipped_card()
    card["sha256"] = sha if sha is not None else hashlib.sha256(path.read_bytes()).hexdigest()
    card["source"] = source
    (folder / CARD_FILE).write_text(json.dumps(card))
    return path


def test_control_payload_runs_when_checks_pass(tmp_path: Path) -> None:
    # If the caller explicitly trusts the source, the payload is unpickled: it is live.
    marker = tmp_path / "PWNED"
    _plant(tmp_path / "m", marker, source="stranger")
    load_model(tmp_path / "m", trusted=["stranger"])
    assert marker.exists()


@pytest.mark.parametrize(
    "sha,source,message",
    [
        ("0" * 64, "tension", "does not match its card"),
        (None, "stranger", "not trusted"),
        ("0" * 64, "stranger", "does not match its card"),
        (None, None, "not trusted"),
    ],
    ids=["wrong-sha", "untrusted-source", "both", "no-source"],
)
@pytest.mark.parametrize("by", ["folder", "file"])
def test_malicious_pickle_is_refused_and_never_run(
    tmp_path: Path, sha: str | None, source: str | None, message: str, by: str
) -> None:
    marker = tmp_path / "PWNED"
    path = _plant(tmp_path / "m", marker, sha=sha, source=source)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=message):
        load_model(path.parent if by == "folder" else path)
    assert not marker.exists()


def test_missing_or_broken_card_refuses(tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    path = _plant(tmp_path / "m", marker)
    (tmp_path / "m" / CARD_FILE).write_text("{not json")
    with pytest.raises(ModelError, match="unreadable model card"):
        load_model(path)
    (tmp_path / "m" / CARD_FILE).write_text("[1, 2]")
    with pytest.raises(ModelError, match="JSON object"):
        load_model(path)
    (tmp_path / "m" / CARD_FILE).unlink()
    with pytest.raises(ModelError, match="no model card"):
        load_model(path)
    assert not marker.exists()


def test_file_swapped_after_the_check_is_not_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TOCTOU: the card matches the benign file; right after the hash check the file on disk is
    replaced by the malicious one. load_model must unpickle the bytes it hashed."""
    folder = tmp_path / "m"
    folder.mkdir()
    path = folder / MODEL_FILE
    joblib.dump({"benign": True}, path)
    card = _shipped_card()
    card["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / CARD_FILE).write_text(json.dumps(card))
    marker = tmp_path / "PWNED"
    evil = pickle.dumps(_Payload(marker))
    real_verify = model_mod.verify_card

    def verify_then_swap(*args: Any, **kwargs: Any) -> None:
        real_verify(*args, **kwargs)
        path.write_bytes(evil)  # the attacker wins the race

    monkeypatch.setattr(model_mod, "verify_card", verify_then_swap)
    got = load_model(folder)
    assert got.pipeline == {"benign": True}
    assert not marker.exists()
    assert path.read_bytes() == evil  # the swap did happen


def test_card_cannot_point_load_model_at_another_file(tmp_path: Path) -> None:
    """The card's ``file`` field is untrusted: it selects one of two fixed names, never a path."""
    marker = tmp_path / "PWNED"
    outside = tmp_path / "evil.joblib"
    joblib.dump(_Payload(marker), outside)
    folder = tmp_path / "m"
    folder.mkdir()
    card = _shipped_card()
    card["file"] = "../evil.joblib"
    card["sha256"] = hashlib.sha256(outside.read_bytes()).hexdigest()
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="no model file"):
        load_model(folder)
    assert not marker.exists()


# --------------------------------------------------------------------------- skops


@pytest.fixture(scope="module")
def small_model() -> Any:
    pytest.importorskip("skops")
    items = read_labelled(ROOT / "seeds" / "corpus.jsonl")[:60]
    return train(items, {"calibration": "none", "text_min_df": 1}, version="test-small")


def _estimators(obj: Any, seen: set[int] | None = None) -> list[Any]:
    """Every object reachable through estimator attributes (for the re.Pattern check)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    out = [obj]
    if isinstance(obj, dict):
        kids: list[Any] = list(obj.values())
    elif isinstance(obj, list | tuple):
        kids = list(obj)
    elif hasattr(obj, "__dict__") and type(obj).__module__.split(".")[0] in ("sklearn", "tension"):
        kids = list(vars(obj).values())
    else:
        kids = []
    for k in kids:
        out += _estimators(k, seen)
    return out


@pytest.mark.slow
def test_no_compiled_patterns_on_estimators(small_model: Any) -> None:
    # skops cannot load an estimator holding a compiled re.Pattern even when trusted
    found = [o for o in _estimators(small_model.pipeline) if isinstance(o, re.Pattern)]
    assert not found
    assert len(_estimators(small_model.pipeline)) > 10  # the walk really went inside


@pytest.mark.slow
def test_skops_round_trip_scores_the_same(tmp_path: Path, small_model: Any) -> None:
    text = "Iran fired missiles at Pakistan. Pakistan vowed to retaliate against Iran."
    save_model(small_model, tmp_path / "j")
    save_model(small_model, tmp_path / "s", format="skops")
    assert (tmp_path / "s" / SKOPS_FILE).is_file()
    card = json.loads((tmp_path / "s" / CARD_FILE).read_text())
    assert card["format"] == "skops" and card["file"] == SKOPS_FILE
    a = load_model(tmp_path / "j").score(text)
    b = load_model(tmp_path / "s").score(text)
    c = load_model(tmp_path / "s" / SKOPS_FILE).score(text)
    cols = ["dyad", "p0", "p1", "p2", "p3", "p4", "level"]
    assert len(a) >= 1
    assert a[cols].equals(b[cols]) and a[cols].equals(c[cols])


@pytest.mark.slow
def test_skops_from_any_source_loads_but_a_changed_file_does_not(
    tmp_path: Path, small_model: Any
) -> None:
    save_model(small_model, tmp_path, format="skops")
    card = json.loads((tmp_path / CARD_FILE).read_text())
    card["source"] = "a colleague"  # the type allow list, not the source, makes skops safe
    (tmp_path / CARD_FILE).write_text(json.dumps(card))
    assert load_model(tmp_path).version == "test-small"
    with open(tmp_path / SKOPS_FILE, "ab") as fh:
        fh.write(b"\0")
    with pytest.raises(ModelError, match="does not match its card"):
        load_model(tmp_path)


def test_skops_with_a_type_outside_the_allow_list_is_refused(tmp_path: Path) -> None:
    sio = pytest.importorskip("skops.io")
    from sklearn.preprocessing import FunctionTransformer

    import tension.read._text as text_mod

    # a skops file holding a reference to an arbitrary function: skops would call it later
    evil = FunctionTransformer(func=text_mod.split_sentences)
    path = tmp_path / SKOPS_FILE
    sio.dump(evil, path)
    card = _shipped_card()
    card["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    card["file"] = SKOPS_FILE
    (tmp_path / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(ModelError, match="outside the allow list.*split_sentences"):
        load_model(tmp_path)


def test_unknown_save_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="unknown model format"):
        save_model(model_mod.TensionModel(None, {}), tmp_path, format="pickle")
