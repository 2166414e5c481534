"""Actor resolution: which states, organisations and armed groups a text names, and in what role.

One Aho-Corasick automaton over the lowercased text finds every alias at once (states from
``data/countries.tsv``; institutions, metonyms, regions, organisations, groups and blocking
phrases from ``data/aliases.tsv``). Candidates must sit on word boundaries and pass a case
check (all-capitals aliases such as ``US`` match case-exactly; others need an initial capital,
so "turkey" and "china" the common nouns never match). Overlaps resolve longest-match-wins,
which is how "South Sudan", "Papua New Guinea" and the blocking phrases ("New Mexico",
"Washington Post", "Times of India") beat the shorter names inside them. A few context rules
(``data/actor_context.tsv``) drop people named Jordan or Chad, the US state of Georgia,
"X-based" and datelines.

The same automaton holds the field's dictionaries: ``data/misspellings.tsv`` (resolve like a
country name), ``data/leaders_recent.tsv`` (curated heads, ministers, forces, state media,
former state names, a few places) and ``data/actors_dictionary.tsv`` (PETRARCH-2/Phoenix). The
tables above win over them, and the curated one over the generated one. Decisions:

* Dated rows resolve by the article's date (``Article.date``): a name whose terms do not cover
  it names no state ("Trump" in 2022); an undated text takes the most recent holder.
* A person's name (head, minister) must be written as listed (or in capitals, for names over
  three letters: "XI" is a numeral) and not be glued to a capitalised word other than a title
  or opener (``person_ok``): "Melania Trump", "Trump Tower" are not the United States.
* Places (role ``place``) are where, not who: their mentions always have the role "location".
  US places and venues of international bodies or disputed Kashmir are not loaded
  (``place_skip``/``place_skip_state``). A state name followed by a place word ("Mali Khel",
  ``place_after``) is a place name, not the state.
* State media (role ``media``) are blocking phrases: a broadcaster is a source of statements,
  not a party, and "China Central Television" must not make China one. Blocking phrases match
  as written or in capitals only, so "visited Russia today" keeps Russia.
* Former states (role ``name``) resolve to the successor the project uses (Soviet Union ->
  RUS, Yugoslavia -> SRB, Zaire -> COD, ...) only while the state existed.
* "<Pakistani place or river> Rangers" (``rangers_pak``) is the Pakistan Rangers; "Rangers"
  alone is not.
"""

from __future__ import annotations

import bisect
import csv
import functools
import logging
import operator
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from typing import Any

import ahocorasick

from tension._types import Article, IngestError, Mention
from tension.read._text import split_sentences

__all__ = ["find_actors", "find_actors_text", "gazetteer", "Alias", "anaphora"]

log = logging.getLogger(__name__)

_KINDS = ("state", "organisation", "group", "block")
_ORG_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,15}$")
_GROUP_CODE = re.compile(r"^G:[a-z0-9-]+$")
# Curly apostrophes and quotes are folded to ASCII so one alias spelling covers both.
_FOLD_CHARS = "\u2019\u2018\u02bc\u2010\u2011"
_FOLD_TO = {c: ("-" if c in "\u2010\u2011" else "'") for c in _FOLD_CHARS}
_FOLD = str.maketrans(_FOLD_TO)


@dataclass(frozen=True, slots=True)
class Alias:
    """One surface form and what it resolves to."""

    text: str
    code: str
    kind: str  # state | organisation | group | block
    exact: bool  # match case-exactly (acronyms such as US, DPRK, LeT)
    state: str | None = None  # groups: default state where they are based
    # country | demonym | capital | alias | misspelling | leaders | dictionary | rule
    source: str = "country"
    # dictionary/leaders tables: role of the most recent term (head, minister, border, place, ...)
    role: str = ""
    # dated terms (start ordinal, end ordinal, code), sorted; () for undated aliases, whose
    # ``code`` always holds. ``code`` of a dated alias is its most recent holder.
    terms: tuple[tuple[int, int, str], ...] = ()
    person: bool = False  # a person's name (head, minister): person context rules apply


# tests point this at a folder of their own tables (a module variable, not a patched function:
# the compiled build calls its functions directly, but reads its globals at each use)
DATA_DIR: Any = None


def _data_path(name: str) -> Any:
    if DATA_DIR is not None:
        return DATA_DIR / name
    return resources.files("tension") / "data" / name


def _read_tsv(name: str) -> list[tuple[int, list[str]]]:
    """Rows of a data TSV (comments and header skipped) with their 1-based line numbers."""
    rows: list[tuple[int, list[str]]] = []
    text = _data_path(name).read_text(encoding="utf-8")
    header_seen = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            continue
        rows.append((lineno, next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))))
    return rows


def _is_exact(alias: str) -> bool:
    # An upper-case letter that does not start a word marks an acronym or a mixed-case name.
    for i, ch in enumerate(alias):
        if ch.isupper() and i > 0 and alias[i - 1] not in " -":
            return True
    return False


def _plural(demonym: str) -> str | None:
    low = demonym.lower()
    if low.endswith(("sh", "ch", "ese", "ss", "s", "x", "z", "ois", "i-kiribati")):
        return None
    if low.endswith("man") and len(low) > 6:
        return None  # "Frenchman", "Englishman": "-men"; but "German" -> "Germans"
    return demonym + "s"


