"""Actors from the field's dictionaries: leaders_recent.tsv, actors_dictionary.tsv,
misspellings.tsv, the context rules that keep them from firing on something else, dates, places
and historical state names. Every sentence here is written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tension._types import Article, IngestError
from tension.extract import _actors
from tension.extract._actors import find_actors, find_actors_text, gazetteer


def _states(text: str, date: str | None = None) -> list[tuple[str, str]]:
    art = Article(id="t", text=text, raw_text=text, date=date)
    return [(m.text, m.code) for m in find_actors(art) if m.kind == "state"]


# (sentence, expected (surface, code) state mentions), undated: the most recent holder
RESOLVE = [
    # heads of state and government -> their state
    ("Putin said the talks had failed.", [("Putin", "RUS")]),
    ("Modi will travel to Dhaka next week.", [("Modi", "IND"), ("Dhaka", "BGD")]),
    ("Erdogan warned that patience was running out.", [("Erdogan", "TUR")]),
    ("Xi Jinping received the delegation.", [("Xi Jinping", "CHN")]),
    ("Zelensky asked for more air defence.", [("Zelensky", "UKR")]),
    ("Netanyahu rejected the proposal on Sunday.", [("Netanyahu", "ISR")]),
    ("Shehbaz Sharif chaired a security meeting.", [("Shehbaz Sharif", "PAK")]),
    ("Russia's Putin and President Xi signed a statement.",
     [("Russia", "RUS"), ("Putin", "RUS"), ("President Xi", "CHN")]),
    ("PUTIN WARNS KYIV", [("PUTIN", "RUS"), ("KYIV", "UKR")]),
    ("The Modi government summoned the envoy.", [("Modi", "IND")]),
    # border forces
    ("The Border Security Force returned fire.", [("Border Security Force", "IND")]),
    ("BSF troops were on alert.", [("BSF", "IND")]),
    ("A BGB patrol stopped the boat.", [("BGB", "BGD")]),
    ("Border Guard Bangladesh sent a protest note.", [("Border Guard Bangladesh", "BGD")]),
    ("Pakistan Rangers opened fire overnight.", [("Pakistan Rangers", "PAK")]),
    ("Chenab Rangers retaliated, officials said.", [("Chenab Rangers", "PAK")]),
    ("Sutlej Rangers and the BSF held a flag meeting.",
     [("Sutlej Rangers", "PAK"), ("BSF", "IND")]),
    # misspellings
    ("Afganistan and Pakistain traded accusations.", [("Afganistan", "AFG"), ("Pakistain", "PAK")]),
    ("Phillipines coast guard shadowed the vessel.", [("Phillipines", "PHL")]),
    ("Isreal struck targets near the border.", [("Isreal", "ISR")]),
    # historical states (undated: the name; the successor code)
    ("The Soviet Union deployed missiles.", [("Soviet Union", "RUS")]),
    ("Soviet forces crossed the river.", [("Soviet", "RUS")]),
    ("The Soviets withdrew their ambassador.", [("Soviets", "RUS")]),
    ("Rhodesia closed its border with Zambia.", [("Rhodesia", "ZWE"), ("Zambia", "ZMB")]),
    ("Zaire accused Angola of backing rebels.", [("Zaire", "COD"), ("Angola", "AGO")]),
    ("Yugoslavia and Czechoslovakia signed a treaty.",
     [("Yugoslavia", "SRB"), ("Czechoslovakia", "CZE")]),
    # traps that keep the state
    ("The minister visited Russia today and met officials.", [("Russia", "RUS")]),
    ("Troops on Chad's side of the border were reinforced.", [("Chad", "TCD")]),
    ("The U.S. House passed the sanctions bill.", [("U.S.", "USA")]),
    ("North Korea Road Blasts Near Border", [("North Korea", "PRK")]),  # title-case headline
    ("Strikes hit Sichuan Province overnight.", [("Sichuan", "CHN")]),
    ("Borno Governor Zulum visited the camp.", [("Borno", "NGA")]),
]

# sentences in which the named thing must NOT resolve to a state
NOT_RESOLVE = [
    ("The Rangers won the derby on Saturday.", []),
    ("Militants attacked the Mali Khel checkpoint.", []),
    ("Police cleared the Pakistan Chowk protest.", []),
    ("Chad Smith's side won the final.", []),
    ("Russia Today reported the claim.", []),
    # news agencies and broadcasters named after a state are not that state
    ("Agence France-Presse reported the claim.", []),
    ("France 24 and India Today carried the video.", []),
    ("Rebels in Azad Jammu and Kashmir fired.", [("Azad Jammu and Kashmir", "PAK")]),
    ("RUSSIA TODAY REPORTED THE CLAIM.", []),
    ("Xinhua said the drills ended.", []),
    ("China Central Television showed the launch.", []),
    ("Melania Trump opened the exhibition.", []),
    ("Guests gathered at Trump Tower.", []),
    ("Hunter Biden testified on Tuesday.", []),
    ("Xi Jinping Thought is taught in schools.", []),
    ("India named its playing XI.", [("India", "IND")]),
    ("Pope Pius XI wrote an encyclical.", []),
    ("Post-Soviet states met in Almaty.", []),
    ("The museum shows Soviet-era tanks.", []),
    ("Delegates met for talks in Geneva.", []),
    ("The governor spoke in Atlanta.", []),
    ("Students protested in Srinagar.", []),
    ("Minister Maurice Kanto arrived.", []),  # a place name as a surname
    ("Ariana Grande sang on Friday.", []),
    ("Shelling hit Al-Bara overnight.", []),
    ("The poisoning in Salisbury shocked residents.", []),  # Harare's old name, a UK city
    ("A shell landed in Tirah Valley of Bara.", []),  # a Nepali district and a Khyber tehsil
]


@pytest.mark.parametrize(("sentence", "expected"), RESOLVE + NOT_RESOLVE,
                         ids=[c[0][:40] for c in RESOLVE + NOT_RESOLVE])
def test_dictionary_mentions(sentence: str, expected: list[tuple[str, str]]) -> None:
    assert _states(sentence) == expected


# (sentence, article date, expected): dated entries resolve by the article's date
DATED = [
    ("Trump said tariffs would rise.", "2018-06-01", [("Trump", "USA")]),
    ("Trump said tariffs would rise.", "2022-06-01", []),  # between terms: not the state
    ("Trump said tariffs would rise.", "2025-06-01", [("Trump", "USA")]),
    ("Trump said tariffs would rise.", None, [("Trump", "USA")]),
    ("Shehbaz Sharif addressed the assembly.", "2023-10-01", []),  # caretaker period
    ("Shehbaz Sharif addressed the assembly.", "2024-06-01", [("Shehbaz Sharif", "PAK")]),
    ("Netanyahu addressed reporters.", "2022-01-15", []),  # Bennett/Lapid government
    ("Netanyahu addressed reporters.", "2023-01-15", [("Netanyahu", "ISR")]),
    ("Soviet troops entered the city.", "1985-03-01", [("Soviet", "RUS")]),
    ("The Soviet Union collapsed long ago, Moscow said.", "2024-03-01", [("Moscow", "RUS")]),
    ("Zaire expelled the envoy.", "1990-05-01", [("Zaire", "COD")]),
    ("Zaire expelled the envoy.", "2005-05-01", []),
    ("Putin spoke.", "not a date", [("Putin", "RUS")]),  # unreadable date: undated
    # leaders of the 20th century resolve at the date of their term (a history dated at its
    # events), not before or after it, nor glued to another name
    ("Hitler demanded more territory.", "1938-09-20", [("Hitler", "DEU")]),
    ("Hitler demanded more territory.", "1950-01-01", []),
    ("Fidel Castro asked for more missiles.", "1962-10-22", [("Fidel Castro", "CUB")]),
    ("Churchill spoke in the Commons.", "1948-01-01", []),  # between his terms
    ("Churchill spoke in the Commons.", "1952-01-01", [("Churchill", "GBR")]),
    ("Kenyatta opened the session.", "1970-01-01", [("Kenyatta", "KEN")]),  # Jomo
    ("Kenyatta opened the session.", "1990-01-01", []),
    ("De Gaulle vetoed the request.", "1963-01-14", [("De Gaulle", "FRA")]),
    ("The Kennedy Center reopened.", "1962-01-01", []),
]


@pytest.mark.parametrize(("sentence", "date", "expected"), DATED,
                         ids=[f"{c[0][:24]}@{c[1]}" for c in DATED])
def test_dated_entries_follow_the_article_date(
    sentence: str, date: str | None, expected: list[tuple[str, str]]
) -> None:
    assert _states(sentence, date) == expected


def test_same_text_different_dates_are_not_confused_by_the_cache() -> None:
    text = "Trump said tariffs would rise."
    assert _states(text, "2022-06-01") == []
    assert _states(text, "2018-06-01") == [("Trump", "USA")]
    assert _states(text, "2022-06-01") == []


# places: where, not who
PLACES = [
    ("Gunmen attacked a market in Borno.", "Borno", "NGA"),
    ("Shells landed in Sialkot overnight.", "Sialkot", "PAK"),
    ("A checkpoint in Bannu was attacked.", "Bannu", "PAK"),
    ("Sialkot's villages were shelled.", "Sialkot", "PAK"),
]


@pytest.mark.parametrize(("sentence", "surface", "code"), PLACES)
def test_places_are_locations(sentence: str, surface: str, code: str) -> None:
    ms = [m for m in find_actors_text(sentence) if m.text == surface]
    assert [(m.code, m.kind, m.role) for m in ms] == [(code, "state", "location")]


def test_a_place_gives_a_group_its_state() -> None:
    ms = find_actors_text("Boko Haram fighters raided a village in Borno.")
    group = next(m for m in ms if m.kind == "group")
    assert group.state == "NGA"


def test_state_media_is_not_an_actor() -> None:
    # the broadcaster is a source of statements; the state it names is not a party
    assert _states("Press TV said Iran would respond.") == [("Iran", "IRN")]


def test_tables_are_loaded() -> None:
    _, aliases = gazetteer()
    sources = {a.source for a in aliases}
    assert {"leaders", "dictionary", "misspelling"} <= sources
    assert sum(a.source == "dictionary" for a in aliases) > 10_000


# ------------------------------------------------------------------ load-time validation

_HEADER6 = "# source: test\nalias\tcode\tkind\trole\tstart\tend\n"


@pytest.mark.parametrize(
    ("table", "rows", "line", "field"),
    [
        ("leaders_recent.tsv", "Some Leader\tXXX\tstate\thead\t2020-01-01\t\n", 3, "code"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\thead\t2020-13-01\t\n", 3, "start"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\thead\t20200101\t\n", 3, "start"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\thead\t2021-01-01\t2020-01-01\n", 3,
         "end"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\tking\t\t\n", 3, "role"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\thead\t2019-01-01\t2021-01-01\n"
         "Some Leader\tFRA\tstate\thead\t2020-01-01\t\n", 4, "alias"),
        ("leaders_recent.tsv", "Some Leader\tFRA\tstate\thead\t\t\n"
         "Some Leader\tDEU\tstate\thead\t2020-01-01\t\n", 4, "alias"),
        ("actors_dictionary.tsv", "Some Town\tFRA\tstate\tplace\t\t\n"
         "Some Town\tFRA\tstate\tplace\t\t\n", 4, "alias"),
        ("actors_dictionary.tsv", "Some Town\tFRA\tstate\tplace\n", 3, None),
    ],
)
def test_bad_dated_tables_name_file_and_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, table: str, rows: str, line: int,
    field: str | None,
) -> None:
    for name in ("countries.tsv", "aliases.tsv", "actor_context.tsv", "misspellings.tsv"):
        real = _actors._data_path(name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(real, encoding="utf-8")
    other = "actors_dictionary.tsv" if table == "leaders_recent.tsv" else "leaders_recent.tsv"
    (tmp_path / other).write_text(_HEADER6, encoding="utf-8")
    (tmp_path / table).write_text(_HEADER6 + rows, encoding="utf-8")
    monkeypatch.setattr(_actors, "DATA_DIR", tmp_path)
    gazetteer.cache_clear()
    try:
        with pytest.raises(IngestError) as err:
            gazetteer()
        assert (err.value.path, err.value.line, err.value.field) == (table, line, field)
    finally:
        monkeypatch.undo()
        gazetteer.cache_clear()
    assert gazetteer()[1]


def test_terms_handing_over_on_one_day_and_two_offices_at_once_are_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("countries.tsv", "aliases.tsv", "actor_context.tsv", "misspellings.tsv"):
        real = _actors._data_path(name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(real, encoding="utf-8")
    (tmp_path / "actors_dictionary.tsv").write_text(_HEADER6, encoding="utf-8")
    (tmp_path / "leaders_recent.tsv").write_text(
        _HEADER6
        + "Some Leader\tFRA\tstate\tminister\t2010-01-01\t2014-08-28\n"
        + "Some Leader\tFRA\tstate\thead\t2014-08-28\t\n"
        + "Some General\tFRA\tstate\tmilitary\t2011-01-01\t\n"
        + "Some General\tFRA\tstate\thead\t2021-01-01\t\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(_actors, "DATA_DIR", tmp_path)
    gazetteer.cache_clear()
    try:
        aliases = {a.text: a for a in gazetteer()[1] if a.source == "leaders"}
        assert aliases["Some Leader"].code == "FRA" and aliases["Some Leader"].person
        assert len(aliases["Some General"].terms) == 2
    finally:
        monkeypatch.undo()
        gazetteer.cache_clear()
    assert gazetteer()[1]
