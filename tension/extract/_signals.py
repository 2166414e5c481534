"""Signal extraction: Article (+ actor mentions) -> Events.

One Aho-Corasick automaton built from ``tension/data/cues.tsv`` finds every trigger, modality
cue, shadow phrase, block word and background cue in the lowercased text in one pass. The rest
is sentence-local: a trigger fires when its sentence has the word group it requires and no block
word; its modality comes from the nearest cue before it in the same clause; its actors come from
the actor mentions around it (subject side, "by X", "X's", "in X", carry-over of the article's
current pair for "the two countries" and for sentences that name nobody). Cost is linear in the
text plus a small constant per hit, so it runs at thousands of articles a second on one core.

Agency (``_attribute``): states and named groups act (``G:...`` codes from the actor layer;
unnamed "militants", "gunmen" are ``G:unnamed``); a group's act keeps the group as its source,
and so is no state pair's. Coordinated subjects act each on the object ("the UK and US struck
Iraq": GBR->IRQ, USA->IRQ), coordinated objects likewise, except for mutual acts (talks, clashes,
agreements: "X and Y" is the pair) and fire with no object by two sides at a border or across a
control line ("firing by Indian and Pakistani troops": the pair); "by X" after a noun
("condemned the attack by X") is that noun's agent, not the verb's; "brokered/mediated by X, Y"
names go-betweens; the dead are the target ("were killed"), of the fire they fell to too ("killed
in firing"), and the subject of the fire that caused them is the source ("were killed when X
shelled"). Allies ("fought alongside X", "supported by X") are partners, never objects;
aid, support and assurances asked "from X" (or "X's aid") come from X to the asker; a
one-sided withdrawal "from X" faces X; the state "a crisis for" which the acts trigger is what
they fall on. A call's one addressee is its target ("X urged Y to ...": X->Y); in "X appealed
to Y to restrain Z" the call is about Z (X->Z, Y the third party asked to hold Z back).
A sentence borrows the article's pair only when it names no actor at all (or says "the two
countries" & co.).

Time (``_background_reason``, stored in ``Event.time``): anniversaries, memorials and explainers;
explicit dates more than _STALE_DAYS before the article's date; "last year", "years ago" & co.;
"in 2019" before the article's year and any year two or more before it. Background events are
kept (``background=True``) so that a reader can see them, but never count as current.

An optional learned re-scorer (:mod:`tension.extract._sentclf`) turns each candidate's features
into a calibrated confidence; without it confidences are the rule priors.
"""

from __future__ import annotations

import bisect
import functools
import logging
import operator
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tension._types import Article, Event, Mention
from tension.extract._taxonomy import SignalSpec, load_cues, load_taxonomy
from tension.read._text import split_sentences

__all__ = [
    "extract_signals", "text_quad_class", "article_signals", "default_threshold",
]

log = logging.getLogger(__name__)

_FORCE = frozenset({"military_strike", "armed_clash"})
# A denied, negated or speculative one of these is also hedged_or_negated_conflict.
_HEDGEABLE = frozenset({"military_strike", "armed_clash", "military_threat",
                        "troop_mobilization", "sovereignty_violation"})
_THIRD_PARTY = frozenset({"call_for_restraint", "mediation_offer"})
_ENVOY = frozenset({"envoy_summoned", "envoy_recalled", "envoy_expelled", "envoy_returned"})
# Signals whose own meaning is a call or threat: a call/threat cue does not change their modality.
_SELF_MODAL = frozenset({"call_for_restraint", "mediation_offer", "military_threat"})
_PAIR_ANAPHORS = (
    "the two countries", "both countries", "the two nations", "both nations", "the neighbours",
    "the neighbors", "both sides", "the two sides", "each other", "the two neighbours",
    "the two neighbors", "the two states", "both governments", "the two governments",
    "both states", "both armies", "the two armies", "the adversaries", "the two adversaries",
    "the belligerents", "the two belligerents",
)
_CLAUSE_BREAKS = ("; ", " but ", " however", " although ", " though ", " whereas ", " while ",
                  " following ", ", after ", ", which ", " amid ", " in response to ",
                  " prompted ", " in retaliation for ", " despite ")