@functools.cache
def gazetteer() -> tuple[dict[str, str], tuple[Alias, ...]]:
    """(state code -> display name, every alias), validated; loaded once."""
    names: dict[str, str] = {}
    aliases: list[Alias] = []
    seen: dict[str, str] = {}

    def add(text: str, code: str, kind: str, source: str, where: str, state: str | None = None,
            role: str = "", terms: tuple[tuple[int, int, str], ...] = (),
            person: bool = False) -> None:
        text = text.strip()
        if not text:
            return
        key = text
        if key in seen:
            if seen[key] == code:
                raise IngestError(f"duplicate alias {text!r}", path=where.split(":")[0],
                                  line=int(where.split(":")[1]), field="alias")
            raise IngestError(
                f"alias {text!r} maps to both {seen[key]} and {code}",
                path=where.split(":")[0], line=int(where.split(":")[1]), field="alias",
            )
        seen[key] = code
        # blocking phrases match case-exactly (or in capitals): "Russia Today" the broadcaster
        # must not swallow "visited Russia today"
        exact = kind == "block" or _is_exact(text)
        folded = text.translate(_FOLD)
        if exact and (any(len(ch.lower()) != 1 for ch in folded) or "\u03a3" in folded):
            # case-exact aliases are found through their lowercase form (_automaton)
            raise IngestError(
                f"case-exact alias {text!r} does not lowercase one character for one",
                path=where.split(":")[0], line=int(where.split(":")[1]), field="alias",
            )
        aliases.append(Alias(text, code, kind, exact, state, source, role, terms, person))

    for lineno, row in _read_tsv("countries.tsv"):
        where = f"countries.tsv:{lineno}"
        if len(row) != 4:
            raise IngestError("expected 4 tab-separated columns", path="countries.tsv",
                              line=lineno)
        code, alist, demonyms, capitals = row
        if not re.fullmatch(r"[A-Z]{3}", code) or code in names:
            raise IngestError(f"bad or duplicate ISO3 code {code!r}", path="countries.tsv",
                              line=lineno, field="iso3")
        forms = [a for a in alist.split("|") if a]
        if not forms:
            raise IngestError("no name", path="countries.tsv", line=lineno, field="names")
        names[code] = forms[0]
        for a in forms:
            add(a, code, "state", "country", where)
        for d in (x for x in demonyms.split("|") if x):
            add(d, code, "state", "demonym", where)
            pl = _plural(d)
            if pl and pl not in seen:
                add(pl, code, "state", "demonym", where)
        for c in (x for x in capitals.split("|") if x):
            add(c, code, "state", "capital", where)

    for lineno, row in _read_tsv("aliases.tsv"):
        where = f"aliases.tsv:{lineno}"
        if len(row) != 4:
            raise IngestError("expected 4 tab-separated columns", path="aliases.tsv", line=lineno)
        text, code, kind, state = row
        if kind not in _KINDS:
            raise IngestError(f"unknown kind {kind!r}", path="aliases.tsv", line=lineno,
                              field="kind")
        ok = (
            (kind == "state" and code in names)
            or (kind == "organisation" and _ORG_CODE.match(code) is not None
                and code not in names)
            or (kind == "group" and _GROUP_CODE.match(code) is not None)
            or (kind == "block" and code == "-")
        )
        if not ok:
            raise IngestError(f"unknown code {code!r} for kind {kind}", path="aliases.tsv",
                              line=lineno, field="code")
        if state and state not in names:
            raise IngestError(f"unknown state {state!r}", path="aliases.tsv", line=lineno,
                              field="state")
        add(text, code, kind, "alias", where, state or None)

    for lineno, row in _read_tsv("misspellings.tsv"):
        where = f"misspellings.tsv:{lineno}"
        if len(row) != 3:
            raise IngestError("expected 3 tab-separated columns", path="misspellings.tsv",
                              line=lineno)
        text, code, _note = row
        if code not in names:
            raise IngestError(f"unknown code {code!r}", path="misspellings.tsv", line=lineno,
                              field="code")
        add(text, code, "state", "misspelling", where)

    # Dated tables: the curated one wins over the generated one, and both lose to the tables
    # above (compared case-insensitively, as the automaton keys are).
    owned = {k.lower() for k in seen}
    extra_rangers: list[str] = []
    skip_places = {w.lower() for w in _context()["place_skip"]}
    skip_states = set(_context()["place_skip_state"])
    for name, source in (("leaders_recent.tsv", "leaders"), ("actors_dictionary.tsv",
                                                               "dictionary")):
        table = _read_dated(name, names)
        for text, rows in table.items():
            if text.lower() in owned:
                continue
            if all(r[2] == "place" for r in rows) and (
                text.lower() in skip_places or rows[0][1] in skip_states
            ):
                continue
            lineno = rows[0][0]
            latest = max(rows, key=lambda r: (r[4], r[3]))
            _, code, role, _, _ = latest
            dated = len(rows) > 1 or rows[0][3] != _MIN_DAY or rows[0][4] != _MAX_DAY
            terms = tuple(sorted((r[3], r[4], r[1]) for r in rows)) if dated else ()
            person = any(r[2] in _PERSON_ROLES for r in rows)
            if all(r[2] == "media" for r in rows):
                # a state broadcaster is a source of statements, not an actor: its name is
                # blocked so that the state inside it ("China Central Television") is not one
                add(text, "-", "block", source, f"{name}:{lineno}")
            else:
                add(text, code, "state", source, f"{name}:{lineno}", None, role, terms, person)
            if code == "PAK" and role == "place" and not dated:
                extra_rangers.append(text)
        owned |= {k.lower() for k in table}
    # "<Pakistani place or river> Rangers" is a wing of the Pakistan Rangers ("Chenab Rangers");
    # "Rangers" alone (sports clubs, park rangers) is not an actor
    for place in (*_context()["rangers_pak"], *extra_rangers):
        form = f"{place} Rangers"
        if form.lower() not in owned and form not in seen:
            owned.add(form.lower())
            add(form, "PAK", "state", "rule", "actor_context.tsv:0", None, "border")
    return names, tuple(aliases)


