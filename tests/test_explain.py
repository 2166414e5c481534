"""`tension explain` and tension.model._explain: dyads, probabilities, events, contributions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from tension._types import Event
from tension.cli import main
from tension.model._explain import explain, trigger_in_sentence
from tension.model._model import load_model

TEXT = (
    "Iran recalled its ambassador from Pakistan on Tuesday after Pakistani jets struck "
    "targets near the border town of Saravan."
)


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_structure_of_an_explanation(model):
    ex = explain(TEXT, model, top=5)
    assert ex.dyad == "IRN-PAK"
    row = ex.scores.iloc[0]
    assert ex.level == int(row["level"])
    assert np.isclose(sum(row[f"p{i}"] for i in range(5)), 1.0, atol=1e-3)
    signals = {v.event.signal for v in ex.events}
    assert {"envoy_recalled", "military_strike"} <= signals
    for v in ex.events:
        before, trig, after = v.parts
        assert before + trig + after == v.event.sentence
        assert trig.lower() == v.event.trigger.lower()
    assert 0 < len(ex.contributions) <= 5
    mags = [abs(c.contribution) for c in ex.contributions]
    assert mags == sorted(mags, reverse=True)
    for c in ex.contributions:
        assert np.isclose(c.contribution, c.value * c.coefficient)
    # contributions are read off the model's coefficients for the predicted level
    coef = model.coefficients()[f"level_{ex.level}"]
    assert all(np.isclose(coef[c.feature], c.coefficient) for c in ex.contributions)


def test_no_dyad_article(model):
    ex = explain("The harbour council met to discuss ferry timetables.", model)
    assert ex.dyad == "" and ex.level is None and ex.contributions == []
    assert ex.scores["reason"].tolist() == ["no_dyad"]


@pytest.mark.parametrize(
    ("sentence", "start", "end", "sentence_start", "trigger", "want"),
    [
        ("Iran struck a post.", 15, 21, 10, "struck", (5, 11)),  # offsets agree
        ("Iran struck a post.", 0, 3, 10, "struck", (5, 11)),  # stale offsets: text search
        ("Iran struck a post.", 0, 3, 10, "shelled", None),  # nowhere to be found
    ],
)
def test_trigger_in_sentence(sentence, start, end, sentence_start, trigger, want):
    e = Event("a", "military_strike", "material_conflict", "IRN", None, sentence=sentence,
              start=start, end=end, sentence_start=sentence_start, trigger=trigger)
    assert trigger_in_sentence(e) == want


def test_cli_text_brackets_when_not_a_tty(capsys):
    assert main(["explain", TEXT]) == 0
    out = capsys.readouterr().out
    assert "IRN-PAK" in out and "p0" in out and "p4" in out
    assert "[[recalled]]" in out and "envoy_recalled IRN->PAK" in out
    assert "asserted" in out and "top features" in out
    assert "\033[" not in out


def test_cli_colour_always(capsys):
    assert main(["explain", TEXT, "--color", "always"]) == 0
    assert "\033[1;31mrecalled\033[0m" in capsys.readouterr().out


def test_cli_by_id_and_missing_id(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    rows = [{"id": "one", "text": "Farmers planted rice."}, {"id": "two", "text": TEXT}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["explain", "--id", "two", str(src)]) == 0
    assert "article two" in capsys.readouterr().out
    assert main(["explain", "--id", "three", str(src)]) == 1
    assert "no article with id 'three'" in capsys.readouterr().err
    assert main(["explain", str(src)]) == 1
    assert "--id" in capsys.readouterr().err


def test_cli_on_the_seed_document(seed_path, capsys):
    assert main(["explain", str(seed_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[2].startswith("dyad")
    assert "IRN-PAK" in out.splitlines()[3]
