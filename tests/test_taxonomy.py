"""The signal taxonomy and cue lexicon load, are complete, and reject bad rows."""

from __future__ import annotations

import pytest

from tension._types import QUAD_CLASSES, IngestError
from tension.extract._taxonomy import (
    FAMILIES,
    SIGNALS,
    load_cues,
    load_taxonomy,
    parse_cues,
    parse_taxonomy,
)

HEADER = "name,family,quad_class,cameo,plover,weight,description\n"


def _full_taxonomy(override: dict[str, str] | None = None) -> str:
    rows = []
    for s in SIGNALS:
        rows.append((override or {}).get(s, f"{s},verbal_conflict,verbal_conflict,111,ACCUSE,-2,x"))
    return "# source: test\n" + HEADER + "\n".join(rows) + "\n"


def test_shipped_taxonomy_has_exactly_the_24_signals_in_order():
    tax = load_taxonomy()
    assert tuple(tax) == SIGNALS
    assert len(SIGNALS) == 24
    for spec in tax.values():
        assert spec.family in FAMILIES
        assert spec.quad_class in QUAD_CLASSES
        assert -10 <= spec.weight <= 10


@pytest.mark.parametrize(
    ("signal", "quad", "sign"),
    [
        ("military_strike", "material_conflict", -1),
        ("accusation", "verbal_conflict", -1),
        ("call_for_restraint", "verbal_cooperation", 1),  # departs from Goldstein's -0.3
        ("agreement", "material_cooperation", 1),
        ("hedged_or_negated_conflict", "statement", 0),
    ],
)
def test_quad_class_and_weight_sign(signal, quad, sign):
    spec = load_taxonomy()[signal]
    assert spec.quad_class == quad
    assert (spec.weight > 0) - (spec.weight < 0) == sign


def test_every_signal_has_triggers():
    names = {c.name for c in load_cues() if c.kind == "trigger"}
    assert names == set(SIGNALS)


def test_valid_synthetic_taxonomy_parses():
    assert tuple(parse_taxonomy(_full_taxonomy())) == SIGNALS


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"talks": "talks,verbal_chitchat,verbal_cooperation,040,CONSULT,1,x"}, "family"),
        ({"talks": "talks,verbal_cooperation,verbal_coop,040,CONSULT,1,x"}, "quad_class"),
        ({"talks": "talk,verbal_cooperation,verbal_cooperation,040,CONSULT,1,x"}, "name"),
        ({"talks": "talks,verbal_cooperation,verbal_cooperation,04x,CONSULT,1,x"}, "cameo"),
        ({"talks": "talks,verbal_cooperation,verbal_cooperation,040,CONSULT,many,x"}, "weight"),
        ({"talks": "talks,verbal_cooperation,verbal_cooperation,040,CONSULT,11,x"}, "weight"),
    ],
)
def test_bad_taxonomy_rows_are_errors_naming_the_field(override, field):
    with pytest.raises(IngestError) as err:
        parse_taxonomy(_full_taxonomy(override), "signals.csv")
    assert err.value.field == field
    assert err.value.line is not None


def test_missing_and_duplicate_signals_are_errors():
    text = _full_taxonomy().replace("aid,verbal_conflict,verbal_conflict,111,ACCUSE,-2,x\n", "")
    with pytest.raises(IngestError, match="missing"):
        parse_taxonomy(text)
    dup = _full_taxonomy() + "talks,verbal_conflict,verbal_conflict,111,ACCUSE,-2,x\n"
    with pytest.raises(IngestError, match="duplicate"):
        parse_taxonomy(dup)


CUE_HEADER = "kind\tname\tphrase\trequires\n"


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("trigger\tmilitary_strikes\tairstrike\t", "name"),
        ("block\tfoo\tleague\t", "name"),
        ("modality\tmaybe\tcould\t", "name"),
        ("trigger\ttalks\tTalks\t", "phrase"),
        ("trigger\ttalks\tme*et\t", "phrase"),
        ("group\tenvoy\tenvoy\tenvoy", "requires"),
        ("verb\ttalks\tmeet\t", "kind"),
    ],
)
def test_bad_cue_rows_are_errors(row, field):
    with pytest.raises(IngestError) as err:
        parse_cues("# source: test\n" + CUE_HEADER + row + "\n", "cues.tsv")
    assert err.value.field == field
    assert err.value.line == 3


def test_unknown_required_group_and_duplicates_are_errors():
    with pytest.raises(IngestError, match="unknown group"):
        parse_cues(CUE_HEADER + "trigger\ttalks\tmet\tnosuchgroup\n")
    with pytest.raises(IngestError, match="duplicate"):
        parse_cues(CUE_HEADER + "trigger\ttalks\tmet\t\ntrigger\ttalks\tmet\t\n")


@pytest.mark.parametrize(("text", "line", "field"), [
    ("phrase\tstate_a\tstate_b\nLoC\tIND\tPAK\n", 1, None),  # header lacks "match"
    ("phrase\tstate_a\tstate_b\tmatch\nLoC\tIND\tIND\texact\n", 2, "state_b"),
    ("phrase\tstate_a\tstate_b\tmatch\nLoC\tIN\tPAK\texact\n", 2, "state_a"),
    ("phrase\tstate_a\tstate_b\tmatch\nLoC\tIND\tPAK\tsome\n", 2, "match"),
    ("phrase\tstate_a\tstate_b\tmatch\nLoC\tIND\tPAK\texact\nLoC\tIND\tPAK\texact\n", 3,
     "phrase"),
])
def test_border_lines_table_is_validated(text, line, field):
    from tension._types import IngestError
    from tension.extract._taxonomy import parse_border_lines

    with pytest.raises(IngestError) as err:
        parse_border_lines(text, "border_lines.tsv")
    assert err.value.line == line and err.value.field == field
    assert "border_lines.tsv" in str(err.value)


def test_shipped_border_lines_load():
    from tension.extract._taxonomy import load_border_lines

    lines = {b.phrase: b for b in load_border_lines()}
    assert lines["Line of Control"].states == ("IND", "PAK")
    assert lines["LoC"].exact and not lines["Line of Control"].exact