_PERSON_ROLES = frozenset({"head", "minister"})
_ROLES = frozenset({"head", "government", "minister", "military", "police", "border",
                    "institution", "media", "place", "name"})
_MIN_DAY, _MAX_DAY = date.min.toordinal(), date.max.toordinal()
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value: str, name: str, lineno: int, col: str) -> int | None:
    if not value:
        return None
    try:
        if not _ISO_DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value).toordinal()
    except ValueError:
        raise IngestError(f"bad date {value!r} (expected YYYY-MM-DD)", path=name, line=lineno,
                          field=col) from None


def _read_dated(
    name: str, names: Mapping[str, str]
) -> dict[str, list[tuple[int, str, str, int, int]]]:
    """alias -> [(line, code, role, start ordinal, end ordinal)] of a dated actor table,
    validated: known code, kind ``state``, known role, real ISO dates with start <= end, and
    no alias listed twice for overlapping dates (terms may share their handover day; one
    person may hold two offices of one state at once)."""
    out: dict[str, list[tuple[int, str, str, int, int]]] = {}
    for lineno, row in _read_tsv(name):
        if len(row) != 6:
            raise IngestError("expected 6 tab-separated columns", path=name, line=lineno)
        text, code, kind, role, start, end = (x.strip() for x in row)
        if not text:
            raise IngestError("empty alias", path=name, line=lineno, field="alias")
        if code not in names:
            raise IngestError(f"unknown code {code!r}", path=name, line=lineno, field="code")
        if kind != "state":
            raise IngestError(f"unknown kind {kind!r}", path=name, line=lineno, field="kind")
        if role not in _ROLES:
            raise IngestError(f"unknown role {role!r}", path=name, line=lineno, field="role")
        lo = _day(start, name, lineno, "start")
        hi = _day(end, name, lineno, "end")
        lo = _MIN_DAY if lo is None else lo
        hi = _MAX_DAY if hi is None else hi
        if lo > hi:
            raise IngestError(f"start {start} after end {end}", path=name, line=lineno,
                              field="end")
        rows = out.setdefault(text, [])
        for other in rows:
            # overlapping terms (more than a shared handover day) list the alias twice, unless
            # one person holds two offices of the same state at once
            overlap = lo < other[4] and other[3] < hi or (lo, hi) == (other[3], other[4])
            if overlap and (code != other[1] or role == other[2]):
                what = "for two states" if code != other[1] else "twice"
                raise IngestError(
                    f"duplicate alias {text!r}: listed {what} for overlapping dates "
                    f"(see line {other[0]})", path=name, line=lineno, field="alias",
                )
        rows.append((lineno, code, role, lo, hi))
    return out


@functools.cache
def _context() -> dict[str, tuple[str, ...]]:
    rules: dict[str, tuple[str, ...]] = {}
    known = {
        "person", "us_state_after", "us_state_before", "us_state_doc", "country_doc",
        "based_suffix", "verb", "location_before", "location_after", "location_skip",
        "not_verb_ed", "neighbour_ok", "person_ok", "place_after", "rangers_pak",
        "place_skip", "place_skip_state", "place_ok", "anaphor_verb", "anaphor_not",
        "anaphor_adverb",
    }
    text = _data_path("actor_context.tsv").read_text(encoding="utf-8")
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or parts[0] not in known:
            raise IngestError("expected `rule<TAB>words` with a known rule",
                              path="actor_context.tsv", line=lineno, field="rule")
        if parts[0] in rules:
            raise IngestError(f"duplicate rule {parts[0]!r}", path="actor_context.tsv",
                              line=lineno, field="rule")
        rules[parts[0]] = tuple(w for w in parts[1].split("|") if w)
    missing = known - rules.keys()
    if missing:
        raise IngestError(f"missing rules {sorted(missing)}", path="actor_context.tsv")
    return rules


# One automaton entry per lowercased key: (key length, alias when the surface starts with a
# capital or a non-letter, alias otherwise, case-exact (folded text, alias) pairs).
_Entry = tuple[int, Alias | None, Alias | None, tuple[tuple[str, Alias], ...]]


@functools.cache
def _automaton() -> Any:
    """One automaton over the lowercased text for every alias.

    Case-exact aliases (US, CIA, LeT) are keyed by their lowercase form too and confirmed
    against the folded text, so one pass finds both; the case decision for the others is
    precomputed per key, so a hit costs a few index checks.
    """
    _, aliases = gazetteer()
    low_keys: dict[str, list[Alias]] = {}
    exact_keys: dict[str, dict[str, Alias]] = {}
    for a in aliases:
        folded = a.text.translate(_FOLD)
        if a.exact:
            # the text is lowercased character for character, so an exact hit is also a hit
            # on the key's lowercase form (gazetteer() refuses keys for which it is not)
            exact_keys.setdefault(folded.lower(), {}).setdefault(folded, a)
            if a.kind == "block" and folded.upper().lower() == folded.lower():
                # a blocking phrase also blocks in an all-capitals headline
                exact_keys[folded.lower()].setdefault(folded.upper(), a)
        else:
            low_keys.setdefault(folded.lower(), []).append(a)
    auto = ahocorasick.Automaton()
    # a fixed insertion order (the tables' own names first, shortest first) keeps the nodes
    # that ordinary text walks through close together in memory; a set's order would change
    # with the string hash seed from run to run
    first = {a.text.translate(_FOLD).lower() for a in aliases
             if a.source not in ("leaders", "dictionary", "rule")}
    for key in sorted(low_keys.keys() | exact_keys.keys(),
                      key=lambda k: (k not in first, len(k), k)):
        entries = low_keys.get(key, [])
        # a non-exact alias needs an initial capital unless it is a blocking phrase or written
        # lowercase ("al-Qaeda" may open a sentence); the first entry that passes wins
        free = [a for a in entries if a.kind == "block" or a.text[:1].islower()]
        value: _Entry = (
            len(key),
            entries[0] if entries else None,
            free[0] if free else None,
            tuple(exact_keys.get(key, {}).items()),
        )
        auto.add_word(key, value)
    auto.make_automaton()
    return auto