_NEG_WINDOW = 35
_MODAL_WINDOW = 70
_CLAIM_WINDOW = 160
_WINDOWS = {"negated": _NEG_WINDOW, "denied": _CLAIM_WINDOW, "claimed": _CLAIM_WINDOW}
# Signals whose target is where they happen ("strikes in X").
_TARGET_IS_LOCATION = _FORCE | {"casualties", "sovereignty_violation"}
_NUM_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "a hundred": 100, "dozens": 24, "a dozen": 12, "scores": 40,
    "hundreds": 200, "thousands": 2000,
}
# Linear patterns only (no nested quantifiers): numbers, years, the "by" agent gap.
_NUMBER = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)(?!\s*(?:%|per cent|percent|km|kilometres|kilometers|miles|"
    r"years|year|days|hours|minutes|am|pm|a\.m|p\.m|billion|million|mln|bn))\b|\b("
    + "|".join(sorted(_NUM_WORDS, key=len, reverse=True))
    + r")\b"
)
# \b(1[89]\d\d|20\d\d)\b, written to start with a character class so that the regex engine
# skips to candidate digits with its fast scan (a pattern opening with \b is tried everywhere)
_YEAR = re.compile(r"[12](?<!\w.)(?:(?<=1)[89]|(?<=2)0)\d\d(?!\w)")
_CURRENT = ("today", "this week", "on monday", "on tuesday", "on wednesday", "on thursday",
            "on friday", "on saturday", "on sunday", "yesterday", "last week", "this month")


@dataclass(slots=True)
class _Hit:
    start: int
    end: int
    kind: str
    name: str
    requires: str
    phrase: str


class _Sent:
    """Cues of one sentence that has a trigger (a plain slots class: cheaper to build than a
    dataclass with default factories, and one is built per such sentence)."""

    __slots__ = ("index", "start", "end", "triggers", "modal", "background_cue",
                 "clause_breaks", "current", "anaphors", "states", "actors", "nonstate",
                 "ally_leads")

    def __init__(
        self, index: int, start: int, end: int, triggers: list[_Hit], modal: list[_Hit],
        background_cue: str, states: list[Mention], actors: list[Mention],
        nonstate: list[tuple[int, int]],
    ) -> None:
        self.index = index
        self.start = start
        self.end = end
        self.triggers = triggers  # the triggers that may fire, in text order
        self.modal = modal
        self.background_cue = background_cue  # the name of its first background cue, or ""
        # from _place_phrases: clause breaks and pair anaphors as sorted (start, end) spans,
        # and whether a word of _CURRENT ("today", "on monday") is in the sentence
        self.clause_breaks: list[tuple[int, int]] = []
        self.current = False
        self.anaphors: list[tuple[int, int]] = []
        self.states = states  # state mentions of the sentence, in text order
        # states and named groups: who may act (organisations speak, call and mediate; they
        # are placed by _third_parties)
        self.actors = actors
        # spans of unnamed non-state agents ("militants", "gunmen"): word group "nonstate"
        self.nonstate = nonstate
        # where the names of allies start ("supported by |X"), found once (_allies)
        self.ally_leads: list[int] | None = None


# ---------------------------------------------------------------- automaton (module cache)


_ONE_EXACT, _ONE_PREFIX, _GENERAL, _PHRASE_ONLY = 0, 1, 2, 3


@functools.cache
def _automaton() -> Any:
    """One automaton for the cues and for the plain phrases of _place_phrases (clause breaks,
    "today" & co., pair anaphors): walking the text costs as much as the hits, so once."""
    import ahocorasick

    table: dict[str, list[tuple[str, str, str, bool]]] = {}
    for cue in load_cues():
        prefix = cue.phrase.endswith("*")
        key = cue.phrase[:-1] if prefix else cue.phrase
        table.setdefault(key, []).append((cue.kind, cue.name, cue.requires, prefix))
    phrase_kind: dict[str, str] = {}
    for kind, phrases in (("break", _CLAUSE_BREAKS), ("current", _CURRENT),
                          ("anaphor", _PAIR_ANAPHORS)):
        for p in phrases:
            phrase_kind[p] = kind
            table.setdefault(p, [])
    auto = ahocorasick.Automaton()
    for key, entries in table.items():
        if not entries:  # a phrase only
            auto.add_word(key, (len(key) - 1, True, _PHRASE_ONLY, None, (), phrase_kind[key]))
            continue
        kind, name, requires, prefix = entries[0]
        # most keys have one non-shadow entry: _scan's fast paths take its hit fields
        mode = _GENERAL
        if len(entries) == 1 and kind != "shadow":
            mode = _ONE_PREFIX if prefix else _ONE_EXACT
        auto.add_word(key, (len(key) - 1, key[0] != "-", mode, (kind, name, requires, key),
                            tuple(entries), phrase_kind.get(key)))
    auto.make_automaton()
    return auto


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


# (start, end, kind, name, requires, phrase): the fields of _Hit, as a tuple because most hits
# (block words, groups in sentences without a trigger) are never looked at again
_RawHit = tuple[int, int, str, str, str, str]


def _scan(low: str) -> tuple[list[_RawHit], list[tuple[int, int, str]]]:
    """Every cue hit on word boundaries, shadows removed with what they cover; and every
    occurrence of the phrases of _place_phrases (no boundaries, overlaps kept), sorted."""
    n = len(low)
    hits: list[_RawHit] = []
    shadows: list[tuple[int, int]] = []
    named: list[_RawHit] = []  # hits of shadows named after a signal: they fire it
    phrases: list[tuple[int, int, str]] = []
    for end_idx, (klen1, dash_bounds, mode, fields, entries, phrase) in _automaton().iter(low):
        start = end_idx - klen1
        if phrase is not None:
            phrases.append((start, end_idx + 1, phrase))
            if mode == _PHRASE_ONLY:
                continue
        if start > 0:
            c = low[start - 1]
            if c.isalnum() or c == "-" and dash_bounds:
                continue
        end = end_idx + 1
        if mode == _ONE_PREFIX:
            while end < n and low[end].isalnum():
                end += 1
            hits.append((start, end) + fields)
            continue
        exact_ok = end >= n or not low[end].isalnum()
        if mode == _ONE_EXACT:
            if exact_ok:
                hits.append((start, end) + fields)
            continue
        key = fields[3]
        pend = end
        for kind, name, requires, prefix in entries:
            if prefix:
                if pend == end:
                    while pend < n and low[pend].isalnum():
                        pend += 1
                e = pend
            elif exact_ok:
                e = end
            else:
                continue
            if kind == "shadow":
                shadows.append((start, e))
                if name != "*":
                    named.append((start, e, "trigger", name, requires, key))
            else:
                hits.append((start, e, kind, name, requires, key))
    if shadows:
        shadows.sort()
        starts = [s for s, _ in shadows]
        keep = []
        for h in hits:
            h_start, h_end = h[0], h[1]
            i = bisect.bisect_right(starts, h_start) - 1
            covered = False
            while i >= 0 and not covered:
                s, e = shadows[i]
                if s <= h_start < e or (h_start <= s < h_end):
                    covered = True
                if shadows[i][0] < h_start - 60:
                    break
                i -= 1
            j = bisect.bisect_left(starts, h_start)
            if not covered and j < len(shadows) and shadows[j][0] < h_end:
                covered = True
            if not covered:
                keep.append(h)
        hits = keep
        if named:
            # overlapping named shadows ("violated the ceasefire", "violated the ceasefire
            # agreement"): the longest of those starting together
            named.sort(key=lambda h: (h[0], -h[1]))
            hits.extend(h for k, h in enumerate(named) if k == 0 or h[0] != named[k - 1][0])
    phrases.sort()
    return hits, phrases


# ---------------------------------------------------------------- helpers


def _place_phrases(
    low: str, phrases: list[tuple[int, int, str]], starts: list[int], sents: dict[int, _Sent]
) -> None:
    """Each phrase occurrence (from _scan) to the sentence it lies wholly inside (as ``in`` on
    its text), for the sentences in ``sents``."""
    for s, e, kind in phrases:
        sent = sents.get(bisect.bisect_right(starts, s) - 1)
        if sent is None or e > sent.end:
            continue
        if kind == "break":
            if low.startswith(" following ", s) and low.endswith("the", 0, s):
                continue  # "the following day": a date, not a clause
            sent.clause_breaks.append((s, e))
        elif kind == "anaphor":
            sent.anaphors.append((s, e))
        else:
            sent.current = True


def _clause_start(low: str, sent: _Sent, pos: int) -> int:
    best = sent.start
    for s, e in sent.clause_breaks:
        if s >= pos:
            break
        if e <= pos:
            best = max(best, e)
    return best


def _modality(
    low: str, sent: _Sent, hit: _Hit, signal: str, cs: int
) -> tuple[str, _Hit | None]:
    """Modality of a trigger and the claim cue (for the speaker) when it is a claim;
    ``cs``: start of the trigger's clause (``_clause_start``)."""
    if not sent.modal:
        return "asserted", None
    found: dict[str, _Hit] = {}
    # conditionals: "would retaliate if ..." (cue after the trigger in the same sentence)
    conditional = False
    for m in sent.modal:
        if m.name == "conditional" and m.start >= hit.end:
            conditional = True
        if m.end > hit.start or m.start < cs:
            continue
        if m.start < hit.end and m.end > hit.start:
            continue
        dist = hit.start - m.end
        kind = m.name
        if dist > _WINDOWS.get(kind, _MODAL_WINDOW):
            continue
        prev = found.get(kind)
        if prev is None or m.end > prev.end:
            found[kind] = m
    conditional = conditional or "conditional" in found
    if "denied" in found:
        return "denied", None
    neg = found.get("negated")
    hedge = found.get("hedged")
    if neg is not None and not (hedge is not None and hedge.start > neg.start):
        return "negated", None
    candidates = []
    for kind in ("hedged", "threatened", "claimed", "called_for"):
        cue = found.get(kind)
        if cue is not None:
            candidates.append((cue.end, kind, cue))
    if conditional and found.get("threatened") is None and any(
        m.phrase in ("would", "will") for m in sent.modal if cs <= m.start < hit.start
    ):
        return "threatened", None
    if not candidates:
        return "asserted", None
    candidates.sort(key=lambda c: c[0], reverse=True)
    _, kind, cue = candidates[0]
    if signal in _SELF_MODAL and kind in ("called_for", "threatened"):
        rest = [c for c in candidates if c[1] not in ("called_for", "threatened")]
        if not rest:
            return "asserted", None
        _, kind, cue = rest[0]
    if kind == "claimed":
        return "claimed", cue
    if kind == "called_for":
        return "called_for", None
    return kind, None


def _casualty_count(low: str, sent: _Sent, hit: _Hit) -> int | None:
    lo = max(sent.start, hit.start - 45)
    hi = min(sent.end, hit.end + 45)
    best: tuple[int, int] | None = None
    for m in _NUMBER.finditer(low, lo, hi):
        tok = m.group(0)
        if m.group(1):
            val = int(tok.replace(",", ""))
            if _YEAR.fullmatch(tok) and val > 1800:
                continue
        else:
            val = _NUM_WORDS[tok]
        if val == 0:
            continue
        d = abs(m.start() - hit.start) if m.start() < hit.start else m.start() - hit.end
        if best is None or d < best[0]:
            best = (d, val)
    return best[1] if best else None


def _states(ms: Iterable[Mention]) -> list[Mention]:
    return [m for m in ms if m.kind == "state"]


def _pair_from_counts(mentions: Sequence[Mention]) -> tuple[str, str] | None:
    cnt = Counter(m.code for m in mentions if m.kind == "state")
    # = most_common(2) (ties in first-seen order), without its heapq call
    top = sorted(cnt.items(), key=_by_count, reverse=True)[:2]
    return (top[0][0], top[1][0]) if len(top) == 2 else None


_by_count = operator.itemgetter(1)


_AGENT = re.compile(r"\s*(?:\w+\s+){0,3}?by\s+(?:both\s+)?(?:the\s+|an?\s+)?$")
# "aid from X", "help and arms from X": the giver of what is given
_FROM_GIVER = re.compile(r"\s*(?:[\w,]+\s+){0,3}?from\s+(?:both\s+)?(?:the\s+)?$")
# what one side gives and another may ask for: aid, and support or assurances (unity_pledge)
_GIVEN = frozenset({"aid", "unity_pledge"})
# between a giver named as a modifier and what it gives: "U.S. military aid", "Moscow's help"
_MODIFIER_GAP = re.compile(r"(?:'s|’s|')?\s+(?:[a-z-]+\s+){0,2}")
_ASKED_FOR = re.compile(r"\bfor\s+(?:\w+\s+){0,2}$")
_TO_GIVER = re.compile(r"\s*to\s+(?:the\s+)?")  # "an appeal for help to X": X is asked
# asking for or getting what is given ("requested aid from X", "received arms from X"); "sent aid
# from Cyprus" is where it left
_RECEIVE = re.compile(r"\b(?:request|sought|seek|ask|appeal|receiv|obtain|secur|accept|got\b|"
                      r"get\b|gets\b|getting\b|turn)")
# (?:\bin|\binside|\bon|\binto|\bwithin|\bover|\bacross)\s+(?:the\s+)?$ opening with a character
# class (the engine skips to candidate letters instead of trying seven branches at every position),
# then an optional compass word ("in southern Libya"; the actor layer reads past the same words,
# `location_skip` in data/actor_context.tsv, when it gives a mention the role "location")
_LOC = re.compile(
    r"[ioaw](?<!\w.)(?:(?<=i)n(?:side|to)?|(?<=o)(?:n|ver)|(?<=w)ithin|(?<=a)cross)\s+(?:the\s+)?"
    r"(?:(?:north|south)?-?(?:east|west)?(?:ern)?\s+|central\s+)?$"
)
_PREPOSITIONS = frozenset({"to", "from", "with", "for", "against", "toward", "towards", "on"})


def _after_preposition(low: str, floor: int, m: Mention) -> bool:
    """Is the mention governed by a preposition ("to Indonesia", "from the United States",
    "raids on Togo")?"""
    words = low[max(floor, m.clean_start - 16):m.clean_start].split()
    if words and words[-1] == "the":
        words.pop()
    return bool(words) and words[-1] in _PREPOSITIONS


# between an indirect object and the noun of the act given to it: "gave Y a stern, personal "
_INDIRECT = re.compile(r"\s+(?:a|an)\s+(?:[\w-]+,?\s+(?:and\s+)?){0,3}")
_BROKER_WORDS = ("broker", "mediat", "facilitat", "hosted", "sponsored", "arranged")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$")


def _clause_end(low: str, sent: _Sent, pos: int) -> int:
    for s, _ in sent.clause_breaks:
        if s >= pos:
            return s
    return sent.end


_UNNAMED = "G:unnamed"  # the actor code of unnamed non-state agents ("militants", "gunmen")
# Signals of two sides acting together: "X and Y signed" is the pair X-Y, not two acts on a third.
_MUTUAL = frozenset({"armed_clash", "talks", "unity_pledge", "agreement", "ceasefire",
                     "ties_restored"})
# Meetings and their outcomes: the place they are held in ("talks in Mexico City", "signed in
# Beijing") is a venue, never the other side.
_VENUE = _MUTUAL - {"armed_clash"}
# ceasefire cues of one side's move ("withdrew", "pulled back"): "X and Y withdrew" are partners
_ONE_SIDED = ("withdr", "pull", "retreat", "troop withdrawal", "stood down", "stand down",
              "surrender", "capitul")


# envoy moves a state makes with its own envoys (the owner named before the envoy is the source)
_OWN_ENVOY = frozenset({"envoy_recalled", "envoy_returned"})
_ENVOY_AFTER = re.compile(r"(?:'s|’s)?\s+(?:\w+\s+)?(?:ambassador|envoy|diplomat|"
                          r"high\s+commissioner|charg[eé]|emissar|consul|head\s+of\s+mission)")


def _mutual(hit: _Hit) -> bool:
    """Is the act one two sides do together (talks, a pact, a clash, a truce)?"""
    return hit.name in _MUTUAL and not (hit.name == "ceasefire"
                                        and hit.phrase.startswith(_ONE_SIDED))


_MADE = ("-made", "-built", "-supplied", "-manufactured", "-designed")
_NO_CODES: set[str] = set()  # shared, never written
_RECIPROCAL = ("each other", "one another", "traded", "exchanged", "mutual")


_BORDER_WORDS = ("border", "frontier", "boundary", "line of control", "loc", "ceasefire line")




def _reciprocal(low: str, cs: int, ce: int) -> bool:
    """Does the clause tell a two-way act ("X and Y traded accusations")?"""
    clause = low[cs:ce]
    return any(w in clause for w in _RECIPROCAL)


_COORD_GAPS = frozenset({"and", ",", "&", ", and", "and the", ", and the", ", the", "as well as",
                         "as well as the", "or",
                         ", together with", "together with", ", along with", "along with",
                         ", together with the", ", along with the",
                         # "Britain's and France's", "Iran's, Iraq's and Syria's"
                         "'s and", "'s,", "'s, and", "' and",
                         # "France and West Germany", "Laos and South Vietnam"
                         "and west", "and east", "and north", "and south", ", west", ", east",
                         ", north", ", south"})
# "these talks, as well as an appeal by X and Y": X and Y are the agents of another noun named
# after the trigger (partners in it), not the two sides of a mutual act ("signed by X and Y")
_NOUN_AGENT = re.compile(
    r"\b(?:a|an|the|its|their)\s+(?:[a-z-]+\s+){0,2}?(?!(?:made|held|led|set|struck|brought|"
    r"sought|fought|put|kept|met|built|won|begun|run|hit|shot|agreed)\s)[a-z]+(?<!ed)(?<!en)"
    r"(?<!wn)\s+by\s+(?:both\s+)?(?:the\s+)?$")
# what may stand between a trigger and "by X" when X is the trigger's own agent: nothing ("struck
# by"), a particle ("shot at by") or the trigger's of-phrase ("violation of its airspace by")
_AGENT_LEADS = frozenset({"by", "of", "at", "on", "upon", "down", "out", "back", "up", "off",
                          "in"})
# the dead as victims: "were killed", "soldiers killed in the shelling"
_PROGRESSIVE = re.compile(r"\w+ing\b")
_RELATIVE = re.compile(r"\b(?:that|which|who|whom|whose)\b")
_VICTIM_NEXT = re.compile(r"\s+(?:in|when|as|during|on|at|near|outside|while|after)\b")


# "violated the ceasefire", "breach of the 2003 truce", "the truce was broken": an act of force
# against the agreement (the cue tables fire it as armed_clash), never the agreement itself
_VIOLATABLE = frozenset({"ceasefire", "agreement"})
_VIOLATION_BEFORE = re.compile(
    r"(?:violat|breach|broke|flout|abrogat|undermin|sabotag)\w*\s+(?:of\s+)?(?:\S+\s+){0,3}$")
_VIOLATION_AFTER = re.compile(
    r"\s*(?:agreement\s+|accord\s+|deal\s+|pact\s+)?(?:violation|breach|was\s+broken|"
    r"was\s+violated|had\s+been\s+violated)")


_PACT_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:the\s+|a\s+|an\s+|its\s+)?(?:\S+\s+){0,2}?(?:ceasefire|cease-fire|"
    r"cease fire|truce|armistice|agreement|accord|deal|understanding|pact|treaty)")


