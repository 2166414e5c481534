"""Signal extraction: triggers, modality, actors, evidence spans, must-not-fire cases.

Every sentence here is our own writing (or the user's seed document).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tension._types import MODALITIES, Article, Event
from tension.extract._counts import SignalCounts
from tension.extract._signals import (
    _counts_as_present,
    article_signals,
    extract_signals,
    text_quad_class,
)
from tension.extract._taxonomy import SIGNALS


def _events(text: str) -> list[Event]:
    return extract_signals(text)


def _find(events: list[Event], signal: str) -> list[Event]:
    return [e for e in events if e.signal == signal]


# sentence, signal, expected modality (None = must not fire at all)
TABLE = [
    # material conflict
    ("Turkish jets carried out airstrikes on Kurdish positions inside Iraq on Sunday.",
     "military_strike", "asserted"),
    ("Chad was struck by Libyan missiles overnight, officials in the capital said.",
     "military_strike", "asserted"),
    ("Ecuador and Colombia traded tit-for-tat strikes along the frontier.",
     "military_strike", "asserted"),
    ("Thai and Cambodian soldiers exchanged fire near the disputed temple.",
     "armed_clash", "asserted"),
    ("Three Malian soldiers were killed in the shelling, the army said.", "casualties",
     "asserted"),
    ("No casualties were reported after the border incident between Peru and Chile.",
     "casualties", "negated"),
    ("Armenia has massed troops along its frontier with Azerbaijan.", "troop_mobilization",
     "asserted"),
    ("Egypt said it reserves the right to respond to any threat to its water security from "
     "Sudan.", "military_threat", "asserted"),
    # verbal conflict and coercion
    ("Serbia accused Kosovo of provoking unrest in the north.", "accusation", "asserted"),
    ("Norway denied violating Swedish airspace during the exercise.", "sovereignty_violation",
     "denied"),
    ("Finland summoned the Russian ambassador over the drone flights.", "envoy_summoned",
     "asserted"),
    ("Peru announced the recall of its ambassador from Mexico.", "envoy_recalled", "asserted"),
    ("Ghana expelled two Togolese diplomats on Tuesday.", "envoy_expelled", "asserted"),
    ("Bolivia threatened to expel the Chilean ambassador over the remarks.", "envoy_expelled",
     "threatened"),
    ("Morocco severed diplomatic relations with Algeria.", "ties_cut", "asserted"),
    ("Canada imposed sanctions on Venezuelan officials.", "sanctions", "asserted"),
    ("Kyrgyzstan closed the border with Tajikistan after the shooting.", "border_closure",
     "asserted"),
    ("Students in Hanoi staged a protest outside the Chinese embassy.", "protest", "asserted"),
    # cooperation and third parties
    ("Qatar offered to mediate between Sudan and South Sudan.", "mediation_offer", "asserted"),
    ("The African Union urged Sudan and Chad to exercise restraint.", "call_for_restraint",
     "asserted"),
    ("The foreign ministers of Greece and Turkey held talks in Athens.", "talks", "asserted"),
    ("Ghana and Nigeria pledged unity in the fight against piracy.", "unity_pledge", "asserted"),
    ("Ethiopia and Eritrea signed a peace agreement in Jeddah.", "agreement", "asserted"),
    ("India and China agreed to a ceasefire along the frontier.", "ceasefire", "asserted"),
    ("Qatar and Egypt restored diplomatic relations last week.", "ties_restored", "asserted"),
    ("Australia said its ambassador would return to Jakarta next month.", "envoy_returned",
     "hedged"),
    ("Japan sent humanitarian aid to Turkey after the earthquake struck.", "aid", "asserted"),
    # modality: hedges, threats, claims, negation
    ("Analysts said the dispute between Kenya and Somalia is unlikely to result in large scale "
     "conflict.", "hedged_or_negated_conflict", "hedged"),
    ("Officials insist Chile and Peru are not likely to get into a shooting match.",
     "hedged_or_negated_conflict", "hedged"),
    ("The row between Serbia and Croatia could escalate into war.",
     "hedged_or_negated_conflict", "hedged"),
    ("Fears of war between Sudan and Ethiopia grew this week.", "hedged_or_negated_conflict",
     "hedged"),
    ("Belarus said it would retaliate if Poland deployed more troops.", "military_threat",
     "asserted"),
    ("Syria did not strike Turkish positions, the ministry said.", "military_strike",
     "negated"),
    ("Iranian media alleged the strikes killed 9 people in Pakistan.", "casualties", "claimed"),
    # must not fire
    ("Dock workers began a strike over wages at the port of Antwerp.", "military_strike", None),
    ("The two clubs clash in the cup final on Saturday as fans travel from Madrid.",
     "armed_clash", None),
    ("Supermarkets in Germany are locked in a price war over milk.",
     "hedged_or_negated_conflict", None),
    ("The company's brand ambassador visited the factory in Vietnam.", "talks", None),
    ("A bombshell report on the minister's finances shook parliament.", "military_strike",
     None),
    ("The company recalled its new cars from dealers in France.", "envoy_recalled", None),
    ("The striker scored twice in the match against Brazil.", "military_strike", None),
]


@pytest.mark.parametrize(("sentence", "signal", "modality"), TABLE)
def test_signal_table(sentence, signal, modality):
    events = _find(_events(sentence), signal)
    if modality is None:
        assert events == [], f"{signal} must not fire: {events}"
    else:
        assert events, f"{signal} missing in {sentence!r}"
        assert modality in {e.modality for e in events}


def test_every_signal_has_a_positive_row():
    assert {s for _, s, m in TABLE if m is not None} == set(SIGNALS)


@pytest.mark.parametrize(
    ("sentence", "signal", "source", "target"),
    [
        ("Finland summoned the Russian ambassador over the drone flights.", "envoy_summoned",
         "FIN", "RUS"),
        ("Chad was struck by Libyan missiles overnight.", "military_strike", "LBY", "TCD"),
        ("Turkish jets carried out airstrikes on Kurdish positions inside Iraq on Sunday.",
         "military_strike", "TUR", "IRQ"),
        ("Peru announced the recall of its ambassador from Mexico.", "envoy_recalled", "PER",
         "MEX"),
        ("Ghana and Nigeria pledged unity in the fight against piracy.", "unity_pledge", "GHA",
         "NGA"),
        ("Serbia accused Kosovo of provoking unrest in the north.", "accusation", "SRB", "XKX"),
        # the dead of a strike are its victims: the state named last before "killing" is
        # where they died, not who killed them
        ("Ugandan shells hit a market in South Sudan, killing four traders.", "casualties",
         "UGA", "SSD"),
        ("Moroccan drone strikes on Algeria killed two shepherds.", "casualties", "MAR",
         "DZA"),
        ("Pakistan recalled its envoy after Afghan mortars struck a village in Pakistan, killing "
         "three children.", "casualties", "AFG", "PAK"),
        # a state named as a place is where, not who
        ("Iranian drones launched from bases in Iraq struck Kuwait.", "military_strike", "IRN",
         "KWT"),
        # a second verb shares the first one's subject
        ("Venezuela expelled the Colombian ambassador and closed the border.", "border_closure",
         "VEN", "COL"),
        ("Algerian jets operating in southern Libya bombed smuggler camps.", "military_strike",
         "DZA", "LBY"),
        # a state governed by a preposition is not the actor of a later verb
        ("Japan lent two billion dollars to Vietnam to aid its flood recovery.", "aid", "JPN",
         "VNM"),
        # the agent of a nominalisation three words on: "violation of Greek airspace by X"
        ("Greece condemned the repeated violation of Greek airspace by Turkish jets.",
         "sovereignty_violation", "TUR", "GRC"),
        # "brokered by X": X mediates, the parties are the two sides
        ("Azerbaijan and Armenia agreed to a ceasefire brokered by Russia.", "ceasefire", "AZE",
         "ARM"),
    ],
)
def test_actor_attribution(sentence, signal, source, target):
    ev = _find(_events(sentence), signal)
    assert ev, signal
    if target == "XKX" and ev[0].target not in ("XKX", "KOS"):
        pytest.skip("Kosovo code depends on the gazetteer")
    assert (ev[0].source, ev[0].target) == (source, target)


def test_third_party_restraint_call_names_callers_and_the_pair():
    text = ("Sudan and Ethiopia traded artillery fire near the border on Monday. "
            "Following calls for restraint from Kenya, the United States and the United Nations, "
            "the two countries agreed to hold talks.")
    ev = _find(_events(text), "call_for_restraint")
    assert ev
    assert set(ev[0].third_parties) == {"KEN", "USA", "UN"}
    assert {ev[0].source, ev[0].target} == {"SDN", "ETH"}
    agree = _find(_events(text), "talks")
    assert agree and {agree[0].source, agree[0].target} == {"SDN", "ETH"}


def test_claim_has_speaker_and_casualty_count():
    ev = _find(_events("Iranian media alleged the strikes killed 9 people in Pakistan."),
               "casualties")
    assert ev[0].modality == "claimed"
    assert ev[0].speaker == "IRN"
    assert ev[0].casualties == 9


def test_the_charge_of_an_accusation_is_not_a_second_accusation():
    # "of sponsoring terrorism" is what India accuses Pakistan of, not Pakistan accusing India
    ev = _find(_events("India accused Pakistan of sponsoring terrorism."), "accusation")
    assert [(e.source, e.target) for e in ev] == [("IND", "PAK")]
    # a protest already carries the accusation of the violation it is about
    ev = _events("Greece protested to Turkey over the violation of its airspace by Turkish jets.")
    assert not _find(ev, "accusation")
    assert [(e.source, e.target) for e in _find(ev, "sovereignty_violation")] == [("TUR", "GRC")]


def test_a_disputed_border_is_not_an_accusation():
    ev = _events("China and India clashed along their disputed border.")
    assert not _find(ev, "accusation")
    assert _find(ev, "armed_clash")


def test_several_events_in_one_sentence():
    text = "Pakistan recalled its ambassador and barred Iran's envoy from entering the country."
    signals = {e.signal for e in _events(text)}
    assert {"envoy_recalled", "envoy_expelled"} <= signals


def test_background_history_is_marked():
    text = ("Cambodia and Thailand held talks in Bangkok on Monday, 3 June 2024.\n"
            "The two countries fought a border war in 1987 that killed hundreds of soldiers.")
    events = _events(text)
    old = [e for e in events if e.sentence_index == 1]
    assert old and all(e.background for e in old)
    assert not any(_counts_as_present(e) for e in old)
    assert not _find(events, "talks")[0].background


def test_offsets_point_into_original_text():
    raw = "Cyprus   and Greece\u00a0agreed.  Turkey  sent warships into Cypriot waters."
    art = Article(id="x", text=raw, raw_text=raw)
    for e in extract_signals(art):
        assert raw[e.start:e.end] == e.trigger
        assert raw[e.sentence_start:e.sentence_end] == e.sentence


def test_event_fields_are_valid():
    for e in extract_signals(open_seed()):
        assert e.signal in SIGNALS
        assert e.modality in MODALITIES
        assert 0.0 <= e.confidence <= 1.0
        assert e.weight == pytest.approx(e.weight)


def open_seed() -> str:
    from pathlib import Path

    return (Path(__file__).resolve().parents[1] / "seeds" / "000_6facbdc12a09933c.txt").read_text(
        encoding="utf-8")


def test_seed_document_regression(seed_path):
    events = extract_signals(seed_path.read_text(encoding="utf-8"))

    def has(signal, source=None, target=None, modality=None, **kw):
        for e in events:
            if e.signal != signal:
                continue
            if source and e.source != source or target and e.target != target:
                continue
            if modality and e.modality != modality:
                continue
            if all(getattr(e, k) == v for k, v in kw.items()):
                return True
        return False

    assert has("military_strike", "IRN", "PAK", location="PAK")
    assert has("military_strike", "PAK", "IRN", location="IRN")
    assert has("casualties", casualties=2, speaker="PAK", modality="claimed")
    assert has("casualties", casualties=9, speaker="IRN", modality="claimed")
    assert has("envoy_recalled", "PAK", "IRN")
    assert has("envoy_expelled", "PAK", "IRN")
    restraint = _find(events, "call_for_restraint")
    assert restraint and set(restraint[0].third_parties) == {"CHN", "USA", "UN"}
    assert {restraint[0].source, restraint[0].target} == {"IRN", "PAK"}
    assert any(e.signal == "unity_pledge" and {e.source, e.target} == {"IRN", "PAK"}
               for e in events)
    assert any(e.signal == "agreement" and {e.source, e.target} == {"IRN", "PAK"}
               for e in events)
    assert _find(events, "accusation")
    hedged = [e for e in _find(events, "hedged_or_negated_conflict") if e.modality == "hedged"]
    assert any("unlikely to result in large scale conflict" in e.sentence for e in hedged)


def test_text_quad_class():
    assert text_quad_class(_events("Canada imposed sanctions on Venezuelan officials.")) == \
        "material_conflict"
    assert text_quad_class(_events("The weather in Lima was mild today.")) == "statement"


def test_article_signals_skips_negated_and_background():
    events = _events("Syria did not strike Turkish positions, the ministry said.")
    assert "military_strike" not in article_signals(events, threshold=0.0)
    assert "hedged_or_negated_conflict" in article_signals(events, threshold=0.0)


def test_signal_counts_transformer_contract():
    docs = ["Canada imposed sanctions on Venezuelan officials.",
            "Finland summoned the Russian ambassador."]
    sc = SignalCounts()
    X = sc.fit_transform(docs)
    names = list(sc.get_feature_names_out())
    assert X.shape == (2, len(SIGNALS) * len(MODALITIES))
    assert "military_strike__asserted" in names
    assert X[0, names.index("sanctions__asserted")] == 1
    assert X[1, names.index("envoy_summoned__asserted")] == 1
    events = [extract_signals(d) for d in docs]
    df = SignalCounts().set_output(transform="pandas").fit_transform(pd.Series(events))
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == names
    assert df.loc[0, "sanctions__asserted"] == 1


def test_empty_and_odd_input():
    assert extract_signals("") == []
    assert extract_signals("strike " * 3000) is not None


# ---------------------------------------------------------------- learned re-scorer, CLI, fuzz


def test_rescorer_matches_its_training_design_matrix():
    from tension.extract._sentclf import design_matrix, load_rescorer, score

    art = load_rescorer()
    if art is None:
        pytest.skip("no re-scorer artifact shipped")
    from tension.extract._actors import find_actors
    from tension.extract._signals import _extract

    a = Article(id="x", text=open_seed(), raw_text=open_seed())
    events = _extract(a, find_actors(a))
    X = design_matrix([events])
    expected = 1 / (1 + np.exp(-(X @ art["coef"] + art["intercept"])))
    assert np.allclose(score(events, art), expected)
    # the re-scorer keeps the rule prior for inspection
    assert all("prior" in e.extra for e in extract_signals(a))


def test_rescorer_keeps_the_rule_prior_for_cues_it_never_saw(monkeypatch):
    """A cue absent from the re-scorer's training keeps its rule prior; a cue seen many times
    gets (close to) the learned probability; in between the two are blended."""
    from tension.extract import _sentclf
    from tension.extract._actors import find_actors
    from tension.extract._signals import _extract

    art = _sentclf.load_rescorer()
    if art is None:
        pytest.skip("no re-scorer artifact shipped")
    a = Article(id="x", text=open_seed(), raw_text=open_seed())

    def confidences(counts):
        monkeypatch.setitem(art, "cue_counts", counts)
        events = _sentclf.rescore(a, _extract(a, find_actors(a)))
        return [(e.confidence, e.extra["prior"]) for e in events]

    unseen = confidences({})
    assert unseen and all(c == round(p, 4) for c, p in unseen)
    events = _extract(a, find_actors(a))
    learned = _sentclf.score(events, art).tolist()
    many = confidences({_sentclf.cue_key(e): 10**9 for e in events})
    # firm acts (a specific force cue between two named states) keep their prior as a floor
    floor = [max(p, e.confidence) if _sentclf.is_firm_act(e) else p
             for p, e in zip(learned, events, strict=True)]
    assert [c for c, _ in many] == pytest.approx(floor, abs=1e-3)
    assert any(abs(u - m) > 0.05 for (u, _), (m, _) in zip(unseen, many, strict=True))
    assert _sentclf.shrink_to_prior(0.1, 0.8, 2) == pytest.approx(
        (2 * 0.1 + _sentclf.PRIOR_WEIGHT * 0.8) / (2 + _sentclf.PRIOR_WEIGHT))


@pytest.mark.parametrize(("text", "firm"), [
    ("Nepalese troops resorted to unprovoked firing on Indian posts on Monday.", True),
    ("Kyrgyz and Tajik border guards exchanged fire near the canal on Friday.", True),
    # a single-word cue, a group, a past act and a denial are not firm
    ("Nepalese troops attacked Indian posts on Monday.", False),
    ("Militants resorted to unprovoked firing on Indian posts on Monday.", False),
    ("In 1965 Nepalese troops resorted to unprovoked firing on Indian posts.", False),
    ("Nepal denied that its troops opened fire on Indian posts.", False),
    # a side taken from elsewhere in the article (its sentence names one state) is not firm
    ("Police in Nepal clashed with protesters in the capital. India and China urged calm.",
     False),
])
def test_firm_acts_are_specific_current_force_between_two_states(text, firm):
    from tension.extract._sentclf import is_firm_act

    art = Article(id="f", text=text, raw_text=text, date="2024-05-20")
    force = [e for e in extract_signals(art) if e.signal in {"military_strike", "armed_clash"}]
    assert any(is_firm_act(e) for e in force) is firm, [
        (e.signal, e.source, e.target, e.modality, e.background, e.extra.get("prior"))
        for e in force]


@pytest.mark.parametrize(("text", "firm"), [
    ("Russia invaded Ukraine on Thursday.", True),
    ("Russian troops invaded Ukraine on Thursday, officials said.", True),
    # the noun is mostly history, a crowd is no state, a dated act is past
    ("Russia's invasion of Ukraine continued on Thursday.", False),
    ("Protesters invaded the parliament building in Lima.", False),
    ("In 2022 Russia invaded Ukraine.", False),
])
def test_an_invasion_between_two_named_states_is_firm(text, firm):
    """"X invaded Y" keeps its rule prior as a floor, as a strike does: an invasion the
    learned probability doubts (it is mostly history in the news) still reaches the contract."""
    from tension.extract._sentclf import is_firm_act

    art = Article(id="i", text=text, raw_text=text, date="2024-05-20")
    ev = [e for e in extract_signals(art) if e.signal == "sovereignty_violation"]
    assert ev, text
    assert any(is_firm_act(e) for e in ev) is firm
    if firm:
        assert max(e.confidence for e in ev) >= 0.5


def test_rescorer_sums_its_features_in_training_order():
    """score() gathers the features of a whole article at once; each probability is the one
    of the event's own feature_indices row summed term by term (bit for bit)."""
    from tension.extract._sentclf import feature_indices, load_rescorer, score

    art = load_rescorer()
    if art is None:
        pytest.skip("no re-scorer artifact shipped")
    text = open_seed() + (" Troops of India shelled posts in Pakistan. 2024. Pakistan said"
                          " India shelled the posts again and India denied it.")
    events = extract_signals(Article(id="x", text=text, raw_text=text))
    assert len({e.sentence_index for e in events}) > 2
    expected = []
    for row in feature_indices(events):
        z = 0.0
        for j in row:
            z += float(art["coef"][j])
        expected.append(z + float(art["intercept"]))
    assert score(events, art).tolist() == (1 / (1 + np.exp(-np.asarray(expected)))).tolist()