@functools.cache
def _prefixes(rule: str) -> tuple[str, ...]:
    """A rule's words as a tuple for one ``str.startswith`` call (lowercased)."""
    return tuple(_sets()[rule])


@functools.cache
def _sets() -> dict[str, frozenset[str]]:
    c = _context()
    return {k: frozenset(w.lower() for w in v) for k, v in c.items()} | {
        "person_exact": frozenset(c["person"]),
        "neighbour_exact": frozenset(c["neighbour_ok"]),
        "person_ok_exact": frozenset(c["neighbour_ok"]) | frozenset(c["person_ok"]),
        "place_after_exact": frozenset(c["place_after"]),
        "place_ok_exact": frozenset(c["neighbour_ok"]) | frozenset(c["place_ok"]),
    }


# A dateline: a place in capitals (or "Place, Country") at a line start, an optional date and
# agency in brackets, then a dash. Anything matched is dropped as a mention.
_DATELINE = re.compile(
    r"(?m)^[ \t]*(?:[A-Z][A-Z.'\- ]{2,40}|[A-Z][a-z]+(?: [A-Z][a-z]+)?(?=,))"
    r"(?:,[ \t]*[A-Z][A-Za-z.' ]{1,30})?(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]*\d{1,2})?"
    r"[ \t]*(?:\([A-Za-z .&/]{2,30}\))?[ \t]*(?:--|[-\u2013\u2014:])[ \t]"
)
_WORD_BEFORE = re.compile(r"([A-Za-z][\w.'-]*)\s*$")
_WORD_AFTER = re.compile(r"^\s*([A-Za-z][\w.'-]*)")
_NEXT_WORD = re.compile(r" ([A-Za-z][\w.'-]*)")  # for .match(text, pos) (no ^ anchor)
_LOWER_TOKEN = re.compile(r"(?<![\w-])[a-z]{2,}(?![\w-])")


def _fold(text: str) -> str:
    # translate() with a dict table goes through Python per character (~0.1 ms on a 4 KB
    # text); one str.replace per folded character does the same mapping in C
    for ch in _FOLD_CHARS:
        if ch in text:
            text = text.replace(ch, _FOLD_TO[ch])
    return text


def _lower_same_length(folded: str) -> str:
    low = folded.lower()
    if len(low) == len(folded):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in folded)


def _raw_candidates(text: str, folded: str, low: str) -> list[tuple[int, int, Alias]]:
    """Every boundary- and case-valid alias occurrence, before overlap resolution.

    For one span a case-insensitive alias comes before a case-exact one (overlap resolution
    keeps the first of equal spans).
    """
    n = len(low)
    out: list[tuple[int, int, Alias]] = []
    append = out.append
    for end_idx, (length, cap, nocap, exact) in _automaton().iter(low):
        start = end_idx - length + 1
        if start > 0 and low[start - 1].isalnum():
            continue
        end = end_idx + 1
        if end < n and low[end].isalnum():
            continue
        if cap is not None:
            c = text[start]
            a = cap if c.isupper() or not c.isalpha() else nocap
            if a is not None:
                append((start, end, a))
        if exact:
            surface = folded[start:end]
            for key, a in exact:
                if surface == key:
                    append((start, end, a))
                    break
    return out


def _longest_first(c: tuple[int, int, Alias]) -> tuple[int, int]:
    return c[0] - c[1], c[0]


def _resolve_overlaps(cands: list[tuple[int, int, Alias]]) -> list[tuple[int, int, Alias]]:
    """Longest match wins, then the leftmost; a hit is kept only if it overlaps nothing kept.

    Hits come in order of their end (``_raw_candidates``), so the runs of mutually overlapping
    hits are contiguous slices of ``cands``: a hit that starts before the end of the run before
    it joins it (and any earlier run it reaches into). Runs never overlap one another, so each
    is resolved on its own; most are one hit, and only the others are sorted (sorting every hit
    of an article whenever one overlap occurred cost a tenth of the actor layer).
    """
    firsts: list[int] = []  # index in cands of each run's first hit
    ends: list[int] = []  # each run's end
    for i, c in enumerate(cands):
        s = c[0]
        if ends and s < ends[-1]:
            k, end = firsts.pop(), ends.pop()
            while ends and s < ends[-1]:
                k = firsts.pop()
                ends.pop()
            firsts.append(k)
            ends.append(c[1] if c[1] > end else end)
        else:
            firsts.append(i)
            ends.append(c[1])
    if len(firsts) == len(cands):
        return cands  # disjoint, hence in position order
    kept: list[tuple[int, int, Alias]] = []
    firsts.append(len(cands))
    for j, end in enumerate(ends):
        a, b = firsts[j], firsts[j + 1]
        if b - a == 1:
            kept.append(cands[a])
            continue
        run = sorted(cands[a:b], key=_longest_first)
        lo = min(c[0] for c in run)
        # one byte per character of the run marks what is kept: linear in its size
        taken = bytearray(end - lo)
        got: list[tuple[int, int, Alias]] = []
        for s, e, al in run:
            if taken.find(1, s - lo, e - lo) >= 0:
                continue
            taken[s - lo:e - lo] = b"\x01" * (e - s)
            got.append((s, e, al))
        got.sort(key=operator.itemgetter(0))
        kept += got
    return kept