def _violated(low: str, hit: _Hit, cs: int) -> bool:
    return bool(_VIOLATION_BEFORE.search(low, max(cs, hit.start - 40), hit.start)
                or _VIOLATION_AFTER.match(low, hit.end))


# a measure being ended, not imposed: "lifted the sanctions", "the removal of its tariffs",
# "tariffs will be scrapped", "sanctions relief", "reopened the border crossing" (CAMEO 081,
# easing sanctions, and 0863, reopening a border, are cooperation).
# Up to three words between verb and measure, none of them a conjunction or a verb of imposing
# ("ended talks and imposed sanctions" is a sanction).
_LIFT_VERB = (r"(?:lift|remov|scrap|drop|eas|end|rescind|revok|withdr[ae]w|waiv|roll(?:ed|s|ing)?"
              r"\s+back|repeal|abolish|cancel|reopen|re-open)")
_LIFTED_BEFORE = re.compile(
    r"\b" + _LIFT_VERB + r"\w*\s+(?:of\s+|to\s+)?"
    r"(?:(?!and\b|or\b|but\b|then\b|to\b|impos|new\b|more\b|further\b|fresh\b|additional\b)"
    r"\S+\s+){0,3}$")
_LIFTED_AFTER = re.compile(
    r"\w*\s+(?:relief\b|(?:\S+\s+){0,3}?(?:was|were|has\s+been|have\s+been|had\s+been|"
    r"will\s+be|would\s+be|to\s+be|be|being|are|is)\s+(?:\w+\s+)?" + _LIFT_VERB + r")")


_LIFTABLE = frozenset({"sanctions", "border_closure"})


def _lifted(low: str, hit: _Hit, cs: int, ce: int) -> bool:
    """Is the measure at ``hit`` (a sanction, a closure) being lifted rather than imposed,
    within its clause?"""
    return bool(_LIFTED_BEFORE.search(low, max(cs, hit.start - 45), hit.start)
                or _LIFTED_AFTER.match(low[:ce], hit.end))


_EXPLAINER = ("explainer", "backgrounder", "timeline:", "timeline of", "a brief history",
              "what we know about", "a look back")


# a headline that looks back: an anniversary or commemoration, "marks/celebrates/completes N
# years", a "one-year completion", a "victory day", or a war told in the past tense ("the X War
# (of 1962) was ..."): the article is a retrospective, its acts are history
_RETROSPECTIVE_TITLE = re.compile(
    r"\b(?:anniversar|commemorat|victory day\b|armistice day\b)"
    r"|\b(?:celebrat|mark|complet)\w*\s+(?:\w+\s+){0,2}?(?:\d+|one|two|three|four|five|ten|"
    r"fifty|\w+ty)(?:st|nd|rd|th)?[- ]years?\b(?!\s+(?:old|jail|prison|sentence|term|deal|plan))"
    r"|\b(?:one|two|three|\d+)[- ]years?[- ]completion\b"
    r"|\b(?:war|conflict|battle|invasion)(?:\s+of\s+(?:1[89]|20)\d\d)?\s+was\s+(?:a|an|the|one)\b"
)


def _is_explainer(art: Article) -> bool:
    """An explainer, backgrounder or retrospective (by its title): what it tells is
    background."""
    title = (art.title or "").lower()
    return bool(title) and (any(w in title for w in _EXPLAINER)
                            or _RETROSPECTIVE_TITLE.search(title) is not None)


_UNITS_AFTER = re.compile(
    r"\s+(?:military\s+|armed\s+|naval\s+|ground\s+|air\s+)?(?:forces|troops|contingents?|"
    r"armies|army|units|soldiers|divisions|brigades|battalions|navies|fleets|warplanes|jets)\b")


def _coordinated(low: str, a: Mention, b: Mention) -> bool:
    """Are the mentions ``a`` and ``b`` (in text order) listed side by side: "X and Y", "X, Y",
    "Burma, Ceylon [Sri Lanka], Nepal", "British-Indian troops" (one force of two states; "the
    Indian-Chinese talks" name a pair)?"""
    gap = low[a.clean_end:b.clean_start]
    bare = gap.strip(" ()[]")
    return bare in _COORD_GAPS or (bare == "" and a.code == b.code) or (
        gap == "-" and _UNITS_AFTER.match(low, b.clean_end) is not None)


_JOINT = re.compile(r"\b(?:joint|combined)\s+$")


def _joint(low: str, a: Mention, b: Mention, hit: _Hit) -> bool:
    """Are ``a`` and ``b`` "a joint X-Y" or "combined X-Y" modifier of the act ``hit`` right
    after them ("a joint US-UK strike", "a combined U.S.-Taiwan invasion"): one side? (Not
    when the phrase names something else: "a joint Soviet-Iranian company".)"""
    return low[a.clean_end:b.clean_start] == "-" and 0 <= hit.start - b.clean_end <= 25 and \
        _JOINT.search(low, max(0, a.clean_start - 10), a.clean_start) is not None


def _chain(low: str, ms: list[Mention], k: int, step: int) -> list[Mention]:
    """``ms[k]`` and the mentions coordinated with it ("the UK and US", "Egypt, Syria and
    Jordan"), walking back (step -1) or on (step 1); in text order, one per code."""
    out = [ms[k]]
    if len(ms) == 1:
        return out
    j = k
    while 0 <= j + step < len(ms):
        a, b = (ms[j + step], ms[j]) if step < 0 else (ms[j], ms[j + step])
        gap = low[a.clean_end:b.clean_start]
        if gap.strip() not in _COORD_GAPS and not ((
                gap == "-" or "[" in gap or "]" in gap or "(" in gap or ")" in gap)
                and _coordinated(low, a, b)):
            break
        j += step
        out.append(ms[j])
    if step < 0:
        out.reverse()
    seen: set[str] = set()
    return [m for m in out if not (m.code in seen or seen.add(m.code))]  # type: ignore[func-returns-value]


def _listed_by_office(gap: str) -> bool:
    """Is ``gap`` (the original text between two mentions) a list's next item named by office
    (", President", " of", ", the Crown Prince of", " and President Ben Bella of"): every word
    capitalised, a connective or a particle of a name ("Shaikh Sabah al Ahmad")?"""
    words = gap.replace(",", " ").split()
    caps = sum(w[:1].isupper() for w in words)
    return bool(words) and caps <= 7 and len(words) <= 12 and all(
        w[:1].isupper() or w in _LIST_JOINS for w in words)


_LIST_JOINS = frozenset({"of", "the", "and", "along", "with", "together", "as", "well", "or",
                         # lower-case particles of personal names
                         "al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "du", "van",
                         "von", "der", "den", "la", "le", "y"})


def _office_list(text: str, low: str, ms: list[Mention], k: int) -> list[Mention]:
    """``ms[k]`` and the mentions listed before it, as coordinated (``_chain``) or named by
    office ("King Hussein of Jordan, the Crown Prince of Kuwait and President X of Algeria");
    in text order."""
    j = k
    while j > 0:
        a, b = ms[j - 1], ms[j]
        if not _coordinated(low, a, b) and not _listed_by_office(text[a.clean_end:b.clean_start]):
            break
        j -= 1
    return ms[j:k + 1]


def _nonstate_agent(low: str, sent: _Sent, hit: _Hit, cs: int, ce: int,
                    subject: Mention | None) -> bool:
    """An unnamed non-state agent acts: "militants fired ..." (nearer the trigger than any
    named subject, "Pakistani militants" too) or "... killed by gunmen". A state named as
    where fire came from ("from Afghanistan") is no subject."""
    if subject is not None and low[max(0, subject.clean_start - 9):subject.clean_start] \
            .rstrip().endswith(("from", "from the")):
        subject = None
    for s, e in sent.nonstate:
        if cs <= s and e <= hit.start:
            if subject is None or s >= subject.clean_start:
                return True
        elif s >= hit.end and e <= ce and s - hit.end <= 40:
            gap = low[hit.end:s]
            if "by" in gap and _AGENT.match(gap):
                return True
    return False


# acts aimed at the neighbour across a border: "closed its border with X", "moved troops to the
# frontier with X" face X (for other acts "near the border with X" is a landmark)
_FACES_BORDER = frozenset({"border_closure", "troop_mobilization"})
_CAUSE = re.compile(r"\b(?:over|amid|because of|in protest (?:at|against))\s")
_BORDER_WITH = ("border with", "border with the", "frontier with", "frontier with the")


@functools.cache
def _line_patterns() -> tuple[tuple[re.Pattern[str], tuple[str, str]], ...]:
    from tension.extract._taxonomy import load_border_lines

    return tuple(
        (re.compile(r"(?<![A-Za-z])" + re.escape(b.phrase) + r"(?![A-Za-z])",
                    0 if b.exact else re.IGNORECASE), b.states)
        for b in load_border_lines()
    )


def _across_line(text: str, start: int, end: int, known: str | None) -> str | None:
    """The other state of a ceasefire or control line between ``known`` and one other state
    that the sentence ``text[start:end]`` names (``border_lines.tsv``), else None."""
    if known is None:
        return None
    for pat, (a, b) in _line_patterns():
        if known in (a, b) and pat.search(text, start, end):
            return b if known == a else a
    return None


# the fire's object follows: "fired at X", "fired on X" (not "fired on Sunday", "on the night")
_FIRE_AT = re.compile(
    r"\s+(?:at|upon|on(?!\s+(?:\w+day|the\s+(?:\w+day|night|morning|evening|\d)|\d)))\s")


@functools.cache
def _line_pairs() -> frozenset[frozenset[str]]:
    """The pairs of states a control line of ``border_lines.tsv`` runs between."""
    return frozenset(frozenset(states) for _, states in _line_patterns())