def test_rescorer_packed_sort_equals_lexsort(monkeypatch):
    """Articles with more event sentences than fit the packed sort key take np.lexsort:
    the same probabilities."""
    import tension.extract._sentclf as sentclf

    art = sentclf.load_rescorer()
    if art is None:
        pytest.skip("no re-scorer artifact shipped")
    text = open_seed() + " India shelled posts in Pakistan. Pakistan recalled its envoy."
    events = extract_signals(Article(id="x", text=text, raw_text=text))
    packed = sentclf.score(events, art)
    monkeypatch.setattr(sentclf, "_MAX_PACKED", 0)
    assert sentclf.score(events, art).tolist() == packed.tolist()


@pytest.mark.parametrize("coef, form", [
    ([0.5, -0.25, 0.0, 2.0**-20], "codes"),  # float32 values, few distinct: 16-bit codes
    ([0.5, -0.0, 0.0], "float32"),  # codes would merge -0.0 and 0.0
    ([0.1, 0.5], "float64"),  # 0.1 is not a float32
])
def test_rescorer_weights_compact_form_is_exact(coef, form):
    from tension.extract._sentclf import _compact

    arr = np.asarray(coef, dtype=np.float64)
    codes, values = _compact(arr)
    got = {np.uint16: "codes"}.get(codes.dtype.type, "") if codes is not None else \
        {np.float32: "float32", np.float64: "float64"}[values.dtype.type]
    assert got == form
    back = (values if codes is None else values[codes]).astype(np.float64)
    assert back.view(np.uint64).tolist() == arr.view(np.uint64).tolist()


