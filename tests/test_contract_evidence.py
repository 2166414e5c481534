"""What the scoring contract shows: only the events the model counts, strongest first, and
`tension explain` listing the dropped candidates with why."""

from __future__ import annotations

import pytest

from tension._types import Event
from tension.cli import main
from tension.model._features import (
    contract_events,
    drop_reasons,
    is_kept,
    kept_events,
    links_pair,
    non_state_actor,
)
from tension.model._score import _evidence

T = 0.3  # a signal threshold for the unit tests

WEIGHTS = {"military_strike": -10.0, "talks": 4.0, "accusation": -2.0, "sanctions": -8.0}


def _ev(signal: str, src: str | None, tgt: str | None, conf: float = 0.9, **kw: object) -> Event:
    return Event(  # type: ignore[arg-type]
        article_id="a", signal=signal, quad_class="material_conflict", source=src, target=tgt,
        confidence=conf, weight=WEIGHTS.get(signal, -5.0), sentence=f"{signal} sentence.", **kw,
    )


@pytest.mark.parametrize(
    ("event", "want"),
    [
        (_ev("military_strike", "IND", "PAK"), []),
        (_ev("military_strike", "PAK", "IND", modality="claimed"), []),
        (_ev("military_strike", "IND", None, location="PAK"), []),  # shelling that lands
        (_ev("call_for_restraint", "IND", "PAK", third_parties=("UN",)), []),
        (_ev("military_strike", "IND", "PAK", background=True), ["background"]),
        (_ev("military_strike", "IND", "PAK", conf=0.05), ["below threshold (0.05 < 0.30)"]),
        (_ev("military_strike", "G:rebels", "PAK"), ["non-state actor G:rebels"]),
        (_ev("sanctions", "USA", "RUS"), ["other pair (USA->RUS)"]),
        (_ev("sanctions", "USA", "PAK"), ["other pair (USA->PAK)"]),
        (_ev("accusation", None, None), ["no actor"]),
        (_ev("accusation", "IND", None), ["one side only (IND->?)"]),
        (_ev("military_strike", "IND", "PAK", modality="negated"), ["negated"]),
        (_ev("talks", "IND", "PAK", modality="hedged", conf=0.1),
         ["hedged", "below threshold (0.10 < 0.30)"]),
    ],
)
def test_drop_reasons(event: Event, want: list[str]) -> None:
    assert drop_reasons(event, "IND", "PAK", T) == want
    assert is_kept(event, "IND", "PAK", T) is (want == [])  # one rule, two answers


def test_a_nan_confidence_is_kept_as_drop_reasons_keeps_it() -> None:
    e = _ev("military_strike", "IND", "PAK", conf=float("nan"))
    assert drop_reasons(e, "IND", "PAK", T) == [] and is_kept(e, "IND", "PAK", T)


def test_background_reason_names_the_extract_layers_why_when_it_gives_one() -> None:
    e = _ev("armed_clash", "IND", "PAK", background=True, extra={"why": "anniversary"})
    assert drop_reasons(e, "IND", "PAK", T) == ["background (anniversary)"]


def test_links_pair_and_non_state_actor() -> None:
    assert links_pair(_ev("talks", "PAK", "IND"), "IND", "PAK")
    assert not links_pair(_ev("talks", "PAK", "PAK"), "IND", "PAK")
    assert not links_pair(_ev("talks", "PAK", "AFG"), "IND", "PAK")
    assert non_state_actor(_ev("military_strike", "G:militia", "PAK")) == "G:militia"
    assert non_state_actor(_ev("military_strike", "NATO", "PAK")) == "NATO"
    assert non_state_actor(_ev("military_strike", "IMF", "PAK")) == "IMF"  # 3 capitals, no state
    # an organisation mediating is the event's third party, not an actor of force
    assert non_state_actor(_ev("mediation_offer", "UN", "PAK", third_parties=("UN",))) is None


def test_contract_keeps_only_counted_events_ranked_by_confidence_times_weight() -> None:
    events = [
        _ev("talks", "IND", "PAK", conf=0.95),  # 3.8
        _ev("accusation", "PAK", "IND", conf=0.99),  # 1.98
        _ev("military_strike", "IND", "PAK", conf=0.5),  # 5.0
        _ev("military_strike", "IND", "PAK", conf=0.02),  # below threshold
        _ev("talks", "NGA", "CMR", conf=0.9),  # another pair
        _ev("military_strike", "IND", "PAK", conf=0.9, background=True),
        _ev("military_strike", "G:group", "PAK", conf=0.9),
    ]
    kept, dropped = contract_events(events, "IND", "PAK", T)
    assert [e.signal for e in kept] == ["talks", "accusation", "military_strike"]
    assert len(dropped) == 4 and all(why for _, why in dropped)
    assert kept_events(events, "IND", "PAK", T) == kept
    counts, evidence = _evidence(events, "IND", "PAK", T)
    assert counts == {"talks": 1, "accusation": 1, "military_strike": 1}
    assert [(e["signal"], e["confidence"]) for e in evidence] == [
        ("military_strike", 0.5), ("talks", 0.95), ("accusation", 0.99),
    ]


TEXT = (
    "Iran recalled its ambassador from Pakistan on Tuesday after Pakistani jets struck "
    "targets near the border town of Saravan. The United States may impose sanctions on "
    "Russia, an aide hinted."
)


def test_scored_rows_show_no_event_below_the_threshold_or_off_the_pair() -> None:
    import tension
    from tension.extract._taxonomy import load_taxonomy
    from tension.model._features import signal_threshold

    t, tax = signal_threshold(), load_taxonomy()
    scores = tension.score(TEXT)
    assert len(scores) and (scores["reason"] == "").all()
    for r in scores.to_dict("records"):
        pair = {r["actor_a"], r["actor_b"]}
        for ev in r["evidence"]:
            assert ev["confidence"] >= t
            assert {ev["source"], ev["target"]} == pair
            assert ev["modality"] in ("asserted", "claimed")
        assert sum(r["signals"].values()) >= len(r["evidence"])
        keys = [ev["confidence"] * abs(tax[ev["signal"]].weight) for ev in r["evidence"]]
        assert keys == sorted(keys, reverse=True)


def test_explain_splits_kept_and_dropped_with_reasons() -> None:
    from tension.model._explain import explain

    ex = explain(TEXT)
    assert ex.dyad == "IRN-PAK" and ex.candidate == "IRN-PAK"
    assert {v.event.signal for v in ex.kept} >= {"envoy_recalled"}
    assert len(ex.kept) + len(ex.dropped) == len(ex.events)
    by_signal = {v.event.signal: why for v, why in ex.dropped}
    assert "sanctions" in by_signal
    assert any(w.startswith("other pair") for w in by_signal["sanctions"])
    for v, why in ex.dropped:
        assert why == drop_reasons(v.event, "IRN", "PAK", ex.threshold)


def test_cli_explain_lists_dropped_candidates(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", TEXT]) == 0
    out = capsys.readouterr().out
    assert "events counted for IRN-PAK" in out
    assert "dropped candidates" in out and "why dropped: other pair (USA->RUS)" in out