def _fire_at_each_other(
    low: str, sent: _Sent, hit: _Hit, cs: int, ce: int, a: str, b: str
) -> bool:
    """Do two states named side by side as the agents of fire, with no object ("Indian and
    Pakistani troops resorted to firing", "firing by Kyrgyz and Tajik troops"), fire at each
    other? Yes when the clause puts the fire at a border, or when a control line runs between
    the two (armies facing each other across a line do not fire side by side); never when the
    fire has an unnamed non-state object ("fired at militants")."""
    # a cue may end in the preposition itself ("fired on")
    at = hit.start + hit.phrase.rfind(" ") if hit.phrase.endswith((" at", " on", " upon")) \
        else hit.end
    if _FIRE_AT.match(low, at) or any(hit.end <= s and e <= ce for s, e in sent.nonstate):
        return False
    if frozenset((a, b)) in _line_pairs():
        return True
    clause = low[cs:ce]
    return any(w in clause for w in _BORDER_WORDS)


def _landmarks(low: str, sent: _Sent) -> set[str]:
    """States the sentence names only as a landmark ("near the border with Mali"): where, not
    who; the article's pair never fills a side of an act with one of them."""
    out: set[str] = set()
    named: set[str] = set()
    for m in sent.states:
        pre = low[max(sent.start, m.clean_start - 28):m.clean_start]
        (out if _is_landmark(pre) else named).add(m.code)
    return out - named


def _is_landmark(pre: str) -> bool:
    """Is the mention after ``pre`` (the text just before it) a landmark: "near the border
    with" it, not "across the border with" it (fire that crosses lands in it)?"""
    pre = pre.rstrip()
    return pre.endswith(_BORDER_WITH) and "across" not in pre and "cross-" not in pre


def _names_a_group(m: Mention, nonstate: list[tuple[int, int]]) -> bool:
    """Is the state mention ``m`` the adjective of an unnamed group right after it ("Ugandan
    rebels", "Pakistani militants")?"""
    return any(0 < s - m.clean_end <= 1 for s, _ in nonstate)


def _has_object(after: list[Mention], skip: set[int], sides: list[Mention],
                location: str | None, sig: str) -> bool:
    """Does the act of the coordinated ``sides`` name an object after the trigger (a state or
    group other than them; the place of an act of force counts)?"""
    codes = {x.code for x in sides}
    return any(id(m) not in skip and m.code not in codes
               and (m.code != location or sig in _TARGET_IS_LOCATION) for m in after)


_CAUSE_CLAUSE = re.compile(r"\s*(?:[\w,]+\s+){0,4}?(?:as|when|after|while)\s+(?:the\s+)?$")


def _cause_subject(low: str, sent: _Sent, hit: _Hit, after: list[Mention]) -> Mention | None:
    """The subject of an act of force in a clause that tells the cause of the casualties
    ``hit`` ("were killed when X shelled ...", "were injured as X fired ..."), if any."""
    if not after or not _CAUSE_CLAUSE.match(low[hit.end:after[0].clean_start]):
        return None
    m = after[0]
    if any(t.name in _FORCE and 0 <= t.start - m.clean_end <= 40 for t in sent.triggers):
        return m
    return None


_BETWEEN = re.compile(r"\bbetween\s+(?:the\s+)?$")


def _fought_between(low: str, after: list[Mention], victim: str) -> str | None:
    """The other side of fire "between X and Y" named after a casualty cue whose victims are
    of ``victim``, one of the two ("Y soldiers were wounded in firing between X and Y troops":
    X); None when the fire is not between the victims' side and one other."""
    for k, m in enumerate(after):
        if _BETWEEN.search(low, max(0, m.clean_start - 13), m.clean_start):
            two = _chain(low, after, k, 1)
            if len(two) == 2 and victim in (two[0].code, two[1].code):
                return two[1].code if two[0].code == victim else two[0].code
            return None
    return None


def _victims(low: str, sent: _Sent, hit: _Hit) -> bool:
    """Does the casualty cue ``hit`` tell who suffered ("were killed", "soldiers killed in the
    shelling"): the mention before it is the target?"""
    return bool(_PASSIVE.search(low[max(sent.start, hit.start - 25):hit.start])
                or _VICTIM_NEXT.match(low, hit.end))


def _between(sent: _Sent, start: int, end: int) -> list[_Hit]:
    """The sentence's triggers that lie within ``start:end``."""
    return [t for t in sent.triggers if start <= t.start and t.end <= end]


def _nonstate_object(sent: _Sent, hit: _Hit, m: Mention) -> bool:
    """Does an unnamed non-state word ("smugglers", "militants") stand between the trigger and
    the mention ``m`` (within 40 characters of the trigger): the act's object is the group?"""
    for s, e in sent.nonstate:
        if hit.end <= s and e <= m.clean_start and s - hit.end <= 40:
            return True
    return False


# what names an ally of the act's side, never its object nor a side of its own: "supported by
# X", "fought alongside X", "with the help of X", "in cooperation with X"
_ALLY = re.compile(
    r"\b(?:(?:supported|backed|reinforced|strengthened|assisted|aided|protected|joined|"
    r"accompanied)(?:\s+and\s+\w+)?\s+by|alongside|side\s+by\s+side\s+with|with\s+those\s+of|"
    r"with\s+the\s+(?:support|help|backing|assistance)\s+of|in\s+(?:cooperation|concert|league)"
    r"\s+with)\s+(?:both\s+)?(?:the\s+)?")


def _allies(low: str, sent: _Sent, cs: int, ce: int) -> list[Mention]:
    """The actors of the clause ``cs:ce`` named as allies ("supported by X and Y")."""
    leads = sent.ally_leads
    if leads is None:
        s, e = sent.start, sent.end
        # (every lead has "by ", "alongside" or " with ": three scans in C spare the regex)
        leads = sent.ally_leads = [m.end() for m in _ALLY.finditer(low, s, e)] if (
            low.find("by ", s, e) >= 0 or low.find(" with ", s, e) >= 0
            or low.find("alongside", s, e) >= 0) else []
    out: list[Mention] = []
    for lead in leads:
        if cs <= lead <= ce:
            ms = sent.actors
            k = next((i for i, m in enumerate(ms) if m.clean_start == lead), -1)
            if k >= 0:
                out.extend(_chain(low, ms, k, 1))
    return out


def _attribute(
    low: str, sent: _Sent, hit: _Hit, speaker: Mention | None, cs: int, ce: int
) -> tuple[str | None, str | None, str | None, list[tuple[str | None, str | None]], set[str]]:
    """:func:`_acts` with the clause's allies ("fought alongside X") out of it: they are
    partners of the source, never its object."""
    leads = sent.ally_leads
    allies = _allies(low, sent, cs, ce) if leads is None or leads else None
    if not allies:
        return _acts(low, sent, hit, speaker, cs, ce, sent.actors, False)
    ids = {id(m) for m in allies}
    source, target, location, more, co = _acts(
        low, sent, hit, speaker, cs, ce, [m for m in sent.actors if id(m) not in ids], True)
    if source is not None and source[:2] != "G:":
        co = co | {m.code for m in allies} | {source}
    return source, target, location, more, co