def _is_person(text: str, s: int, e: int, sents: frozenset[int]) -> bool:
    """A capitalised word glued to an ambiguous name ("Michael Jordan", "Chad Smith")."""
    sets = _sets()
    ok = sets["neighbour_exact"]
    before = text[max(0, s - 30):s]
    if before.endswith(" ") and not before.endswith("  "):
        # a match holds no whitespace but the trailing run, so it starts in the last chunk:
        # search from there (from every one of 30 positions it cost ~3 us)
        head = before.rstrip()
        k = len(head) - len(head.rsplit(None, 1)[-1]) if head else 0
        m = _WORD_BEFORE.search(before, k)
        word = m.group(1) if m else ""
        if m and word[0].isupper() and word not in ok and "\n" not in before[m.start():]:
            # not the first word of a sentence, and not a known place word
            if s - len(before) + m.start() not in sents and not m.group(1).endswith("."):
                return True
    after = text[e:e + 30]
    if after.startswith(" "):
        m = _WORD_AFTER.match(after)
        word = m.group(1) if m else ""
        if word.endswith(("'s", "\u2019s")):
            word = word[:-2]  # "Chad Smith's side"
        if word[:1].isupper() and word.isalpha() and word not in ok:
            if word.lower() not in sets["verb"]:
                return True
    return False


def _term_code(a: Alias, day: int | None) -> str | None:
    """The state a dated alias names on ``day`` (None: no term covers it); undated article:
    the most recent holder. A shared handover day goes to the later term."""
    if day is None:
        return a.code
    code = None
    for lo, hi, c in a.terms:
        if lo <= day <= hi:
            code = c
        elif lo > day:
            break
    return code


def _not_the_office_holder(text: str, folded: str, s: int, e: int, a: Alias) -> bool:
    """A leader's or minister's name that means someone or something else: written otherwise
    than listed (an all-capitals "XI" is a numeral; capitals are accepted for names over three
    letters), glued to a capitalised word that is not a title or opener ("Melania Trump",
    "Trump Tower", "Xi Jinping Thought"), or part of a longer word ("Xi'an")."""
    surface = folded[s:e]
    if surface != a.text and surface != a.text.translate(_FOLD):
        # capitals: a headline, where the neighbours' case tells nothing
        return not (surface.isupper() and len(surface) > 3)
    ok = _sets()["person_ok_exact"]
    if folded.startswith("'", e) and not folded.startswith("'s", e) and \
            folded[e + 1:e + 2].isalpha():
        return True
    k, word = _word_before(text, s)
    if k >= 0 and word[:1].isupper() and word not in ok and not word.endswith(".") and \
            "\n" not in word:
        base = word[:-2] if word.endswith(("'s", "\u2019s")) else word
        if not _automaton().exists(base.translate(_FOLD).lower()):
            return True
    word = _word_after(text, e)
    if word[:1].isupper() and word.isalpha() and word not in ok:
        if word.lower() not in _sets()["verb"]:
            return True
    return False


def _word_before(text: str, s: int) -> tuple[int, str]:
    """The word glued to a name on its left (one space, no line break between) and where it
    starts; ``(-1, "")`` when there is none."""
    if s > 1 and text[s - 1] == " " and text[s - 2] not in " \n":
        k = text.rfind(" ", max(0, s - 40), s - 1)
        return k + 1, text[k + 1:s - 1]
    return -1, ""


def _word_after(text: str, e: int) -> str:
    """The word after a name, without a final full stop or possessive; "" when none follows."""
    if not text.startswith(" ", e):
        return ""
    m = _NEXT_WORD.match(text, e, e + 30)
    word = m.group(1).rstrip(".") if m else ""
    return word[:-2] if word.endswith(("'s", "\u2019s")) else word


def _place_name_follows(text: str, e: int) -> bool:
    """A state name followed by a place word ("Mali Khel", "India Gate") is a place name,
    unless the word after that is capitalised too (a title-case headline)."""
    if not text.startswith(" ", e) or not text[e + 1:e + 2].isupper():
        return False
    m = _NEXT_WORD.match(text, e, e + 30)
    if m is None or m.group(1) not in _sets()["place_after_exact"]:
        return False
    nxt = _NEXT_WORD.match(text, m.end(), m.end() + 30)
    return nxt is None or not nxt.group(1)[:1].isupper()


def _place_in_other_name(text: str, s: int, e: int, sent_starts: frozenset[int]) -> bool:
    """A dictionary place glued to a capitalised word that is not a place word or a state
    name ("Maurice Kanto", "Ariana Grande"), or the tail of a hyphenated name ("Al-Bara")."""
    sets = _sets()
    ok = sets["place_ok_exact"]
    if s > 1 and text[s - 1] == "-" and text[s - 2].isalpha():
        return True
    k, word = _word_before(text, s) if s - 1 not in sent_starts else (-1, "")
    if k >= 0 and k not in sent_starts and word[:1].isupper() and word.isalpha() and \
            word not in ok and not _automaton().exists(word.translate(_FOLD).lower()):
        return True
    word = _word_after(text, e)
    if word[:1].isupper() and word.isalpha() and word not in ok and \
            word.lower() not in sets["verb"] and \
            not _automaton().exists(word.translate(_FOLD).lower()):
        return True
    return False