def _event() -> Event:
    return Event("a1", "military_strike", "material_conflict", "IND", "PAK",
                 confidence=0.5, extra={"cue": "shelled"})


@pytest.mark.parametrize("name, value", [("source", "X"), ("confidence", 0.1), ("extra", {})])
def test_event_is_frozen(name, value):
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(_event(), name, value)


def test_event_construction_keeps_dataclass_behaviour():
    import copy
    import dataclasses
    import inspect
    import pickle
    import typing

    e = _event()
    names = [f.name for f in dataclasses.fields(Event)]
    assert list(inspect.signature(Event).parameters) == names
    assert e.modality == "asserted" and e.third_parties == () and e.weight == 0.0
    # a fresh dict per event from the default factory
    assert Event("a", "s", "q", None, None).extra == {}
    assert Event("a", "s", "q", None, None).extra is not Event("a", "s", "q", None, None).extra
    assert pickle.loads(pickle.dumps(e)) == e and copy.deepcopy(e) == e
    assert dataclasses.replace(e, source="CHN").source == "CHN"
    assert dataclasses.asdict(e)["extra"] == {"cue": "shelled"}
    assert e.to_dict()["third_parties"] == [] and repr(e).startswith("Event(article_id='a1'")
    assert e == _event() and e != dataclasses.replace(e, modality="negated")
    assert typing.get_type_hints(Event.__init__)["extra"] == dict[str, typing.Any]
    with pytest.raises(TypeError):
        Event("a1", "military_strike")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Event("a", "s", "q", None, None, bogus=1)  # type: ignore[call-arg]