def _acts(
    low: str, sent: _Sent, hit: _Hit, speaker: Mention | None, cs: int, ce: int,
    actors: list[Mention], allied: bool,
) -> tuple[str | None, str | None, str | None, list[tuple[str | None, str | None]], set[str]]:
    """(source, target, location, more, co) from the actor mentions (states and named groups)
    of the trigger's clause (``cs``/``ce``: its ``_clause_start``/``_clause_end``); ``more``:
    further (source, target) pairs of the same act, from coordinated subjects ("the UK and US
    struck Iraq": GBR->IRQ and USA->IRQ) or objects ("accused Egypt and Syria"); ``co``: the
    codes of such partners, which the article's pair must not set against each other.
    ``actors``: the mentions that may take a side (the sentence's, allies left out);
    ``allied``: the clause names allies (then two subjects fight side by side)."""
    if speaker is not None:
        actors = [m for m in actors if m is not speaker]
    more: list[tuple[str | None, str | None]] = []
    co: set[str] = set()  # coordinated partners ("X and Y"): never paired with each other
    before: list[Mention] = []
    after: list[Mention] = []
    for m in actors:  # a handful: one loop beats two comprehensions
        if m.clean_end <= hit.start:
            if m.clean_start >= cs:
                before.append(m)
        elif m.clean_start >= hit.end and m.clean_end <= ce:
            after.append(m)
    sig = hit.name
    source = target = location = None
    agent: Mention | None = None
    agent_i = -1
    brokers: set[int] = set()
    # "withdrew its forces from X": the land left is the other side, not where the act came from
    leaving = sig == "ceasefire" and hit.phrase.startswith(_ONE_SIDED)
    giver: Mention | None = None  # "sought aid from X": X gives
    for k, m in enumerate(after):
        gap = low[hit.end:m.clean_start]
        if len(gap) > 40:
            break
        if sig in _GIVEN and (_FROM_GIVER.match(gap) or hit.phrase.startswith("for ")
                             and _TO_GIVER.fullmatch(gap)) and _RECEIVE.search(low, cs, hit.end):
            agent, agent_i, giver = m, k, m
            break
        if "by" in gap and _AGENT.match(gap):
            if any(w in gap for w in _BROKER_WORDS):
                # "brokered by X": X is the go-between, not a party
                brokers.update(id(x) for x in _chain(low, after, k, 1))
            elif gap.split(None, 1)[0] in _AGENT_LEADS or _PASSIVE.search(
                    low, max(sent.start, hit.start - 25), hit.start):
                agent, agent_i = m, k
            # else "condemned the attack by X", "rejected accusations by X": X is the agent of
            # the noun, not of the verb
            break
    agents = _chain(low, after, agent_i, 1) if agent is not None else []
    if agent is None and sig == "casualties":
        # "five civilians were injured as X fired ...": X, the subject of the fire that
        # caused them, is the agent
        agent = _cause_subject(low, sent, hit, after)
        if agent is not None:
            agents = [agent]
    origin: set[int] = set()
    loc_m: Mention | None = None
    for k, m in enumerate(after):
        if m is agent or id(m) in brokers or id(m) in origin:
            continue
        pre = low[max(sent.start, m.clean_start - 28):m.clean_start]
        if pre.rstrip().endswith(("from", "from the")) and sig not in _ENVOY and not (
                leaving):
            # "fired from Afghanistan": where the fire came from ("recalled its envoy from
            # Ankara": the other side); "soldiers from Jamaica, Barbados and Dominica": all of
            # the list
            origin.update(id(x) for x in _chain(low, after, k, 1))
        elif _is_landmark(pre) and sig not in _FACES_BORDER:
            origin.add(id(m))  # "near the border with Mali": a landmark, not a side
        elif location is None and _LOC.search(pre):
            location = m.code
            loc_m = m
            if m.kind == "group":
                location = None
    skip = {id(m) for m in agents} | brokers | origin
    cand: Mention | None = None
    if agent is not None:
        source = agent.code
        # "is/are" before an "-ing" trigger is the progressive ("Japan is sending troops"), active
        passive = (_PASSIVE.search(low[max(sent.start, hit.start - 25):hit.start]) is not None
                   and not _PROGRESSIVE.match(low, hit.start))
        if len(agents) == 2 and giver is None and (
                _mutual(hit) or sig == "military_strike" and not passive and (
                    not _has_object(after, skip, agents, location, sig))
                and _fire_at_each_other(low, sent, hit, cs, ce, source, agents[1].code)):
            # "a pact was signed by X and Y", "firing by Indian and Pakistani troops": the pair
            # (but "the post was shelled by X and Y": partners on the post)
            return source, agents[1].code, location, more, co
        more.extend((a.code, None) for a in agents[1:])
        if len(agents) >= 2:
            # "an attack by Egyptian and Syrian forces": partners, never on each other
            co.update(a.code for a in agents)
        # passive voice: "X was struck by Y" -> Y on X
        if before and passive:
            target = before[-1].code
        elif before and giver is None and len(agents) >= 2:
            # "Chad, served an ultimatum by Libya and Sudan, ...": the partners' act falls on
            # the state before them (one agent alone finds it below)
            target = next((m.code for m in reversed(before)
                           if m.code not in co and m.role != "location"), None)
    elif before:
        # a state named as a place ("in Pakistan") is where, not who, and one governed by a
        # preposition ("lent $1bn to Indonesia to aid ...") is not the actor of a later verb
        cand = next((m for m in reversed(before) if m.role != "location"
                     and not (m.role in ("object", "other")
                              and _after_preposition(low, sent.start, m))),
                    None) or next((m for m in reversed(before) if m.role != "location"),
                                  before[-1])
        if cand.role != "subject" and (" and " in low[cand.clean_end:hit.start] or (
                cand.role == "object" and _INDIRECT.fullmatch(low, cand.clean_end, hit.start))):
            # "X expelled Y's envoy and closed the border": the second verb shares X; "X gave
            # Y a stern warning": Y receives the act of X
            cand = next((m for m in reversed(before) if m.role == "subject"), cand)
        elif cand is not before[0] and "," in low[cand.clean_end:hit.start] and (
                cand is not before[-1] or len(_chain(low, before, len(before) - 1, -1)) < 2):
            # "Saudi jets, assisted by US planes, shot down ...": a state inside an aside
            # between the subject and its verb is not the subject
            head = next((m for m in before if m.clean_start < cand.clean_start
                         and m.role != "location"
                         and 0 <= low.find(",", m.clean_end, cand.clean_start) - m.clean_end
                         <= 12), None)
            if head is not None:
                cand = head
        if sig in _FACES_BORDER and low[max(sent.start, cand.clean_start - 28):
                                        cand.clean_start].rstrip().endswith(_BORDER_WITH):
            # "the border with Somalia was sealed": the neighbour the act faces
            return None, cand.code, location, more, co
        source = cand.code
        if sig in _GIVEN and (hit.phrase.startswith("for ") or _ASKED_FOR.search(
                low, cand.clean_end, hit.start)) and _RECEIVE.search(low, cs, hit.end):
            # "X appealed to Y for help": Y is asked to give, X receives
            asked = next((m for m in reversed(before) if m.clean_start > cand.clean_end
                          and low[cand.clean_end:m.clean_start].rstrip().endswith(
                              (" to", " to the"))
                          and m.code != cand.code), None)
            if asked is not None:
                return asked.code, cand.code, location, more, co
        if sig in _GIVEN and _MODIFIER_GAP.fullmatch(low, cand.clean_end, hit.start) and \
                _RECEIVE.search(low, cs, cand.clean_start) and not (after and low[
                    hit.end:after[0].clean_start].strip() in ("to", "to the", "for", "for the")):
            # "Greece sent a note requesting U.S. aid": the one asked gives, the asker gets
            asker = next((m for m in before if m.clean_end <= cand.clean_start and m.role in (
                "subject", "possessor") and m.code != cand.code), None)
            if asker is not None:
                return cand.code, asker.code, location, more, co
        # "is/are" before an "-ing" trigger is the progressive ("Japan is sending troops"), active
        passive = (_PASSIVE.search(low[max(sent.start, hit.start - 25):hit.start]) is not None
                   and not _PROGRESSIVE.match(low, hit.start))
        if sig == "casualties" and _victims(low, sent, hit) or sig in _FORCE and any(
                t.name == "casualties" and _victims(low, sent, t)
                for t in _between(sent, cand.clean_end, hit.start)) and not any(
                t.name in _FORCE for t in _between(sent, cand.clean_end, hit.start)):
            # "US servicemen were killed outside Basra", "a soldier was wounded in firing
            # across the line": the dead and wounded are the target, of the fire too; the
            # fire "between X and Y" they fell in names who fired at them, the other of the two
            return _fought_between(low, after, cand.code), cand.code, location, more, co
        if passive and not _mutual(hit) and cand.role == "subject" and not _RELATIVE.search(
                low, cand.clean_end, hit.start):
            # "Mali, Niger and Chad were accused of arming the rebels": the subjects of a
            # passive with no agent undergo the act, side by side (not across a relative
            # clause: "X removed sanctions on firms that had been blacklisted" is X's act)
            ci = len(before) - 1 if cand is before[-1] else before.index(cand)
            targets = _chain(low, before, ci, -1) if ci > 0 else [cand]
            owner: str | None = None
            if sig in _OWN_ENVOY:
                # "German ambassadors to London and Paris were recalled": Germany recalls
                owner = next((m.code for m in before if _ENVOY_AFTER.match(low, m.clean_end)),
                             None)
                targets = [m for m in targets if m.code != owner] or targets
            more.extend((owner, x.code) for x in targets[1:])
            if len(targets) >= 2:
                co.update(x.code for x in targets)
            return owner, targets[0].code, location, more, co
        ci = len(before) - 1 if cand is before[-1] else before.index(cand)
        subjects = _chain(low, before, ci, -1) if ci > 0 else [cand]
        joint = False
        if len(subjects) == 1 and ci > 0 and _joint(low, before[ci - 1], cand, hit) and not (
                _mutual(hit) and low[cand.clean_end:hit.start].isspace()):
            # a "joint X-Y" strike or appeal (for a truce) is one side's ("joint X-Y talks"
            # are their pair)
            subjects, joint = [before[ci - 1], cand], True
        if len(subjects) >= 2:
            if len(subjects) == 2 and not allied and not joint and (
                    sig == "armed_clash" or not _has_object(
                    after, skip, subjects, location, sig) and (
                    _mutual(hit) or _reciprocal(low, cs, ce)
                    or sig == "military_strike" and _fire_at_each_other(
                        low, sent, hit, cs, ce, subjects[0].code, subjects[1].code))):
                # "Iran and Pakistan pledged ...", "Thai and Cambodian troops clashed", "X and Y
                # traded accusations": the pair
                return subjects[-2].code, subjects[-1].code, location, more, co
            # "the UK and US struck Iraq", "Algeria and Libya sent arms", "France, Greece and
            # Italy signed a treaty": partners acting side by side, each on the object if any,
            # never on one another
            source = subjects[0].code
            more.extend((x.code, None) for x in subjects[1:])
            co.update(x.code for x in subjects)
    if sent.nonstate and _nonstate_agent(low, sent, hit, cs, ce, agent or cand):
        source = _UNNAMED
        more = []
    if sig in _VENUE and loc_m is not None:
        skip.add(id(loc_m))  # a venue
    if location and location != source and sig in _TARGET_IS_LOCATION:
        # the place an act of force lands is its target, unless a state is named as its
        # direct object first ("shot down a Russian jet on the Syrian border": Russia)
        target = location
        for m in after:
            if m is loc_m or m.clean_start > (loc_m.clean_start if loc_m else ce):
                break
            if id(m) not in skip and m.code != source and m.kind == "state":
                target = m.code
                break
    if target is None and source is not None and cand is not None:
        first = next((k for k, m in enumerate(after) if id(m) not in skip), -1)
        if first >= 0 and after[first].code == source and \
                len(_chain(low, after, first, 1)) >= 2:
            # "a crisis for Angola began when X accused Angola, together with Cuba and the
            # USSR": the subject is named again in the object list, so it is not who acts
            source = None
    if target is None and giver is not None:
        # "Chad requested aid from France": the one who asks receives (before any state
        # named later in the clause)
        target = next((m.code for m in reversed(before) if m.code != source and m.role !=
                       "location" and not _after_preposition(low, sent.start, m)), None)
    if target is None:
        for k, m in enumerate(after):
            if id(m) in skip or m.code == source:
                continue
            if sig not in _TARGET_IS_LOCATION and _CAUSE.search(low, hit.end, m.clean_start):
                # "recalled its envoy over the decision to let Taiwan open an office": a state
                # in the cause of a diplomatic move is what it is about, not whom it targets
                break
            if sig in _TARGET_IS_LOCATION and m.kind == "state" and source is not None \
                    and _nonstate_object(sent, hit, m):
                # "killed 27 smugglers on the border with Syria": the dead are the group's,
                # the state is where; a group on another state's soil ("in Syria") is that
                # state's (handled as the location above)
                target = _UNNAMED
                break
            target = m.code
            if m.kind == "group" and sig in _TARGET_IS_LOCATION and m.state \
                    and source is not None and m.state != source and source[:2] != "G:":
                # a state striking a group on another state's soil acts on that state
                target = m.state
            elif k + 1 < len(after) and sig not in _THIRD_PARTY:
                objs = [x for x in _chain(low, after, k, 1) if id(x) not in skip]
                gap = low[hit.end:objs[0].clean_start] if objs else ""
                if source is None and len(objs) == 2 and (_mutual(hit) or sig in _FORCE and (
                        gap.strip().startswith("between")
                        or gap.rstrip().endswith("between"))) and not gap.rstrip().endswith(
                            ("with", "with the")) and not _NOUN_AGENT.search(gap) \
                        and not any(h.name in _THIRD_PARTY
                                    and 0 <= h.start - objs[1].clean_end <= 1
                                    for h in sent.triggers):
                    # "talks between X and Y", "a truce ... was signed by X and Y", "firing
                    # between X and Y troops": the pair (but "talks with X and Y": partners)
                    source = objs[0].code
                    target = objs[1].code
                    break
                more.extend((source, x.code) for x in objs[1:])
                if len(objs) >= 2:
                    # "talks with X and Y", "accused X and Y": partners, never X-Y
                    co.update(x.code for x in objs)
            break
    if target is None and location and location != source and sig not in _VENUE:
        target = location
    if target is None and source is not None and not co:
        # (coordinated partners: a state before them is no object of theirs either)
        for m in reversed(before):
            if m.code != source and m.kind == "state" and not (
                    sig in _VENUE and _mutual(hit) and m.role == "location"):
                # ("the Colombo Conference", "talks held in Geneva": a venue)
                target = m.code
                break
    # Nominalised envoy moves: "the recall of Pakistan's ambassador" -> Pakistan recalls.
    if sig in _ENVOY and agent is None:
        for m in after:
            if m.clean_start - hit.end <= 12 and low[hit.end:m.clean_start].strip() in ("of",
                                                                                      "of the"):
                if source is None or source == m.code:
                    source = m.code
                    target = next((x.code for x in sent.states if x.code != m.code), None)
                break
    if more:
        # the further subjects act on the same target; drop self-pairs
        more = [(a if a is not None else source, b if b is not None else target)
                for a, b in more]
        more = [(a, b) for a, b in more if a != b]
    return source, target, location, more, co