def _is_us_georgia(text: str, s: int, e: int, doc_us: bool) -> bool:
    sets = _sets()
    after = text[e:e + 40].lower()
    if after.startswith("'s"):
        after = after[2:]
    words = after.split()
    if words:
        first = words[0].strip(".,;:")
        two = " ".join(w.strip(".,;:") for w in words[:2])
        if first in sets["us_state_after"] or two in sets["us_state_after"]:
            return True
    before = text[max(0, s - 20):s].lower().split()
    if before and (before[-1] in sets["us_state_before"]
                   or " ".join(before[-2:]) in sets["us_state_before"]):
        return True
    return doc_us


def _trie_regex(words: list[str]) -> str:
    """A prefix-factored alternation (the regex engine tries the branches of a flat one in
    turn at every token)."""
    tree: dict[str, Any] = {}
    for w in words:
        node = tree
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(tree)


@functools.cache
def _verb_pattern() -> re.Pattern[str]:
    """The first verb-ish token in one search: a listed verb, or an -ed word of 5+ letters
    that is not listed as an adjective. Tokens are cut as by _LOWER_TOKEN."""
    sets = _sets()

    def words(rule: str) -> list[str]:
        # a token is [a-z]{2,}: other entries could never match
        return sorted(w for w in sets[rule] if len(w) >= 2 and w.isascii() and w.isalpha()
                      and w.islower())

    end = r"(?![\w-])"
    return re.compile(
        rf"(?<![\w-])(?:{_trie_regex(words('verb'))}{end}"
        rf"|(?!{_trie_regex(words('not_verb_ed'))}{end})[a-z]{{3,}}ed{end})"
    )


def _first_verb(text: str, s: int, e: int) -> int:
    """Offset of the first verb-ish token in ``text[s:e]`` (-1 when none)."""
    m = _verb_pattern().search(text, s, e)
    return m.start() if m else -1


def _in_datelines(text: str, positions: list[int]) -> list[bool]:
    """For each of the ascending ``positions``: does a dateline (_DATELINE) cover it?

    A dateline starts a line and never spans a line break, so only the line of a position
    can hold one that covers it: it is matched there, once per line, rather than searched
    for in the whole text. The line search resumes where the last one stopped: linear.
    """
    out: list[bool] = []
    line_start = scanned = 0
    ends: dict[int, int] = {}  # line start -> end of its dateline (-1: none)
    for s in positions:
        nl = text.rfind("\n", scanned, s)
        if nl >= 0:
            line_start = nl + 1
        scanned = s
        end = ends.get(line_start)
        if end is None:
            m = _DATELINE.match(text, line_start)
            end = ends[line_start] = m.end() if m else -1
        out.append(s < end)
    return out


@functools.cache
def _role_rules() -> tuple[tuple[str, ...], frozenset[str], frozenset[str], frozenset[str]]:
    sets = _sets()
    return (_prefixes("location_after"), sets["location_after"], sets["location_before"],
            sets["location_skip"])


def _role(
    text: str, folded: str, low_f: str | None, low_t: str | None, s: int, e: int
) -> str | None:
    """Location or possessor from the words around a mention; None: decided by the verb.

    ``low_f``/``low_t``: the lowercased whole text when slicing it is the same as lowercasing
    a slice of ``folded`` / of ``text`` (else None), so no per-mention lowercasing.
    """
    after_prefixes, after_words, before_words, skip_words = _role_rules()
    poss = False
    skip = 0
    if folded.startswith("'", e):
        if folded.startswith("'s", e):
            poss, skip = True, 2
        elif text[e - 1:e] == "s":
            poss, skip = True, 1
    if low_f is not None:
        rest_l = low_f[e + skip:e + 40].lstrip()
    else:
        rest_l = folded[e + skip:e + 40].lower().lstrip()
    if rest_l.startswith(after_prefixes):
        for w in after_words:
            if rest_l.startswith(w) and (len(rest_l) == len(w) or not rest_l[len(w)].isalpha()):
                return "location"
    lo = s - 40 if s > 40 else 0
    # the last three words are all that is read (rsplit leaves the rest unsplit); "the" and
    # compass words are read past ("in the north-western Syria")
    before = (low_t[lo:s] if low_t is not None else text[lo:s].lower()).rsplit(None, 3)
    k = len(before) - 1
    while k > 0 and before[k] in skip_words:
        k -= 1
    if before and before[k] in before_words:
        return "location"
    return "possessor" if poss else None


# The headline is resolved twice per article (candidate dyads, title signals): keep the last
# few results for texts whose offsets need no mapping.
_FOUND_SIZE = 4
_found: dict[tuple[str, str, int | None], tuple[Any, tuple[Mention, ...]]] = {}


def _article_day(article: Article | None) -> int | None:
    """The article's date as a day ordinal (None: undated or unreadable)."""
    value = article.date if article is not None else None
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def _find(text: str, article_id: str, article: Article | None) -> list[Mention]:
    if not text:
        return []
    identity = article is None or (
        article.anchors in ((), ((0, 0),)) and (not article.raw_text or article.raw_text == text)
    )
    day = _article_day(article)
    if not identity:
        return _find_uncached(text, article_id, article, identity, day)
    key = (text, article_id, day)
    autos, sets = _automaton(), _sets()  # a result is only reused with the same data
    hit = _found.get(key)
    if hit is None or hit[0][0] is not autos or hit[0][1] is not sets:
        hit = ((autos, sets), tuple(_find_uncached(text, article_id, article, identity, day)))
        if len(_found) >= _FOUND_SIZE:
            _found.pop(next(iter(_found), key), None)
        _found[key] = hit
    return list(hit[1])