def test_cli_text_prints_events(capsys):
    from tension.cli import main

    assert main(["signals", "--text", "Finland summoned the Russian ambassador."]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("signal\tmodality\tsource\ttarget")
    assert any(line.startswith("envoy_summoned\tasserted\tFIN\tRUS") for line in out[1:])


def test_cli_file_writes_one_row_per_event(tmp_path):
    import csv
    import json

    from tension.cli import main
    from tension.cli.signals import COLUMNS

    src = tmp_path / "in.jsonl"
    src.write_text(
        json.dumps({"id": "a1", "text": "Ghana expelled two Togolese diplomats on Tuesday."})
        + "\n" + json.dumps({"id": "a2", "text": "The weather was mild in Accra."}) + "\n",
        encoding="utf-8")
    out = tmp_path / "ev.csv"
    assert main(["signals", str(src), "-o", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert tuple(rows[0].keys()) == COLUMNS
    assert {r["article_id"] for r in rows} == {"a1"}
    assert any(r["signal"] == "envoy_expelled" and r["source"] == "GHA" for r in rows)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(
    ["strike", "not", "Iran", "Pakistan", "'s", "by", "the two countries", "killed", "9", ".",
     "\n", "calls for restraint from", "China", ",", "unlikely", "war", "İ", "ﬁ", "recalled",
     "ambassador", "1987", "if", "would", "  "]), max_size=60))
def test_random_text_never_crashes_and_offsets_hold(tokens):
    text = " ".join(tokens)
    if not text.strip():
        return
    art = Article(id="f", text=text, raw_text=text)
    for e in extract_signals(art):
        assert text[e.start:e.end] == e.trigger
        assert e.sentence_start <= e.start <= e.end <= e.sentence_end
        assert e.modality in MODALITIES


@pytest.mark.parametrize(
    ("sentence", "signal", "modality", "source", "target"),
    [
        ("Iran denied violating Pakistani airspace on Friday.", "sovereignty_violation",
         "denied", "IRN", "PAK"),
        ("Pakistan did not strike Iranian border posts, officials said.", "military_strike",
         "negated", "PAK", "IRN"),
        ("Pakistan says it reserves the right to respond to Iran.", "military_threat",
         "asserted", "PAK", "IRN"),
        ("Iran threatened to expel the Pakistani ambassador.", "envoy_expelled", "threatened",
         "IRN", "PAK"),
        ("Pakistan would retaliate if Iran struck again, the minister said.", "military_threat",
         "asserted", "PAK", "IRN"),
        ("A Pakistani village was struck by Iranian missiles on Tuesday.", "military_strike",
         "asserted", "IRN", "PAK"),
        ("The recall of Pakistan's ambassador from Tehran was announced late on Wednesday.",
         "envoy_recalled", "asserted", "PAK", "IRN"),
    ],
)
def test_issue_phrases(sentence, signal, modality, source, target):
    ev = [e for e in _find(_events(sentence), signal) if e.modality == modality]
    assert ev, [(e.signal, e.modality) for e in _events(sentence)]
    assert (ev[0].source, ev[0].target) == (source, target)