# "urged |Y", "appealed to |Y", "urged the |Y": the addressee right after a calling verb
_ASKED = frozenset({"", "to", "to the", "the", "on", "on the", "upon", "upon the"})
# "Y| to restrain |Z": the one Y is asked to hold back
_RESTRAIN = re.compile(r"\s+to\s+(?:restrain|rein\s+in|hold\s+back|curb)\s+(?:the\s+)?")


def _addressee(low: str, own: list[Mention], hit: _Hit) -> Mention | None:
    """The state or organisation a calling verb addresses ("urged Y", "appealed to the Y")."""
    for m in own:
        if m.clean_start >= hit.end:
            return m if low[hit.end:m.clean_start].strip() in _ASKED else None
    return None


# the act a party does when it holds back: "X and Y would exercise restraint"
_EXERCISE = re.compile(r"\b(?:exercis|show|display|practi[cs]|maintain|keep)\w*\s+(?:\w+\s+)?$")


def _third_parties(
    text: str, low: str, sent: _Sent, hit: _Hit, ms: list[Mention], pair: tuple[str, str] | None
) -> tuple[tuple[str, ...], str | None, str | None]:
    """Callers/mediators and the pair they address."""
    own = [m for m in ms if m.kind in ("state", "organisation")]
    callers: list[Mention] = []
    # "... restraint from China, the United States and United Nations"
    # "... mediated by the US, Argentina, Brazil and Chile": a list of go-betweens, not a pair
    tail = low[hit.end:sent.end]
    k, n = tail.find("from "), 5
    kb = tail.find("by ")
    if 0 <= kb <= 25 and (k < 0 or kb < k) and (kb == 0 or not tail[kb - 1].isalnum()):
        k, n = kb, 3
    elif k < 0 and tail.startswith((" of ", " of the ")):
        k, n = 1, 3  # "the mediation of Costa Rica, Venezuela and the US"
    if 0 <= k <= 25:
        pos = hit.end + k + n
        for m in own:
            if m.clean_start < pos:
                continue
            gap = low[pos:m.clean_start].strip(" ,")
            if gap in ("", "the", "and", "and the", "as well as", "or", "both",
                       "as well as the") or _listed_by_office(text[pos:m.clean_start]):
                callers.append(m)
                pos = m.clean_end
            else:
                break
    between = tail.find("between ")
    addressed: list[Mention] = []
    if not callers and hit.phrase.startswith(("urge", "appeal")):
        asked = _addressee(low, own, hit)
        if asked is not None:
            k = own.index(asked)
            caller = next((m for m in reversed(own[:k]) if m.clean_end <= hit.start
                           and hit.start - m.clean_end <= 20), None)
            ruled = next((m for m in own[k + 1:] if m.kind == "state"
                          and _RESTRAIN.fullmatch(low, asked.clean_end, m.clean_start)), None)
            if caller is not None and ruled is not None and ruled.code not in (
                    caller.code, asked.code):
                # "X appealed to Y to restrain Z": the call is about Z, X -> Z; Y, asked to
                # hold Z back, is the third party
                return (asked.code,), caller.code, ruled.code
            chain = [m for m in _chain(low, own, k, 1) if m.kind == "state"]
            if caller is not None and len(chain) == 1 and chain[0].code != caller.code and (
                    caller.kind == "state"):
                # "X urged Y to ...": X -> Y, the addressee is the target (as CAMEO codes an
                # appeal); two addressees ("urged Y and W to ...") are the pair, X the caller
                return (), caller.code, chain[0].code
            if caller is not None:
                callers = _office_list(text, low, own, own.index(caller))
                addressed = chain
    if not callers:
        before = [m for m in own if m.clean_end <= hit.start]
        chain = _office_list(text, low, before, len(before) - 1) if len(before) >= 2 else []
        if len(chain) == 1 and _joint(low, before[-2], before[-1], hit):
            chain = before[-2:]  # "a joint US-Soviet appeal": the two call together
        if len(chain) == 2 and _EXERCISE.search(low, chain[-1].clean_end, hit.start) and all(
                m.kind == "state" for m in chain):
            # "hoped that India and Pakistan would exercise restraint": the two asked to hold
            # back are the pair, whoever else the sentence names calls for it
            callers = [m for m in own if m not in chain]
            addressed = chain
        elif len(chain) >= 2 and hit.start - chain[-1].clean_end <= 25 and not any(
                c.name == "called_for" and c.start < hit.start for c in sent.modal
        ) and not _PASSIVE.search(low, max(sent.start, hit.start - 25), hit.start) \
                and "accept" not in low[chain[-1].clean_end:hit.start]:
            # "Kenya and Tanzania offered to mediate", "Nigerian and Libyan mediation": the
            # partners are the go-betweens, never the pair
            callers = chain
            addressed = [m for m in _states(own) if m.clean_start >= hit.end]
        elif between >= 0 and between < 40:
            callers = before
            addressed = [m for m in _states(own) if m.clean_start >= hit.end + between]
        else:
            call_cue = next(
                (c for c in sent.modal if c.name == "called_for" and c.end <= hit.start), None
            )
            if call_cue is not None:
                callers = [m for m in before if m.clean_end <= call_cue.start]
                addressed = [m for m in _states(own) if m.clean_start >= call_cue.end
                             and m not in callers]
            elif pair is not None:
                callers = [m for m in own if m.code not in pair]
            else:
                callers = before
    if not addressed:
        addressed = [m for m in _states(own) if m not in callers]
    caller_codes = tuple(dict.fromkeys(m.code for m in callers))
    pair_codes = [c for c in dict.fromkeys(m.code for m in addressed) if c not in caller_codes]
    if len(pair_codes) >= 2:
        two = pair_codes[:2]
        if any(m.code in two and (len(_chain(low, own, k, 1)) >= 3
                                  or len(_chain(low, own, k, -1)) >= 3)
               for k, m in enumerate(own)):
            # "appeals to Cyprus, Greece and Turkey", "Jordan, Kuwait and Turkey tried to
            # mediate": a list of three or more tells no pair
            return caller_codes, None, None
        return caller_codes, pair_codes[0], pair_codes[1]
    if pair is not None:
        a, b = pair
        if a in caller_codes or b in caller_codes:
            return caller_codes, (pair_codes[0] if pair_codes else None), None
        return caller_codes, a, b
    return caller_codes, (pair_codes[0] if pair_codes else None), None


_MONTHS = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"), start=1)}
_MONTH_RE = "(" + "|".join(_MONTHS) + ")"
# "26 February 2019", "February 26, 2019", "February 2019" (linear patterns, no nesting)
_DATE = re.compile(
    r"\b(?:(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH_RE + r",?\s+((?:19|20)\d\d)"
    r"|" + _MONTH_RE + r"\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d\d))\b"
)
# a year that names an agreement still in force ("the 2003 ceasefire") dates the agreement,
# not the act reported about it
_YEAR_OF_PACT = re.compile(
    r"\s+(?:ceasefire|cease-fire|truce|agreement|accord|treaty|pact|understanding|deal)")
_IN_YEAR = re.compile(r"\b(?:in|since|during)\s+(?:early\s+|late\s+|mid-?)?$")
# background cues that outweigh "today" & co.: "on Tuesday India marked the anniversary of"
_STRONG_BACKGROUND = frozenset({"anniversary", "memorial", "explainer"})
_STALE_DAYS = 45  # an explicit date this much before the article is not its news


def _ref_date(art: Article) -> tuple[int, int, int] | None:
    d = art.date
    if d and len(d) >= 10 and d[:4].isdigit() and d[5:7].isdigit() and d[8:10].isdigit():
        return int(d[:4]), int(d[5:7]), int(d[8:10])
    return None


def _days(y: int, m: int, d: int) -> int:
    import datetime as _dt

    try:
        return _dt.date(y, m, d).toordinal()
    except ValueError:
        return _dt.date(y, m, 1).toordinal()


def _carry_date(
    low: str, span: tuple[int, int], ref_year: int | None,
    ref_date: tuple[int, int, int] | None, carry: str,
) -> str:
    """The date a sentence with no trigger passes on to the next ones of its paragraph: its
    own when it is dated background ("In 1999, ..."), none when it is dated otherwise or says
    "today" & co., else the one it got."""
    s, e = span
    if _YEAR.search(low, s, e) is None:
        seg = low[s:e]
        return "" if any(w in seg for w in _CURRENT) else carry
    st = _Sent(-1, s, e, [], [], "", [], [], [])
    seg = low[s:e]
    st.current = any(w in seg for w in _CURRENT)
    why = _background_reason(low, st, ref_year, ref_date)
    return why if why.startswith(("date ", "year ")) else ""


def _background_reason(
    low: str, sent: _Sent, ref_year: int | None, ref_date: tuple[int, int, int] | None
) -> str:
    """Why the sentence is background, or "" when it reports the article's news.

    In order: anniversaries, memorials and explainers (even with "today"); an explicit date
    more than _STALE_DAYS before the article's date ("on 26 February 2019"); "today", "on
    Monday" & co. (current); the other background cues ("last year", "years ago", "history of");
    a year: "in 2019" before the article's year, or any year two or more before it (years that
    name an agreement, "the 2003 ceasefire", left out)."""
    cue = sent.background_cue
    if cue in _STRONG_BACKGROUND:
        return cue
    seg = low[sent.start:sent.end]
    years = _YEAR.findall(seg)  # dates and years both need one (a fast scan)
    if ref_date is not None and years:
        ref = _days(*ref_date)
        for m in _DATE.finditer(seg):
            if m.group(3):
                y, mo, d = int(m.group(3)), _MONTHS[m.group(2)], int(m.group(1))
            else:
                y, mo, d = int(m.group(6)), _MONTHS[m.group(4)], int(m.group(5) or 1)
            if 1 <= d <= 31 and ref - _days(y, mo, d) > _STALE_DAYS:
                return f"date {y:04d}-{mo:02d}-{d:02d}" if m.group(3) or m.group(5) \
                    else f"date {y:04d}-{mo:02d}"
    if sent.current:
        return ""
    if cue:
        return cue
    if ref_year is None or not years:
        return ""
    old = None
    for m in _YEAR.finditer(seg):
        y = int(m.group(0))
        if y >= ref_year or _YEAR_OF_PACT.match(seg, m.end()):
            continue
        if y < ref_year - 1 or _IN_YEAR.search(seg, 0, m.start()):
            old = y if old is None else max(old, y)
    return f"year {old}" if old is not None else ""


# ---------------------------------------------------------------- the engine


def _as_article(article: Article | str | Mapping[str, Any]) -> Article:
    from tension.read._io import as_article

    return as_article(article)


def _anaphora(text: str, mentions: list[Mention], sentences: Iterable[int],
              article_id: str) -> list[Mention]:
    try:
        from tension.extract._actors import anaphora
    except ImportError:  # pragma: no cover - actor layer missing
        return []
    return anaphora(text, mentions, sentences, article_id)