def _find_uncached(
    text: str, article_id: str, article: Article | None, identity: bool, day: int | None = None
) -> list[Mention]:
    folded = _fold(text)
    low = folded.lower()
    # When every character lowercases to one character, out of context (the final-sigma rule
    # is the only context str.lower uses), a slice of ``low`` is the lowercased slice.
    one_to_one = len(low) == len(folded) and "\u03a3" not in folded
    if len(low) != len(folded):
        low = _lower_same_length(folded)
    cands = _raw_candidates(text, folded, low)
    if day is not None:
        # a dated name out of office on the article's date must not hide a shorter name
        # inside it, so it goes before overlaps are resolved
        cands = [c for c in cands if not c[2].terms or _term_code(c[2], day) is not None]
    kept = _resolve_overlaps(cands)
    if not kept:
        return []
    sets = _sets()
    person_exact = sets["person_exact"]
    based = _prefixes("based_suffix")
    low_f = low if one_to_one else None  # low_f[i:j] == folded[i:j].lower()
    low_t = low if one_to_one and folded is text else None  # _fold returns text if unchanged
    spans = split_sentences(text)
    starts = [sp[0] for sp in spans]
    raw_span = None if identity or article is None else article.raw_span_fn()
    sent_starts: frozenset[int] | None = None
    doc_us: bool | None = None
    in_dateline = _in_datelines(text, [c[0] for c in kept])
    verb_pos: dict[int, int] = {}  # sentence -> first verb, computed only where needed
    out: list[Mention] = []
    groups = False
    for (s, e, a), dated in zip(kept, in_dateline, strict=True):
        kind = a.kind
        if kind == "block" or dated:
            continue
        if low_t is not None:
            if low_t.startswith(based, e, e + 20):
                continue
        elif text[e:e + 20].lower().startswith(based):
            continue
        code = a.code
        if a.terms:
            found = _term_code(a, day)
            if found is None:
                continue  # not in office (or the state did not exist) on the article's date
            code = found
        if a.person:
            if _not_the_office_holder(text, folded, s, e, a):
                continue
        elif kind == "state" and text.startswith(" ", e) and text[e + 1:e + 2].isupper() \
                and _place_name_follows(text, e):
            continue
        elif a.role == "place":
            if sent_starts is None:
                sent_starts = frozenset(starts)
            if _place_in_other_name(text, s, e, sent_starts):
                continue
        surface = text[s:e]
        if surface in person_exact:
            if sent_starts is None:
                sent_starts = frozenset(starts)
            if _is_person(text, s, e, sent_starts):
                continue
        if a.code == "GEO" and surface.lower() == "georgia":
            if doc_us is None:
                doc_us = any(w in text for w in _context()["us_state_doc"]) and not any(
                    w in text for w in _context()["country_doc"]
                )
            if _is_us_georgia(text, s, e, doc_us):
                continue
        si = bisect.bisect_right(starts, s) - 1
        if si < 0:
            si = 0
        # a place of a state (dictionary role 'place': "Borno", "Sialkot") is where, not who
        role = "location" if a.role == "place" else _role(text, folded, low_f, low_t, s, e)
        if role is None:
            vp = verb_pos.get(si)
            if vp is None:
                vp = verb_pos[si] = _first_verb(text, *spans[si]) if si < len(spans) else -1
            role = "other" if vp < 0 else "subject" if s < vp else "object"
        rs, re_ = (s, e) if raw_span is None else raw_span(s, e)
        if kind == "group":
            groups = True
        # positional (a third cheaper than keywords): article_id, start, end, text, code, kind,
        # role, sentence_index, clean_start, clean_end, state
        out.append(Mention(article_id, rs, re_, surface, code, kind,  # type: ignore[arg-type]
                           role, si, s, e, a.state if kind == "group" else None))
    return _group_states(out, text) if groups else out


def _group_states(mentions: list[Mention], text: str) -> list[Mention]:
    """A group followed in its sentence by a state used as a location operates there."""
    if not any(m.kind == "group" for m in mentions):
        return mentions
    out = list(mentions)
    for i, m in enumerate(mentions):
        if m.kind != "group":
            continue
        for n in mentions[i + 1:]:
            if n.sentence_index != m.sentence_index or n.clean_start - m.clean_end > 80:
                break
            if n.kind == "state" and n.role == "location":
                out[i] = replace(m, state=n.code)
                break
    return out


# A pronoun or a definite description that stands for a state named just before.
_ANAPHOR = re.compile(r"(?<![\w'-])(?:it|its|they|their|the country|the government|the regime)"
                      r"(?![\w-])", re.IGNORECASE)
_PLURAL = ("they", "their")
_POSSESSIVE = ("its", "their")


@functools.cache
def _demonyms() -> frozenset[str]:
    """Demonyms and their plurals ("British", "Egyptians") and plural names of former states'
    people ("Soviets"): what "they" may stand for (a country's name is "it")."""
    return frozenset(a.text.lower() for a in gazetteer()[1] if a.source == "demonym" or (
        a.role == "name" and " " not in a.text and a.text.endswith("s")))


