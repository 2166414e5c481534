"""Build ``tension/data/actors_dictionary.tsv`` from the PETRARCH-2 / Phoenix actor dictionaries.

Why: the package resolves states from country names, demonyms, capitals and a short curated
alias list, so a sentence whose actor is "the Kremlin", "Sergei Lavrov", "the Border Security
Force" or "Kandahar" names no state at all. The Open Event Data Alliance's Phoenix dictionaries
(MIT licence) map tens of thousands of such people, institutions, forces and places to CAMEO
country-sector codes with dated terms of office. This script keeps the part that serves a
state-pair tension tool (heads of state and government, ministers, military, police, border
forces, state institutions and state media, places that belong to a state), maps the codes to
ISO 3166 alpha-3, turns the dated entries into ISO dates, and drops aliases that would fire on
ordinary running text. The table is generated; re-run this script rather than editing it.

Usage: ``python experiments/build_actor_tables.py [--shared ../shared]``

Decisions (also written into the table header):

* Two-digit years: ``YY < 30`` is 20YY, otherwise 19YY. The dictionaries write every year
  before 1930 with four digits (``[RUSELI 19240101-641014]``) and nothing in them is dated after
  2019, so this pivot reads every six-digit date the way its authors meant it.
* ``[CODE >date]`` gives an empty ``end`` and ``[CODE <date]`` an empty ``start``; an undated
  code gives both empty. An undated default code of a person who also has dated codes is the
  "otherwise" case of PETRARCH (almost always ``ELI``, a former official) and is not emitted.
* Open-ended terms of people (``[INDGOV >040522]``) that began before 2014-01-30, the date of
  the CountryInfo.140130 file the person entries come from, are closed on that date: the file
  left many of them open long after the person left office (Manmohan Singh, Modibo Sidibe), and
  an open stale term would make a bare surname fire on news years later. Institutions and
  places stay undated. ``leaders_recent.tsv`` (curated, to the present) wins for every alias it
  lists, and the rows of such aliases are not emitted here.
* Size: ministers are kept for plain ``GOV`` (CountryInfo's foreign, interior and other senior
  ministers), defence (``GOVMIL``) and police/security (``GOVCOP``) only; a bare surname is
  generated from a full name only for heads of state or government (the file's own one-word
  synonyms, such as ``LAVROV``, are kept for everyone). About 17,600 rows.
* Codes: the first three letters are ISO 3166 alpha-3 for every state in ``countries.tsv``
  (checked: the country entry of each code names that country); ``USRxxx``/``YUGxxx`` (Soviet /
  Yugoslav republics) map to ``xxx``, ``KSV`` to ``XKX``, ``TMP`` to ``TLS``, ``HKG`` to ``CHN``
  for terms after the 1997 handover; regions, territories, IGOs and defunct states are dropped.
* Roles from the sector codes: ``GOV`` of a leader entry (one with ``ELI`` spells, or a
  title alias such as "President X"; for the USA, whose cabinet is listed in the same format,
  the section comment above the entry: "# U.S. Presidents", "# U.S. Secretaries of State")
  -> head, of any other person -> minister (CountryInfo lists
  foreign, interior and other ministers as plain ``GOV``), ``GOVMIL``/``GOVCOP`` person ->
  minister (other portfolios and legislators dropped),
  ``GOV`` institution -> government, ``MIL``/``GOVMIL`` institution -> military, ``COP`` ->
  police, ``GOVMED`` institution -> media, ``LEG``/``JUD``/``SPY``/other ``GOVxxx`` institution
  -> institution, bare country code -> place; any alias naming a border force, frontier unit or
  coast guard -> border. ``ELI``, parties, opposition, rebels, business, NGOs: dropped.
* Ambiguity: an alias (case-insensitive) that maps to two states over overlapping dates is
  dropped entirely; countries.tsv / aliases.tsv / leaders_recent.tsv / misspellings.tsv win
  over this table. Also dropped: aliases under 3 characters (one-word ones under 4 unless an
  upper-case acronym), generic agent nouns of Phoenix.agents.txt, words seen in lower case in
  the shared news corpora, English words and common names (``COMMON_WORDS``), one-word aliases
  that are a given name somewhere in the file, generated surnames shared by several people,
  names of the state itself (the file lists them before the capital), and place names that
  another state or a famous namesake shares (``AMBIGUOUS_PLACES``).

How the package reads the table (tension/extract/_actors.py): rows resolve by the article's
date (undated text: the most recent holder); ``place`` rows are locations, never actors, and
places listed in ``place_skip`` / of states in ``place_skip_state`` (actor_context.tsv: summit
venues, disputed Kashmir, US places) are not loaded; ``media`` rows are blocking phrases; heads
and ministers pass the person context rules (``person_ok``).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tension" / "data"
OUT = DATA / "actors_dictionary.tsv"
DICT_DIR = Path("data") / "external" / "petrarch2_dictionaries"
ACTOR_FILES = (
    "Phoenix.Countries.actors.txt",
    "Phoenix.International.actors.txt",
    "Phoenix.MilNonState.actors.txt",
)
# Text corpora in shared/ used only to learn which words occur in lower case in running text.
CORPORA = (
    Path("data") / "news" / "train.jsonl",
    Path("data") / "external" / "wikipedia_current_events_categorized"
    / "wcep_categorized_events.jsonl",
)
ROLES = (
    "head", "government", "minister", "military", "police", "border", "institution", "media",
    "place",
)
CODE_MAP = {"KSV": "XKX", "TMP": "TLS"}
HANDOVER_HKG = date(1997, 7, 1)
# Date of CountryInfo.140130.txt, the file the person entries come from: an open-ended term of
# a person that began before it is closed here (see the module docstring).
PERSON_CAP = date(2014, 1, 30)
ORG_WORDS = {
    "jaish", "jaysh", "army", "forces", "force", "brigade", "brigades", "front", "party",
    "council", "committee", "ministry", "department", "office", "government", "regime",
    "police", "guard", "guards", "corps", "command", "agency", "service", "bureau", "court",
    "assembly", "congress", "movement", "militia", "unit", "group", "administration",
}
NON_LATIN = re.compile(r"[^\x00-\x7f\u00c0-\u024f\u1e00-\u1eff]")
# Non-state sectors (parties, opposition, rebels, business, NGOs, elites...).
DROP_SECTORS = {
    "ELI", "OPP", "PTY", "REB", "INS", "UNR", "BUS", "EDU", "CVL", "MED", "NGO", "NGM", "MNC",
    "HLH", "LAB", "AGR", "ENV", "HRI", "REF", "REL", "CRM", "DEV", "SEP", "RAD", "MOD", "IGO",
    "OCC", "SET", "UAF",
}
# Ministers kept: plain GOV (CountryInfo's foreign, interior and other senior ministers), defence
# (MIL), police/security (COP), justice (JUD), information (MED) and finance/trade (BUS, the
# voice of sanctions and trade measures). Agriculture, health, education, labour, environment,
# development, religion, refugees and human rights portfolios are left out to keep the table
# small.
MINISTER_SECTORS = {"MIL", "COP"}
TITLE_WORDS = {
    "president", "presidents", "prime", "minister", "premier", "king", "queen", "emir", "amir",
    "sultan", "sheikh", "shaikh", "chancellor", "secretary", "general", "leader", "chairman",
    "former", "ex", "foreign", "defence", "defense", "interior", "vice", "deputy", "acting",
    "supreme", "state", "communist", "soviet", "party", "chief", "commander", "army", "prince",
    "crown", "mr", "mrs", "dr", "gen", "lt", "col", "maj", "adm", "ayatollah", "field",
    "marshal", "mullah", "head", "his", "her", "majesty", "highness", "the", "senator",
    "governor", "mayor", "ambassador", "envoy", "spokesman", "spokeswoman", "elect", "new",
    "gov", "govenor", "congressman", "congresswoman", "director", "cia", "c.i.a", "u.s", "us",
    "administrator", "special", "representative", "national", "security", "adviser", "advisor",
    "of", "for", "to", "united", "states", "secretaty", "sec", "pres", "pm", "sir", "dame",
    "lord", "lady", "hon", "rev",
}
# "German Chancellor", "Kosovar Prime Minister": a title and a nationality name no one person.
OFFICE_WORDS = {
    "president", "prime", "minister", "chancellor", "premier", "king", "queen", "emir", "leader",
    "government", "officials", "official", "state", "republic", "people", "intelligence",
    "community", "college", "ireland", "shaikh", "sheikh", "the",
}
# The US part of the file lists cabinet members in the leaders' format (ELI spells before and
# after GOV), so for the USA the section comments above the entries give the office.
US_SECTIONS = (
    ("vice president", "government"), ("president", "head"), ("secretar", "minister"),
    ("attorneys general", "minister"), ("trade representative", "minister"),
    ("ambassador", "government"), ("chiefs of staff", "government"),
    ("security advis", "government"), ("intelligence", "government"),
)
HEAD_TITLES = ("president", "prime minister", "premier", "king ", "emir", "sultan",
               "chancellor", "supreme leader", "head of state")
BORDER_RE = re.compile(
    r"\b(border|borders|frontier|coast ?guards?|coastguards?|boundary)\b", re.IGNORECASE
)
NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
LOWER_CONNECTIVES = {
    "of", "the", "and", "for", "in", "on", "de", "du", "des", "del", "la", "le", "da", "di",
    "do", "dos", "das", "van", "von", "der", "den", "y", "e", "bin", "ibn", "al", "el", "ul",
    "ud", "ur", "ad", "as", "at", "an", "to",
}
# Upper-case tokens kept upper case although they contain vowels (checked by hand).
ACRONYMS = {
    "US", "UK", "UN", "EU", "NASA", "FEMA", "OPIC", "ANSF", "ISI", "DOJ", "SAVAK", "AFP", "BBC",
    "CNN", "CIA", "FBI", "NSA", "DEA", "ATF", "NATO", "USAID", "IDF", "SADF", "KGB", "ISRO",
    "DRDO", "CRPF", "BSF", "ITBP", "NIA", "IRNA", "KCNA", "WAM", "QNA", "KUNA", "PTI", "BSS",
    "NDS", "DGSE", "DGSI", "BND", "ASIO", "ASIS", "CSIS", "SBU", "SVR", "GRU", "FSB", "FSO",
    "MVD", "PLA", "MSS", "KPA", "ROK", "JSDF", "PNP", "TNI", "POLRI",
}
# Place names that news also uses for a place in another state or for a well-known namesake;
# the dictionaries list only one of them. (Capitals are already owned by countries.tsv.)
AMBIGUOUS_PLACES = {
    "hyderabad", "punjab", "bengal", "tripoli", "macedonia", "azerbaijan", "cordoba",
    "valencia", "granada", "merida", "leon", "santiago", "alexandria", "birmingham", "perth",
    "georgetown", "kingston", "hamilton", "victoria", "memphis", "sparta", "athens", "moscow",
    "troy", "antioch", "florence", "toledo", "cambridge", "manchester", "richmond", "lincoln",
    "durham", "plymouth", "portland", "columbus", "phoenix", "orlando", "charlotte", "austin",
    "buffalo", "aurora", "jackson", "madison", "dakota", "carolina", "virginia", "georgia",
    "jersey", "york", "washington", "hippo", "fatah", "essen", "bale", "lima", "cork", "nice",
    "reading", "bath", "split", "mobile", "salem", "kurdistan", "khorasan", "azad",
    # contested between states: resolving them to one party would make it an actor
    "aksai chin", "senkaku", "senkaku islands", "diaoyu", "diaoyu islands", "diaoyutai",
    "dokdo", "takeshima", "liancourt rocks", "spratly", "spratlys", "spratly islands",
    "paracel", "paracels", "paracel islands", "scarborough shoal", "essequibo",
    "western sahara", "abyei", "kalapani", "lipulekh", "doklam", "ilemi", "ilemi triangle",
    "hala'ib", "halaib", "hala'ib triangle", "bakassi", "ogaden", "badme", "northern cyprus",
    "kuril islands", "kurils", "southern kurils", "shebaa farms", "falklands", "malvinas",
    "falkland islands", "gibraltar", "chagos",
}
# One-word aliases that are English words (found by checking every one-word alias of an earlier
# build against the lower-case entries of an English word list, Debian's wamerican, and the
# shared news corpora being too small to show them in lower case), or surnames and given names
# common enough to fire on other people (checked by hand). Kept inline so the build needs no
# word list.
COMMON_WORDS = {
    "angora", "aura", "bani", "burg", "canaries", "churl", "combo", "dote", "ford", "franks",
    "gore", "gent", "heath", "heros", "laurel", "martens", "mesa", "meshed", "meta", "nape",
    "natal", "providence", "quay", "reeves", "saga", "sawyer", "shaker", "shearer", "tamale",
    "thorn", "viola", "watt",
    "abbott", "albright", "armour", "barkley", "bella", "boni", "bryant", "cameron", "chand",
    "christie", "cohen", "cole", "cong", "conte", "correa", "dembele", "desai", "dinka",
    "ebert", "eustace", "florian", "fraser", "gass", "grau", "harper", "hashimoto", "hoyo",
    "huckle", "irvine", "keating", "kerry", "lando", "lange", "layne", "leger", "macedo",
    "mancini", "marques", "massa", "melo", "menezes", "michener", "moli", "nakamura", "nena",
    "neptune", "reynolds", "rowling", "sant", "schmid", "schreiber", "schuster", "scotty",
    "selva", "sharq", "souza", "springer", "stich", "tanaka", "aoki", "vance", "winkel",
    "orleans", "waterloo", "nile", "miki", "hata",
}
# Short one-word names kept although under four letters (distinctive places).
KEEP_SHORT = {"qom", "qum", "goa"}
STOP_ALIASES = {
    # generic institution names shared by many states (never unique to one)
    "national assembly", "parliament", "senate", "congress", "supreme court", "cabinet",
    "council of ministers", "national police", "armed forces", "army", "navy", "air force",
    "ministry of defence", "ministry of defense", "foreign ministry", "interior ministry",
    "defence ministry", "defense ministry", "presidential palace", "central bank",
    "constitutional court", "high court", "state media", "state television", "royal family",
}


@dataclass
class Span:
    code: str
    start: date | None
    end: date | None
    dated: bool


@dataclass
class Block:
    aliases: list[str] = field(default_factory=list)
    spans: list[Span] = field(default_factory=list)
    source: str = ""
    line: int = 0
    countryinfo: bool = False
    section: str = ""  # the last full-line comment before the block ("# U.S. Presidents")


@dataclass(frozen=True, order=True)
class Row:
    alias: str
    code: str
    kind: str
    role: str
    start: str
    end: str


# --------------------------------------------------------------------------- parsing


def parse_date(text: str) -> date | None:
    """YYMMDD (YY < 30 -> 20YY) or YYYYMMDD; None when the date is not a real date."""
    if not text.isdigit() or len(text) not in (6, 8):
        return None
    if len(text) == 6:
        yy = int(text[:2])
        year = 2000 + yy if yy < 30 else 1900 + yy
        month, day = int(text[2:4]), int(text[4:6])
    else:
        year, month, day = int(text[:4]), int(text[4:6]), int(text[6:8])
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_span(inner: str) -> Span | None:
    parts = inner.split()
    if not parts:
        return None
    code = parts[0]
    if len(parts) == 1:
        return Span(code, None, None, False)
    rng = "".join(parts[1:])  # "[EGYGOV > 140608]" occurs
    if rng.startswith(">"):
        d = parse_date(rng[1:])
        return Span(code, d, None, True) if d else None
    if rng.startswith("<"):
        d = parse_date(rng[1:])
        return Span(code, None, d, True) if d else None
    a, _, b = rng.partition("-")
    da, db = parse_date(a), parse_date(b)
    if da is None or db is None or db < da:
        return None
    return Span(code, da, db, True)


def parse_actor_file(path: Path) -> Iterator[Block]:
    """Blocks of phrases sharing the code lines that follow them (PETRARCH actor format).

    A primary phrase with no code yet merges with the next phrases up to the code lines (the
    files use this for variant spellings); a blank line closes a block that has no code.
    """
    cur = Block(source=path.name)
    blank_since = False
    section = ""
    text = path.read_text(encoding="utf-8", errors="replace")
    for lineno, raw in enumerate(text.splitlines(), 1):
        body, _, comment = raw.partition("#")
        stripped = body.strip()
        if not stripped and raw.lstrip().startswith("#") and comment.strip():
            section = comment.strip()
        if not stripped:
            if not raw.strip():
                blank_since = True
            continue
        codes = re.findall(r"\[([^\]]*)\]", body)
        phrase = re.sub(r"\[[^\]]*\]", " ", body).strip().rstrip(";").strip()
        is_code_line = not phrase and bool(codes)
        if is_code_line:
            cur.spans.extend(s for s in map(parse_span, codes) if s)
            blank_since = False
            continue
        synonym = phrase.startswith("+")
        phrase = phrase.lstrip("+").strip()
        if not synonym and (cur.spans or blank_since):
            if cur.aliases and cur.spans:
                yield cur
            cur = Block(source=path.name, line=lineno, section=section)
        if not cur.line:
            cur.line, cur.section = lineno, section
        blank_since = False
        cur.aliases.append(phrase)
        cur.countryinfo |= "CountryInfo" in comment
        cur.spans.extend(s for s in map(parse_span, codes) if s)
    if cur.aliases and cur.spans:
        yield cur


# --------------------------------------------------------------------------- reference tables


def read_tsv(path: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    header = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header:
            header = True
            continue
        rows.append(line.split("\t"))
    return rows


def reference_names() -> tuple[dict[str, list[str]], set[str], set[str]]:
    """(iso3 -> names and demonyms, every lowercased alias that countries/aliases.tsv own,
    lowercased capitals)."""
    names: dict[str, list[str]] = {}
    taken: set[str] = set()
    caps: set[str] = set()
    for iso, alist, demonyms, capitals in read_tsv(DATA / "countries.tsv"):
        forms = [x for x in alist.split("|") + demonyms.split("|") if x]
        names[iso] = forms
        caps.update(c.lower() for c in capitals.split("|") if c)
        for x in forms + [c for c in capitals.split("|") if c]:
            taken.add(x.lower())
            taken.add(x.lower() + "s")
    for row in read_tsv(DATA / "aliases.tsv"):
        taken.add(row[0].lower())
    return names, taken, caps


def curated_aliases() -> set[str]:
    taken: set[str] = set()
    for name in ("leaders_recent.tsv", "misspellings.tsv"):
        path = DATA / name
        if path.exists():
            taken.update(row[0].lower() for row in read_tsv(path))
    return taken


def agent_nouns(path: Path) -> set[str]:
    """Generic agent nouns ("president", "border guard") from Phoenix.agents.txt, lowercased."""
    nouns: set[str] = set()
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        body = raw.partition("#")[0].strip()
        if not body or body.startswith("!") or "[" not in body:
            continue
        phrase = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", body).strip().replace("_", " ").lower()
        phrase = " ".join(phrase.split())
        if phrase and "!" not in phrase:
            nouns.add(phrase)
            nouns.add(phrase + "s")
    return nouns


def lowercase_counts(shared: Path, candidates: Iterable[str]) -> Counter[str]:
    """How often each candidate occurs entirely in lower case in the shared news corpora."""
    auto = ahocorasick.Automaton()
    for cand in set(candidates):
        auto.add_word(cand, cand)
    auto.make_automaton()
    counts: Counter[str] = Counter()
    for rel in CORPORA:
        path = shared / rel
        if not path.exists():
            print(f"warning: corpus {path} missing; lower-case check weaker", file=sys.stderr)
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                text = " ".join(str(rec.get(k) or "") for k in ("title", "text"))
                for end, cand in auto.iter(text):
                    i = end - len(cand) + 1
                    before = text[i - 1] if i > 0 else " "
                    after = text[end + 1] if end + 1 < len(text) else " "
                    if not (before.isalnum() or after.isalnum() or before in "-'"):
                        counts[cand] += 1
    return counts


# --------------------------------------------------------------------------- surface forms


ABBREVIATIONS = {"st", "mt", "mr", "mrs", "dr", "ft", "gen", "lt", "col", "sec", "min"}


def surface(phrase: str, person: bool = False) -> str:
    """PETRARCH upper-case phrase -> the form news prints ("VLADIMIR_V._PUTIN" -> "Vladimir V.
    Putin"). Acronyms of institutions stay upper case (matched case-exactly downstream); in a
    person's name only initials and regnal numbers do ("Chi Un Hui", "Hassan II")."""
    words = " ".join(phrase.replace("_", " ").split()).split(" ")
    out: list[str] = []
    for i, word in enumerate(words):
        bare = word.strip(".,'")
        if bare.lower() in ("jr", "sr"):
            out.append(bare.capitalize() + ".")
        elif bare.lower() in ABBREVIATIONS:
            out.append(word.capitalize())  # St. Louis, Mt. Ararat
        elif "." in word and len(bare.replace(".", "")) <= 3:
            out.append(word.upper())  # initials and U.S.
        elif re.fullmatch(r"[IVX]+", bare) and i > 0 or re.search(r"\d", bare):
            out.append(word.upper())  # Elizabeth II, MI6
        elif not person and (bare in ACRONYMS or (
                re.fullmatch(r"[A-Z]{2,}", bare) and not re.search(r"[AEIOUY]", bare))):
            out.append(word.upper())
        elif i > 0 and word.lower() in LOWER_CONNECTIVES:
            out.append(word.lower())
        else:
            parts = re.split(r"([-'])", word.lower())
            cased = []
            for j, part in enumerate(parts):
                if j and parts[j - 1] == "'" and len(parts[j - 2]) > 1:
                    cased.append(part)  # Cote d'Ivoire's -> keep 's lower
                elif part in ("i", "e", "ul", "ud", "ur", "al", "el") and 0 < j < len(parts) - 1:
                    cased.append(part)  # Mazar-i-Sharif, Lashkar-e-...
                else:
                    cased.append(part[:1].upper() + part[1:])
            out.append("".join(cased))
    return " ".join(out)


def strip_titles(alias: str) -> str:
    """Leading titles and nationality words removed ("Russian President Vladimir Putin")."""
    words = alias.split()
    while words and (words[0].lower().strip(".,") in TITLE_WORDS or words[0].endswith("-")):
        words = words[1:]
    return " ".join(words)


def person_forms(block: Block, demonyms: set[str]) -> tuple[list[str], bool]:
    """Surface forms of a person entry (titles stripped) and whether a title said 'head'."""
    forms: list[str] = []
    head_title = False
    for phrase in block.aliases:
        s = surface(phrase, person=True)
        low = s.lower() + " "
        if any(t in low for t in HEAD_TITLES):
            head_title = True
        words = s.split()
        while words and (words[0].lower().strip(".,") in TITLE_WORDS
                         or words[0].lower() in demonyms or words[0].endswith("-")):
            words = words[1:]
        bare = " ".join(words)
        if bare and "(" not in bare and "," not in bare:
            forms.append(bare)
    forms = list(dict.fromkeys(forms))
    # "Russian Foreign Minister Sergey Lavrov" when "Sergey Lavrov" is there: the titled form
    # adds nothing (the matcher finds the name inside it).
    multi = [g for g in forms if " " in g]
    forms = [f for f in forms if not any(f != g and f.endswith(" " + g) for g in multi)]
    return forms, head_title


def surname(full: str) -> str | None:
    words = [w for w in full.split() if w.lower() not in NAME_SUFFIXES]
    if len(words) < 2 or len(words) > 5 or any(w.lower() in ORG_WORDS for w in words):
        return None
    last = words[-1]
    if "." in last or len(last) < 4:
        return None
    return last


# --------------------------------------------------------------------------- codes and roles


def map_code(code: str, span: Span, states: set[str]) -> tuple[str, list[str]] | None:
    """(iso3, sector tokens) or None when the code is not one state."""
    prefix, rest = code[:3], code[3:]
    if prefix in ("USR", "YUG") and rest[:3] in states:
        prefix, rest = rest[:3], rest[3:]
    if prefix == "HKG":
        if span.end is not None and span.end < HANDOVER_HKG:
            return None
        if span.start is not None and span.start < HANDOVER_HKG:
            span.start = HANDOVER_HKG
        prefix = "CHN"
    prefix = CODE_MAP.get(prefix, prefix)
    if prefix not in states:
        return None
    return prefix, [rest[i:i + 3] for i in range(0, len(rest), 3)]


def role_of(sectors: list[str], person: bool, leader: bool) -> str | None:
    if not sectors:
        return None if person else "place"
    first = sectors[0]
    if first in DROP_SECTORS:
        return None
    if first == "GOV":
        sub = sectors[1] if len(sectors) > 1 else ""
        if person:
            if sub in ("", "GOV"):
                return "head" if leader else "minister"
            if sub == "SPY":
                return "government"
            if sub in MINISTER_SECTORS:
                return "minister"
            return None  # legislators, and ministers of portfolios outside foreign affairs
        if sub in ("", "GOV"):
            return "government"
        return {"MIL": "military", "COP": "police", "MED": "media"}.get(sub, "institution")
    if first == "MIL":
        return "military"
    if first == "COP":
        return "police"
    if first in ("SPY", "LEG", "JUD"):
        return None if person else "institution"
    return None


# --------------------------------------------------------------------------- build


@dataclass
class Stats:
    dropped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def drop(self, reason: str, alias: str) -> None:
        self.dropped[reason] += 1
        if len(self.examples[reason]) < 12:
            self.examples[reason].append(alias)


GENERIC_NAME_WORDS = {
    "republic", "rep.", "rep", "kingdom", "state", "states", "of", "the", "democratic", "dem.",
    "people's", "peoples", "peoples'", "federal", "federation", "islamic", "united", "union",
    "commonwealth", "hashemite", "socialist", "arab", "popular", "grand", "duchy", "principality",
    "sultanate", "emirate", "emirates", "independent", "and", "plurinational", "bolivarian",
}


def is_country_variant(alias: str, iso: str, names: dict[str, list[str]]) -> bool:
    """A spelling or formal variant of the state's own name (misspellings.tsv territory)."""
    low = alias.lower()
    forms = [f.lower() for f in names.get(iso, [])]
    name_words = {w for f in forms for w in f.split()}
    rest = [w for w in low.split() if w not in name_words and w not in GENERIC_NAME_WORDS]
    if not rest:
        return True
    if len(low.split()) <= 2:
        for f in forms:
            if len(f) >= 5 and difflib.SequenceMatcher(None, low, f).ratio() >= 0.8:
                return True
    return False


def name_variants(block: Block, iso: str, names: dict[str, list[str]],
                  capitals: set[str]) -> set[str]:
    """Aliases of a country entry that are names of the state, not places in it: the files list
    the name, its variants and exonyms first and the capital, cities and regions after them, so
    everything up to the capital, or up to the last recognisable variant of the name where the
    capital comes first (USA), is a name."""
    forms = [surface(p) for p in block.aliases]
    cut = 0
    for i, form in enumerate(forms):
        if form.lower() in capitals:
            cut = max(cut, i)
            break
    for i, form in enumerate(forms):
        if is_country_variant(form, iso, names):
            cut = max(cut, i + 1)
    return set(forms[:cut])


def build(shared: Path) -> tuple[list[Row], Stats, list[tuple[str, str]]]:
    names, taken, capitals = reference_names()
    curated = curated_aliases()
    states = set(names)
    demonyms = {d.lower() for forms in names.values() for d in forms}
    ddir = shared / DICT_DIR
    agents = agent_nouns(ddir / "Phoenix.agents.txt")
    stats = Stats()

    blocks = [b for f in ACTOR_FILES for b in parse_actor_file(ddir / f)]
    # Given names: first tokens of multi-word person names anywhere in the dictionaries.
    given: set[str] = set()
    last_count: Counter[str] = Counter()
    person_blocks: list[tuple[Block, list[str], bool]] = []
    for b in blocks:
        person = any(s.dated for s in b.spans) or any(s.code[3:6] == "ELI" for s in b.spans)
        person = person or b.countryinfo
        if not person:
            continue
        forms, head_title = person_forms(b, demonyms)
        person_blocks.append((b, forms, head_title))
        lasts = set()
        for form in forms:
            words = form.split()
            if len(words) >= 2:
                given.add(words[0].lower())
                s = surname(form)
                if s:
                    lasts.add(s.lower())
        for s in lasts:
            last_count[s] += 1
    person_ids = {id(b) for b, _, _ in person_blocks}

    # candidate rows: (alias, iso, role, start, end, is_person_surname)
    cands: list[tuple[str, str, str, date | None, date | None, str]] = []
    variants: list[tuple[str, str]] = []
    forms_of = {id(b): (f, h) for b, f, h in person_blocks}
    for b in blocks:
        person = id(b) in person_ids
        if person:
            forms, head_title = forms_of[id(b)]
            # CountryInfo writes a leader's term as a GOV spell that starts where an ELI spell
            # ends (or ends where one starts); the same person's other GOV spells are cabinet
            # posts ("Gyurcsany": minister 2003, prime minister 2004-09). The longest GOV spell
            # of such a person also counts (open leader terms such as "[AFGGOV >011222]").
            eli = [s for s in b.spans if s.code[3:6] == "ELI"]
            edges = {d for s in eli for d in (s.start, s.end) if d}
            leader = head_title and not eli
            gov = [s for s in b.spans if s.code[3:6] == "GOV" and s.dated]
            longest = max(gov, key=lambda s: ((s.end or PERSON_CAP) - (s.start or PERSON_CAP)),
                          default=None)
            spans = [s for s in b.spans if s.dated] or b.spans
            extra: list[str] = []
            for form in forms:
                s = surname(form)
                if s and s not in forms:
                    extra.append(s)
            aliases = [(f, "person") for f in forms] + [(s, "surname") for s in extra]
        else:
            leader = False
            spans = b.spans
            aliases = [(surface(p), "thing") for p in b.aliases]
            bare = {m[0] for s in b.spans if (m := map_code(s.code, s, states)) and not m[1]}
            early = name_variants(b, bare.pop(), names, capitals) if len(bare) == 1 else set()
        for span in spans:
            orig = span
            if person and span.end is None and (span.start or date.min) < PERSON_CAP:
                span = Span(span.code, span.start, PERSON_CAP, True)
            mapped = map_code(span.code, span, states)
            if mapped is None:
                stats.drop("code not a state or non-state sector", span.code)
                continue
            iso, sectors = mapped
            role = role_of(sectors, person, leader or (person and bool(eli) and (
                orig.start in edges or orig.end in edges or orig is longest)))
            if person and iso == "USA" and role in ("head", "minister"):
                sec = b.section.lower()
                role = next((r for key, r in US_SECTIONS if key in sec), None)
            if role is None:
                stats.drop("sector not kept", span.code)
                continue
            for alias, what in aliases:
                r = role
                if not person and BORDER_RE.search(alias) and role in (
                    "military", "police", "government", "institution"
                ):
                    r = "border"
                if not person and role == "government" and any(
                    alias.lower().startswith(t) for t in HEAD_TITLES
                ):
                    r = "head"
                if what == "surname" and r != "head":
                    stats.drop("generated surname of a non-head (kept if the file lists it)",
                               alias)
                    continue
                if not person and r != "place" and len(alias) <= 5 and \
                        " " not in alias and alias.isalpha():
                    alias = alias.upper()  # POTUS, USDA, SPLA: institution acronyms
                if r == "place" and (alias in early or is_country_variant(alias, iso, names)):
                    variants.append((alias, iso))
                    stats.drop("variant of the country name (see misspellings.tsv)", alias)
                    continue
                cands.append((alias, iso, r, span.start, span.end, what))

    # ---- alias-level filters
    lower_cands = {a.lower() for a, *_ in cands}
    low_counts = lowercase_counts(shared, lower_cands)
    kept: list[tuple[str, str, str, date | None, date | None]] = []
    for alias, iso, role, start, end, what in cands:
        low = alias.lower()
        words = low.split()
        if len(alias.replace(" ", "")) < 3:
            stats.drop("shorter than 3 characters", alias)
        elif (re.search(r"[(),;/?\"`]|\s-|-\s|\.\.", alias) or not alias[0].isalpha()
              or NON_LATIN.search(alias)):
            stats.drop("malformed", alias)
        elif low in taken:
            stats.drop("owned by countries.tsv/aliases.tsv", alias)
        elif low in curated:
            stats.drop("owned by leaders_recent.tsv/misspellings.tsv", alias)
        elif low in agents or low in STOP_ALIASES:
            stats.drop("generic agent noun", alias)
        elif low_counts[low] >= (1 if len(words) == 1 else 2):
            stats.drop("occurs in lower case in news text", alias)
        elif len(words) == 1 and low in COMMON_WORDS:
            stats.drop("one word that is an English word or a common name", alias)
        elif len(words) == 1 and low in given:
            stats.drop("one word that is a given name", alias)
        elif len(words) == 1 and what == "surname" and last_count[low] > 1:
            stats.drop("surname shared by several people", alias)
        elif len(words) == 1 and len(low) < 4 and low not in KEEP_SHORT and not (
                alias.isupper() and alias.isalnum()):
            stats.drop("one-word alias under 4 letters", alias)
        elif low in AMBIGUOUS_PLACES:
            stats.drop("place name shared with another state or a famous namesake", alias)
        elif all(w in demonyms or w in OFFICE_WORDS for w in words):
            stats.drop("only titles and demonyms", alias)
        else:
            kept.append((alias, iso, role, start, end))

    # ---- ambiguity: same alias, different states, overlapping dates
    by_alias: dict[str, list[tuple[str, str, str, date | None, date | None]]] = defaultdict(list)
    for row in kept:
        by_alias[row[0].lower()].append(row)
    lo, hi = date.min, date.max
    rows: set[Row] = set()
    for group in by_alias.values():
        ambiguous = False
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if x[1] != y[1] and (x[3] or lo) <= (y[4] or hi) and (y[3] or lo) <= (x[4] or hi):
                    ambiguous = True
        if ambiguous:
            stats.drop("ambiguous between states", group[0][0])
            continue
        spelled = Counter(r[0] for r in group).most_common(1)[0][0]
        for _, code, rl, first, last in merge_spans(group):
            rows.add(Row(spelled, code, "state", rl, first, last))
    ordered = sorted(rows, key=lambda r: (r.alias.lower(), r.alias, r.start, r.code, r.role))
    return ordered, stats, sorted(set(variants))


def merge_spans(
    group: list[tuple[str, str, str, date | None, date | None]],
) -> list[tuple[str, str, str, str, str]]:
    """Merge overlapping or touching spans of one alias with the same state and role."""
    out: list[tuple[str, str, str, str, str]] = []
    keyed: dict[tuple[str, str], list[tuple[date, date]]] = defaultdict(list)
    for _, iso, role, start, end in group:
        keyed[(iso, role)].append((start or date.min, end or date.max))
    for (iso, role), spans in keyed.items():
        spans.sort()
        merged: list[list[date]] = []
        for s, e in spans:
            if merged and s.toordinal() <= merged[-1][1].toordinal() + 1:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        for s, e in merged:
            out.append((
                "", iso, role,
                "" if s == date.min else s.isoformat(),
                "" if e == date.max else e.isoformat(),
            ))
    return out


def header(shared: Path) -> list[str]:
    licence = (shared / DICT_DIR / "LICENSE").read_text(encoding="utf-8").splitlines()
    lines = [
        "# source: PETRARCH-2 / Phoenix actor dictionaries (Phoenix.Countries.actors.txt,",
        "# source: Phoenix.International.actors.txt, Phoenix.MilNonState.actors.txt; generic",
        "# source: agent nouns of Phoenix.agents.txt used as a stop list), Open Event Data",
        "# source: Alliance, github.com/openeventdata/petrarch2 commit 676801cd (2019-03-18),",
        "# source: derived from the CountryInfo file of the Computational Event Data System",
        "# source: Project; MIT licence (text below). Entries stop around 2016-2019.",
        "# built by experiments/build_actor_tables.py; do not edit by hand",
        "# Columns: alias, code (ISO 3166 alpha-3), kind (always state: the actor acts for or",
        "# belongs to the state), role (head|government|minister|military|police|border|",
        "# institution|media|place), start, end (ISO dates, inclusive; empty = open).",
        "# Dates: PETRARCH YYMMDD with YY < 30 read as 20YY, else 19YY. A person's open-ended",
        "# term that began before 2014-01-30 (the CountryInfo.140130 file date) ends on that date;",
        "# later open ends are the dictionary's. Aliases owned by countries.tsv, aliases.tsv,",
        "# leaders_recent.tsv or misspellings.tsv are left out (those tables win); aliases that",
        "# map to two states over overlapping dates are left out. Ministers: foreign, interior and",
        "# other senior (plain GOV), defence and security portfolios only.",
        "#",
    ]
    lines += [("# " + x).rstrip() for x in licence]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared",
                    help="the shared data folder (default: ../shared)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--show-dropped", action="store_true",
                    help="print examples of every drop reason and the country-name variants")
    args = ap.parse_args(argv)
    rows, stats, variants = build(args.shared)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        for line in header(args.shared):
            fh.write(line + "\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        w.writerow(["alias", "code", "kind", "role", "start", "end"])
        for r in rows:
            w.writerow([r.alias, r.code, r.kind, r.role, r.start, r.end])
    roles = Counter(r.role for r in rows)
    print(f"wrote {len(rows)} rows, {len({r.alias for r in rows})} aliases to {args.out}")
    for role in ROLES:
        print(f"  {role:12s} {roles[role]}")
    print("dropped:")
    for reason, n in stats.dropped.most_common():
        print(f"  {n:6d}  {reason}")
        if args.show_dropped:
            print("          e.g. " + " | ".join(stats.examples[reason]))
    if args.show_dropped:
        print("country-name variants:", "; ".join(f"{a}={c}" for a, c in variants))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