_by_clean_start = operator.attrgetter("clean_start")


def _find_mentions(article: Article) -> list[Mention]:
    try:
        from tension.extract._actors import find_actors
    except ImportError:  # pragma: no cover - actor layer missing
        log.warning("tension.extract._actors is not available; events will have no actors")
        return []
    return find_actors(article)


def extract_signals(
    article: Article | str | Mapping[str, Any],
    mentions: Sequence[Mention] | None = None,
) -> list[Event]:
    """Events (signal, actors, modality, evidence span) found in one article.

    ``article`` is an :class:`Article`, the text of one (a ``str`` is always text, cleaned
    as ingestion cleans it) or a mapping with ``text`` (and ``id``, ``title``, ``date``).
    ``mentions`` defaults to ``tension.extract._actors.find_actors(article)``.
    Offsets (``start``/``end``, ``sentence_start``/``sentence_end``) point into the original text.
    """
    art = _as_article(article)
    if mentions is None:
        mentions = _find_mentions(art)
    mentions = list(mentions)
    events = _extract(art, mentions)
    from tension.extract import _sentclf

    return _sentclf.rescore(art, events, sentence_states(mentions))


def sentence_states(mentions: Sequence[Mention]) -> dict[int, set[str]]:
    """The state codes each sentence names (a group's operating state does not count)."""
    out: dict[int, set[str]] = {}
    for m in mentions:
        if m.kind == "state":
            out.setdefault(m.sentence_index, set()).add(m.code)
    return out


_by_start = operator.itemgetter(0)


def _in_mention(start: int, end: int, ms: list[Mention]) -> bool:
    for m in ms:  # a plain loop: cheaper than any() over a generator for a few mentions
        if m.clean_start < end and start < m.clean_end:
            return True
    return False


def _extract(art: Article, mentions: list[Mention]) -> list[Event]:
    text = art.text
    if not text:
        return []
    low = _lower(text)
    spans = split_sentences(text)
    if not spans:
        return []
    starts = [s for s, _ in spans]
    # hits by sentence and kind (scan order kept within each list)
    trig: dict[int, list[_RawHit]] = {}
    modal: dict[int, list[_RawHit]] = {}
    groups: dict[int, set[str]] = {}
    blocks: dict[int, list[_RawHit]] = {}
    background_cue: dict[int, str] = {}
    nonstate: dict[int, list[tuple[int, int]]] = {}
    listed = {"trigger": trig, "block": blocks, "modality": modal}
    raw_hits, phrases = _scan(low)
    # hits come nearly in text order: the last hit's sentence is tried before bisecting
    i, lo, hi = -1, 0, -1  # sentence i spans [lo, hi); i = -1: none yet
    for raw in raw_hits:
        pos = raw[0]
        if not lo <= pos < hi:
            i = bisect.bisect_right(starts, pos) - 1
            if i < 0:
                hi = -1
                continue
            lo, hi = spans[i]
            if pos >= hi:
                continue
        kind = raw[2]
        bucket = listed.get(kind)
        if bucket is not None:
            lst = bucket.get(i)
            if lst is None:
                bucket[i] = [raw]
            else:
                lst.append(raw)
        elif kind == "group":
            grp = groups.get(i)
            if grp is None:
                groups[i] = {raw[3]}
            else:
                grp.add(raw[3])
            if raw[3] == "nonstate":
                nonstate.setdefault(i, []).append((raw[0], raw[1]))
        elif kind == "background":
            background_cue.setdefault(i, raw[3])
    by_sent: dict[int, list[Mention]] = {}
    dropped = False
    for m in sorted(mentions, key=lambda m: m.clean_start):
        i = bisect.bisect_right(starts, m.clean_start) - 1
        if i >= 0:
            if m.kind == "state" and i in nonstate and _names_a_group(m, nonstate[i]):
                continue  # "Ugandan rebels": the rebels' origin, not the state acting
            if low.startswith(_MADE, m.clean_end):
                dropped = True
                continue  # "Soviet-made missiles": where the weapon was made, not a side
            by_sent.setdefault(i, []).append(m)
    if nonstate or dropped:
        mentions = [m for ms_i in by_sent.values() for m in ms_i]
    # only sentences with a trigger that may fire get a _Sent: the other cues matter only
    # beside such a trigger
    sents: dict[int, _Sent] = {}
    no_groups: set[str] = set()
    no_blocks: frozenset[str] = frozenset()
    for i, triggers in trig.items():
        ms_i = by_sent.get(i)
        block_i = blocks.get(i)
        if ms_i:
            # a cue inside a name ("United" in "United States", "Union" in "European Union")
            # is not a cue
            triggers = [h for h in triggers if not _in_mention(h[0], h[1], ms_i)]
            if block_i:
                block_i = [h for h in block_i if not _in_mention(h[0], h[1], ms_i)]
        blocked = {h[3] for h in block_i} if block_i else no_blocks
        if "*" in blocked:
            continue
        # triggers that may fire: not blocked, their word group present; in text order
        if len(triggers) > 1:
            triggers.sort(key=_by_start)
        groups_i = groups.get(i, no_groups)
        live = [_Hit(*h) for h in triggers
                if h[3] not in blocked and (not h[4] or h[4] in groups_i)]
        if not live:
            continue
        s, e = spans[i]
        modal_i = modal.get(i)
        ns_i = nonstate.get(i, [])
        if ms_i:
            # a nonstate word inside a name ("Pakistani Taliban" is itself a group mention)
            ns_i = [h for h in ns_i if not _in_mention(h[0], h[1], ms_i)]
        sents[i] = _Sent(
            i, s, e, live, [_Hit(*h) for h in modal_i] if modal_i else [],
            background_cue.get(i, ""),
            [m for m in ms_i if m.kind == "state"] if ms_i else [],
            [m for m in ms_i if m.kind != "organisation"] if ms_i else [],
            ns_i,
        )
    # "it", "its", "the country" for the state just named: actors of the sentences that fire
    # (the article's pair and counts, and the cue filters above, read the names alone)
    anaphors = _anaphora(text, mentions, sents, art.id) if sents else []
    for m in anaphors:
        i = m.sentence_index
        by_sent[i] = sorted([*by_sent.get(i, ()), m], key=_by_clean_start)
        st_i = sents[i]
        st_i.states = [x for x in by_sent[i] if x.kind == "state"]
        st_i.actors = [x for x in by_sent[i] if x.kind != "organisation"]
    if sents:
        _place_phrases(low, phrases, starts, sents)
    ref_year = None
    if art.date and art.date[:4].isdigit():
        ref_year = int(art.date[:4])
    else:
        ys = [int(y) for y in _YEAR.findall(low)]
        ref_year = max(ys) if ys else None
    ref_date = _ref_date(art)
    explainer = _is_explainer(art)
    tax = load_taxonomy()
    pair = _pair_from_counts(mentions)
    raw_span = art.raw_span_fn()
    no_mentions: list[Mention] = []
    last_force: Event | None = None
    out: list[Event] = []
    carry = ""  # the date of the last dated background sentence of this paragraph
    for i in range(len(spans)):
        ms = by_sent.get(i, no_mentions)
        st = sents.get(i)
        if i and "\n" in text[spans[i - 1][1]:spans[i][0]]:
            carry = ""  # a new paragraph
        if st is None:
            if ms:  # with no mentions and no events the pair stays
                pair = _update_pair(pair, ms)
            if not explainer:
                carry = _carry_date(low, spans[i], ref_year, ref_date, carry)
            continue
        when = "explainer" if explainer else _background_reason(low, st, ref_year, ref_date)
        if not explainer:
            own = when
            if not when and carry and not st.current and not _YEAR.search(
                    low, st.start, st.end):
                # "In 1999 the two armies fought in the hills. Troops shelled the posts.": a
                # narrative sentence with no date or "today" of its own goes on the last date
                when = carry
            carry = own if own.startswith(("date ", "year ")) else "" if (
                st.current or _YEAR.search(low, st.start, st.end)) else carry
        background = bool(when)
        has_anaphor = bool(st.anaphors)
        struck = _crisis_for(low, st) if low.find("cris", st.start, st.end) >= 0 else None
        ss, se = raw_span(st.start, st.end)
        sentence = text[st.start:st.end]
        seen: set[tuple[str | None, ...]] = set()
        sent_events: list[Event] = []
        for h in st.triggers:
            sig = h.name
            # the trigger's clause, shared by modality, attribution and anaphora
            if st.clause_breaks:
                cs = _clause_start(low, st, h.start)
                ce = _clause_end(low, st, h.end)
            else:
                cs, ce = st.start, st.end
            if st.modal:
                modality, claim_cue = _modality(low, st, h, sig, cs)
            else:
                modality, claim_cue = "asserted", None
            if sig in _SELF_MODAL and modality in ("threatened", "called_for"):
                modality = "asserted"  # the threat or the call itself is what happened
            if sig == "hedged_or_negated_conflict" and modality == "asserted":
                modality = _inherent_modality(h.phrase)
            if sig == "hedged_or_negated_conflict" and modality not in (
                "negated", "hedged", "denied"
            ):
                continue
            speaker = None
            implied = None  # a side no mention names, implied by a control line
            if claim_cue is not None:
                near = [m for m in ms if m.clean_end <= claim_cue.start
                        and claim_cue.start - m.clean_end <= 40]
                if near:
                    speaker = near[-1]
            third: tuple[str, ...] = ()
            co = _NO_CODES
            strike = None
            more: list[tuple[str | None, str | None]] = []
            if sig in _VIOLATABLE and _violated(low, h, cs):
                # "violated the 2003 ceasefire": force against the truce (CAMEO 196), never
                # the truce or an agreement
                if sig != "ceasefire":
                    continue
                sig = "armed_clash"
            elif sig == "sovereignty_violation" and h.phrase.startswith("violat") and \
                    _PACT_AFTER.match(low, h.end):
                continue  # the violated thing is a truce or deal, not territory
            elif sig in _LIFTABLE and _lifted(low, h, cs, ce):
                continue  # the measure ends: no sanction (the relief is told by other cues)
            if sig == "casualties":
                # "X struck Y, killing N", "X's strikes on Y killed N": the dead are the strike's
                # victims; the nearest state before "killed" is where they died, not who killed
                strike = next((e for e in reversed(sent_events)
                               if e.signal in _FORCE and (e.source or e.target)), None)
            if strike is not None:
                src, tgt, loc = strike.source, strike.target, strike.location
            elif sig in _THIRD_PARTY:
                third, src, tgt = _third_parties(text, low, st, h, ms, pair)
                loc = None
            elif st.actors or st.nonstate:
                if st.ally_leads is None or st.ally_leads:
                    src, tgt, loc, more, co = _attribute(low, st, h, speaker, cs, ce)
                else:  # (no ally named: the rules directly, one call less)
                    src, tgt, loc, more, co = _acts(low, st, h, speaker, cs, ce, st.actors,
                                                    False)
            else:
                src = tgt = loc = None
            casualties = _casualty_count(low, st, h) if sig == "casualties" else None
            if strike is None and sig not in _THIRD_PARTY:
                ana = has_anaphor and _anaphor_before(st, cs, ce)
                if ana and pair is not None:
                    src, tgt = pair
                elif src is None and tgt is None:
                    ref = None
                    if sig in _FORCE or sig == "casualties":
                        ref = next((e for e in reversed(sent_events) if e.signal in _FORCE),
                                   None) or last_force
                    named = st.nonstate or any(m is not speaker for m in ms)
                    if ref is not None and not named:
                        src, tgt, loc = ref.source, ref.target, ref.location
                    elif pair is not None and not named:
                        # only a sentence that names no actor of any kind reads as the pair's
                        src, tgt = pair
                elif src is None and speaker is not None and speaker.kind == "group" and (
                        sig in _FORCE or sig == "casualties"):
                    # "ISIL claims attack on Niger soldiers": the group claiming it did it
                    src = speaker.code
                elif pair is not None and (src is None) != (tgt is None) and not (
                        src is None and st.nonstate):
                    f_src, f_tgt = _fill_from_pair(src, tgt, pair)
                    if not ({f_src, f_tgt} & _landmarks(low, st)) and not (
                            co and f_src in co and f_tgt in co) and not (
                            f_src and f_tgt and _listed_together(low, st, f_src, f_tgt)):
                        src, tgt = f_src, f_tgt
                        if tgt is not None and more:
                            # the partners act on the same target ("... by X and Y")
                            more = [(a, b if b is not None or a == tgt else tgt)
                                    for a, b in more]
                if (src is None) != (tgt is None) and not st.nonstate and (
                        sig in _FORCE or sig == "casualties"):
                    # "a soldier was killed in cross-LoC firing": the line names the other side
                    known = src or tgt
                    implied = _across_line(text, st.start, st.end, known)
                    if implied is not None and known is not None:
                        src, tgt = _fill_from_pair(src, tgt, (known, implied))
            if struck is not None and sig not in _THIRD_PARTY and src is not None and \
                    src != struck and src[:2] != "G:" and tgt != struck:
                # "X struck Y's bridges, triggering a crisis for Y": the act falls on Y too
                if tgt is None:
                    tgt = struck
                else:
                    more = [*more, (src, struck)]
            spec = tax[sig]
            raw_s, raw_e = raw_span(h.start, h.end)
            for a_src, a_tgt in [(src, tgt), *more]:
                key = (sig, modality, a_src, a_tgt)
                if key in seen:
                    continue
                if sig == "accusation" and a_src and a_tgt and any(
                        e.signal in ("accusation", "protest")
                        and {e.source, e.target} == {a_src, a_tgt} for e in sent_events):
                    continue  # the charge of "X accused Y of sponsoring terror": one accusation
                seen.add(key)
                conf = _prior(" " in h.phrase or "-" in h.phrase, bool(h.requires),
                              a_src is None and a_tgt is None, background)
                extra: dict[str, Any] = {"cue": h.phrase, "clean_start": h.start,
                                         "clean_end": h.end}
                if implied is not None:
                    extra["implied"] = implied
                if anaphors and ms:
                    via = _via_anaphor(ms, a_src, a_tgt)
                    if via:
                        extra["anaphor"] = via
                # positional, in field order (a third cheaper than keywords): article_id, signal,
                # quad_class, source, target, modality, location, third_parties, speaker,
                # casualties, confidence, sentence, sentence_index, start, end, sentence_start,
                # sentence_end, trigger, background, weight, extra, time
                ev = Event(
                    art.id, sig, spec.quad_class, a_src, a_tgt, modality, loc, third,
                    speaker.code if speaker is not None else None, casualties, conf, sentence,
                    st.index, raw_s, raw_e, ss, se, text[h.start:h.end], background, spec.weight,
                    extra, when,
                )
                sent_events.append(ev)
                # A threatened or conditional use of force is also a military threat;
                # a negated, denied or speculative one is hedged_or_negated_conflict.
                if sig in _FORCE and modality == "threatened" and (
                        mt_key := ("military_threat", "asserted", a_src, a_tgt)) not in seen:
                    seen.add(mt_key)
                    sent_events.append(_derived(ev, tax["military_threat"], "asserted"))
                if sig in _HEDGEABLE and modality in ("negated", "hedged", "denied"):
                    k2 = ("hedged_or_negated_conflict", modality, a_src, a_tgt)
                    if k2 not in seen:
                        seen.add(k2)
                        sent_events.append(
                            _derived(ev, tax["hedged_or_negated_conflict"], modality))
                if sig in _FORCE and modality in ("asserted", "claimed") and (a_src or a_tgt):
                    last_force = ev
        out.extend(sent_events)
        if struck is not None:
            # "X's raid on Y triggered a crisis for Z": the crisis is the story's pair (X, Z)
            sent_events = sorted(sent_events, key=lambda e: e.target != struck)
        pair = _update_pair(pair, ms, sent_events)
    return out