def _anaphor_role(text: str, low: str, s: int, e: int, surface: str) -> str | None:
    """The role of an anaphor at ``text[s:e]``: "possessor" ("its", "the country's"),
    "subject" (a verb follows: "it sent", "it also demanded", "they began"), "object" (after a
    listed verb or an -ed word: "supplied it"), or None: no state meant ("it is likely", "in
    the country", "the government of X")."""
    sets = _sets()
    if surface in _POSSESSIVE or low.startswith("'s", e):
        return "possessor"
    rest = low[e:e + 40]
    if surface == "it" and any(rest.startswith(" " + w + " ") or rest.startswith(" " + w + ",")
                               for w in sets["anaphor_not"]):
        return None
    if surface not in ("it", "they") and rest.startswith(" of "):
        return None  # "the government of Chad": the state is named
    before = low[max(0, s - 25):s].split()
    if before and before[-1] in sets["location_before"]:
        return None  # "across the country": a place
    for w in rest.split()[:3]:
        w = w.strip(",;:")
        if _verbish(w, sets):
            return "subject"
        if w not in sets["anaphor_adverb"] and not w.endswith("ly"):
            break
    if before and _verbish(before[-1], sets):
        return "object"
    return None


def _verbish(word: str, sets: Mapping[str, frozenset[str]]) -> bool:
    """A listed verb (``verb``, ``anaphor_verb``) or an -ed word of 5+ letters that is not
    listed as an adjective (as _verb_pattern reads them)."""
    return word in sets["verb"] or word in sets["anaphor_verb"] or (
        word.endswith("ed") and len(word) >= 5 and word not in sets["not_verb_ed"])


def anaphora(text: str, mentions: Sequence[Mention], sentences: Iterable[int],
             article_id: str = "") -> list[Mention]:
    """State mentions for "it", "its", "they", "their", "the country", "the government" and
    "the regime" in ``sentences`` (indexes of ``split_sentences(text)``), each resolved to the
    state named as the subject just before it, conservatively:

    * the subject (or the possessive of a subject, "Iraq's army") of the same sentence before
      it; when its sentence names no actor before it, the subject of the sentence before, in
      the same paragraph; never further back;
    * a subject or a possessive only ("it sent", "its troops"); a description as an object
      ("supplied the government") only from the sentence before (in its own sentence it would
      not be the subject); never an object "it" ("ratified it": a treaty as often as a state);
    * never when subjects of two states (or a state and an organisation or group) compete
      ("Iraq and Iran ... they"), or in its own sentence another actor is named between the
      subject and it ("X persuaded Y to pull back its forces"), nor for "they"/"their"
      unless the state was named by a demonym ("the Soviets ... they");
    * never in "it is ...", "it took ...", "across the country", "the government of X".

    ``mentions``: the article's mentions (``find_actors``, clean offsets). The new mentions
    have kind "state", the anaphor as ``text`` and offsets into the clean text; they are the
    signal layer's to read (``find_actors`` never returns them)."""
    spans = split_sentences(text)
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sentence_index, []).append(m)
    low = text.lower()
    out: list[Mention] = []
    for si in sentences:
        if si >= len(spans):
            continue
        ss, se = spans[si]
        for hit in _ANAPHOR.finditer(low, ss, se):
            s, e = hit.span()
            surface = hit.group(0)
            own = by_sent.get(si, ())
            if any(m.clean_start < e and s < m.clean_end for m in own):
                continue  # inside a name ("the Government of India" as listed)
            role = _anaphor_role(text, low, s, e, surface)
            if role is None or role == "object" and surface in ("it", "they"):
                continue  # an object "it" is a treaty or a plan as often as a state
            before = [m for m in own if m.clean_end <= s]
            if before:
                if role == "object":
                    continue
                code = _subject_of(text, spans[si], before, surface)
                if code is not None and before[-1].code != code:
                    # another actor named between them competes ("X persuaded Y to pull back
                    # its forces")
                    continue
            elif si > 0 and "\n" not in text[spans[si - 1][1]:ss]:
                code = _subject_of(text, spans[si - 1], by_sent.get(si - 1, []), surface)
            else:
                code = None
            if code is not None:
                out.append(Mention(article_id, s, e, text[s:e], code, "state",  # type: ignore[arg-type]
                                   role, si, s, e, None))
    return out


def _subject_of(text: str, span: tuple[int, int], ms: Sequence[Mention],
                surface: str) -> str | None:
    """The one state named in subject position (before the first verb) among ``ms`` of the
    sentence ``span``; None when there is none, or actors of two codes compete."""
    vp = _first_verb(text, *span)
    subj = [m for m in ms if m.role != "location" and (vp < 0 or m.clean_start < vp)]
    codes = {m.code for m in subj}
    if len(codes) != 1 or subj[0].kind != "state":
        return None
    if surface.lower() in _PLURAL and not all(m.text.lower() in _demonyms() for m in subj):
        return None
    return subj[0].code


def find_actors(article: Article | str | Mapping[str, Any]) -> list[Mention]:
    """States, organisations and armed groups named in an article, sorted by position.

    ``article`` is an :class:`Article`, the text of one (always text, cleaned as ingestion
    cleans it) or a mapping with ``text`` (and ``id``, ``title``, ``date``).

    ``start``/``end`` point into the original text, ``clean_start``/``clean_end`` into
    ``article.text``; ``sentence_index`` indexes ``split_sentences(article.text)``.
    """
    if not isinstance(article, Article):
        from tension.read._io import as_article

        article = as_article(article)
    return _find(article.text, article.id, article)


def find_actors_text(text: str, article_id: str = "") -> list[Mention]:
    """:func:`find_actors` for a bare string (offsets are into ``text``)."""
    return _find(text, article_id, None)
