"""Candidate dyads: ranking and salience on project-written articles."""

from __future__ import annotations

import dataclasses

import pytest

from tension._types import Article, Event
from tension.extract._actors import find_actors
from tension.model._dyads import Dyad, candidate_dyads, dyad_key


def _dyads(text: str, title: str | None = None, events: tuple[Event, ...] = ()) -> list[Dyad]:
    art = Article(id="t", text=text, title=title)
    return candidate_dyads(art, find_actors(art), events)


def test_main_pair_ranks_first() -> None:
    text = (
        "Iran struck militant bases inside Pakistan on Tuesday. Pakistan condemned the strike "
        "and recalled its ambassador from Tehran. Islamabad said Iran had violated its airspace. "
        "China urged both sides to show restraint."
    )
    ds = _dyads(text, title="Pakistan recalls envoy after Iranian strike")
    assert ds[0].dyad == "IRN-PAK" and ds[0].rank == 1
    assert ds[0].in_title and ds[0].in_lead
    assert ds[0].n_cooccur >= 2
    assert [d.rank for d in ds] == list(range(1, len(ds) + 1))
    assert all(0.0 <= d.salience <= 1.0 for d in ds)
    assert ds[0].salience >= ds[-1].salience


def test_orgs_and_groups_are_never_sides() -> None:
    ds = _dyads("NATO and the EU met. Hamas fired rockets at Israel. The UN urged calm.")
    assert ds == []  # only one state


def test_events_link_states() -> None:
    text = "Japan and Peru held talks. Chile and Brazil also met. Chile and Brazil signed a deal."
    base = _dyads(text)[0].dyad
    ev = Event(article_id="t", signal="military_strike", quad_class="material_conflict",
               source="JPN", target="BRA")
    linked = _dyads(text, events=(ev, ev, ev))
    assert base == "BRA-CHL"
    assert linked[0].dyad == "BRA-JPN"


def test_dyad_key_sorted_and_frozen() -> None:
    assert dyad_key("PAK", "IRN") == "IRN-PAK"
    d = _dyads("India and China clashed.")[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.rank = 2  # type: ignore[misc]
    assert (d.actor_a, d.actor_b) == ("CHN", "IND")


def test_sentence_indices_cover_either_state() -> None:
    ds = _dyads("India warned. China replied. Both India and China then met.")
    assert ds[0].sentence_indices == (0, 1, 2)
    assert ds[0].n_mentions_a == 2 and ds[0].n_mentions_b == 2 and ds[0].n_cooccur == 1


@pytest.mark.slow
def test_dyad_rate_on_labelled_news(shared_dir) -> None:
    import json

    path = shared_dir / "data" / "news" / "train.jsonl"
    n = hit = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        if not rec.get("dyad"):
            continue
        ds = _dyads(rec["text"] or "", title=rec.get("title"))
        n += 1
        hit += bool(ds) and ds[0].dyad == dyad_key(*rec["dyad"])
    assert hit / n >= 0.9


def test_venue_and_mediator_do_not_link_to_a_side() -> None:
    def ev(signal: str, loc: str | None, third: tuple[str, ...] = ()) -> Event:
        return Event("t", signal, "verbal_cooperation", "USA", "PRK", location=loc,
                     third_parties=third)

    text = "The United States and North Korea held talks in Vietnam. Vietnam hosted the summit."
    ds = _dyads(text, events=(ev("talks", "VNM"), ev("mediation_offer", None, ("VNM",))))
    # the venue and the go-between gain nothing from the meeting: only the pair does
    assert ds[0].dyad == "PRK-USA"
    bare = {d.dyad: d for d in _dyads(text)}
    got = {d.dyad: d for d in ds}
    assert got["USA-VNM"].salience <= bare["USA-VNM"].salience + 1e-9


def test_fire_across_a_control_line_makes_a_dyad_with_the_implied_side() -> None:
    from tension.extract._actors import find_actors
    from tension.extract._signals import extract_signals
    from tension.read._io import as_article

    art = as_article({"id": "l", "text": "An Indian soldier was killed in cross-LoC firing on "
                                        "Tuesday.", "date": "2024-05-21"})
    mentions = find_actors(art)
    assert {m.code for m in mentions if m.kind == "state"} == {"IND"}
    events = extract_signals(art, mentions)
    assert any(e.extra.get("implied") == "PAK" for e in events)
    dyads = candidate_dyads(art, mentions, events)
    assert dyads and dyads[0].dyad == "IND-PAK"
    # without the line, one state makes no dyad
    plain = as_article({"id": "p", "text": "An Indian soldier was killed in firing on Tuesday.",
                        "date": "2024-05-21"})
    assert candidate_dyads(plain, find_actors(plain), extract_signals(plain)) == []


# An article about A's step against B over C, where C is named in most sentences: the
# headline's event between two states marks the pair (own-written text).
_PEG_TEXT = (
    "Chile recalled its ambassador from Peru on Monday over the fighting in Bolivia. "
    "Bolivia has seen weeks of unrest. Peru backed the Bolivian government. "
    "Aid groups in Bolivia said food was short."
)


@pytest.mark.parametrize(("title", "want"), [
    ("Chile recalls its ambassador from Peru over Bolivia", "CHL-PER"),  # the peg: CHL-PER
    ("Chile and Peru at odds over Bolivia", None),  # no event in the headline: no bonus
    ("Chile may recall its ambassador from Peru over Bolivia", None),  # hedged: no bonus
])
def test_a_headline_event_marks_the_pair(title: str, want: str | None) -> None:
    from tension.extract._signals import extract_signals

    art = Article(id="t", text=_PEG_TEXT, title=title)
    mentions = find_actors(art)
    head = extract_signals(Article(id="t", text=title, raw_text=title))
    with_title = candidate_dyads(art, mentions, title_events=head)
    without = candidate_dyads(art, mentions)
    if want is None:
        assert [d.dyad for d in with_title] == [d.dyad for d in without]
    else:
        assert with_title[0].dyad == want
        assert next(d.rank for d in without if d.dyad == want) > 1