def _via_anaphor(ms: Sequence[Mention], src: str | None, tgt: str | None) -> str:
    """ "it=IRQ": the anaphors (``anaphora``) of the sentence that stand for a side of the
    event its names do not give; "" when the names give both sides."""
    named = {m.code for m in ms if m.kind == "state" and m.text.lower() not in _ANAPHOR_WORDS}
    got = [f"{m.text}={m.code}" for m in ms if m.code in (src, tgt) and m.code not in named
           and m.text.lower() in _ANAPHOR_WORDS]
    return ";".join(dict.fromkeys(got))


_ANAPHOR_WORDS = frozenset({"it", "its", "they", "their", "the country", "the government",
                            "the regime"})


def _derived(ev: Event, spec: SignalSpec, modality: str) -> Event:
    """``ev`` as another signal (``dataclasses.replace`` costs twice as much). ``extra`` is the
    same dict, as replace() leaves it."""
    return Event(  # positional, in field order (as in _extract)
        ev.article_id, spec.name, spec.quad_class, ev.source, ev.target, modality, ev.location,
        ev.third_parties, ev.speaker, ev.casualties, ev.confidence, ev.sentence,
        ev.sentence_index, ev.start, ev.end, ev.sentence_start, ev.sentence_end, ev.trigger,
        ev.background, spec.weight, ev.extra, ev.time,
    )


def _inherent_modality(phrase: str) -> str:
    """Conflict cues that carry their own negation or hedge ("no war", "premature")."""
    if phrase.startswith(("no ", "not ", "never ")):
        return "negated"
    if phrase in ("premature", "war without weapons"):
        return "hedged"
    return "asserted"


def _anaphor_before(sent: _Sent, cs: int, ce: int) -> bool:
    """True when "the two countries" & co. stand in the trigger's clause (either side)."""
    return any(cs <= s and e <= ce for s, e in sent.anaphors)


_CRISIS_FOR = re.compile(r"\bcris[ie]s\s+(?:was\s+triggered\s+|erupted\s+)?for\s+"
                         r"(?:both\s+)?(?:the\s+)?$")


def _crisis_for(low: str, sent: _Sent) -> str | None:
    """The state a sentence names as the one its acts put in a crisis ("triggered a crisis for
    X", "ending the crisis for X"): the one they fall on, whoever else they touch. (A crisis
    "for X and Y" tells no pair: the two are as often allies as foes.)"""
    for m in sent.states:
        if _CRISIS_FOR.search(low, max(sent.start, m.clean_start - 48), m.clean_start):
            return m.code
    return None


def _listed_together(low: str, sent: _Sent, a: str, b: str) -> bool:
    """Does the sentence list states ``a`` and ``b`` side by side ("The US, China and Zaire
    aided the rebels; Zaire also ...")? Partners: the article's pair must not set one against
    the other in it. Not when the sentence tells a mutual act ("a battle between Indian and
    Pakistani forces"): two sides listed for it are its pair."""
    if any(_mutual(h) for h in sent.triggers):
        return False
    ms = sent.states
    for k, m in enumerate(ms):
        if m.code == a and b in {x.code for x in _chain(low, ms, k, 1) + _chain(low, ms, k, -1)}:
            return True
    return False


def _fill_from_pair(
    src: str | None, tgt: str | None, pair: tuple[str, str]
) -> tuple[str | None, str | None]:
    a, b = pair
    if src is None and tgt is None:
        return a, b
    if src is not None and tgt is None:
        return src, (b if src == a else a if src == b else None)
    if src is None and tgt is not None:
        return (b if tgt == a else a if tgt == b else None), tgt
    return src, tgt


def _update_pair(
    pair: tuple[str, str] | None, ms: list[Mention], events: Sequence[Event] = ()
) -> tuple[str, str] | None:
    # go-betweens ("X, Y and Z mediated ... The mediators visited both countries") are never
    # the pair, not as the count pair nor as the sides of another event of their sentence
    brokers = {c for e in events if e.signal in _THIRD_PARTY for c in e.third_parties}
    for e in events:
        if e.source and e.target and e.source != e.target and e.signal not in _THIRD_PARTY \
                and not (e.source in brokers and e.target in brokers):
            return (e.source, e.target)
    if any(e.signal in _THIRD_PARTY for e in events):
        return None if pair is not None and (pair[0] in brokers or pair[1] in brokers) else pair
    codes = list(dict.fromkeys(m.code for m in ms if m.kind == "state"))
    if len(codes) == 2 and not events:
        return (codes[0], codes[1])
    return pair


@functools.cache
def _prior(multiword: bool, requires: bool, no_actor: bool, background: bool) -> float:
    """Rule confidence of a hit: multi-word cues are surer, a required word group, no actor
    and background lower it (cached: 16 combinations, asked once per event)."""
    conf = 0.8 if multiword else 0.6
    if requires:
        conf -= 0.1
    if no_actor:
        conf -= 0.2
    if background:
        conf *= 0.5
    return round(max(conf, 0.05), 3)


# ---------------------------------------------------------------- article-level views


def _counts_as_present(e: Event) -> bool:
    if e.background:
        return False
    if e.signal == "hedged_or_negated_conflict":
        return True
    if e.signal == "sanctions" and e.modality == "threatened":
        return True
    return e.modality in ("asserted", "claimed")


def default_threshold() -> float:
    """Confidence at which an event counts at article level (the re-scorer's CV choice)."""
    from tension.extract._sentclf import load_rescorer

    art = load_rescorer()
    return float(art["threshold"]) if art is not None else 0.0


def article_signals(events: Iterable[Event], threshold: float | None = None) -> set[str]:
    """The signals an article reports as current (asserted/claimed, not background, and at
    least ``threshold`` confident; default: the shipped re-scorer's threshold)."""
    t = default_threshold() if threshold is None else threshold
    return {e.signal for e in events if _counts_as_present(e) and e.confidence >= t}


def text_quad_class(events: Iterable[Event]) -> str:
    """Quad class of a text: that of its most confident asserted/claimed event, else statement."""
    best: Event | None = None
    for e in events:
        if e.modality in ("asserted", "claimed") and e.signal != "hedged_or_negated_conflict":
            if best is None or e.confidence > best.confidence:
                best = e
    return best.quad_class if best is not None else "statement"
