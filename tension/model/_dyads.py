"""Candidate dyads: which pairs of states an article is about, ranked by salience.

Only states are sides; organisations and armed groups never are (a group's operating state
does count, weakly, through its ``state``). Each state gets a weight from its mentions
(subject/object/possessor count more than a passing location), with bonuses for the title and
the lead; a pair's score adds how often the two share a sentence and the events that link them
(an event with one state as source and the other as target links them strongly, and so does
one in the headline, read on its own: the news peg). Salience is
the pair's score over the top pair's score, scaled by the top pair's share of all state weight.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tension._types import Article, Event, Mention

__all__ = ["Dyad", "candidate_dyads", "dyad_key"]

# Weights, tuned on the labelled training articles with experiments/evaluate_actors.py.
ROLE_WEIGHT = {"subject": 1.0, "object": 1.0, "possessor": 1.0, "other": 0.8, "location": 0.3}
TITLE_BONUS = 3.0  # per state named in the title
LEAD_BONUS = 1.0  # per state named in the lead (first LEAD_SENTENCES sentences)
LEAD_SENTENCES = 3
COOCCUR_WEIGHT = 1.0  # per sentence naming both states
TITLE_PAIR_BONUS = 3.0  # both states in the title
IMPLIED_WEIGHT = 0.8  # a state only a control line names (as one "other" mention)
EVENT_LINK = 3.0  # per event with one state as source and the other as target
EVENT_TOUCH = 0.5  # per event naming one state as source/target and the other as location/third
# per event of the headline (read on its own) whose source and target are the two states: the
# editor's news peg ("X recalls its envoy to Y over Z" is about X-Y, however often Z is named)
TITLE_EVENT_LINK = 3.0
MAX_DYADS = 10
# meetings and their outcomes: their location is a venue, not a side
_VENUE_SIGNALS = frozenset({"talks", "agreement", "unity_pledge", "ceasefire", "ties_restored",
                            "mediation_offer", "call_for_restraint"})


@dataclass(frozen=True, slots=True)
class Dyad:
    """One candidate pair of states in one article.

    ``sentence_indices`` are the sentences that name EITHER state (sorted), so evidence for
    the pair can be gathered from them; ``n_cooccur`` counts those naming BOTH.
    """

    dyad: str  # "AAA-BBB", codes sorted
    actor_a: str
    actor_b: str
    rank: int  # 1 = main pair of the article
    salience: float  # 0-1
    sentence_indices: tuple[int, ...]
    n_mentions_a: int
    n_mentions_b: int
    n_cooccur: int
    in_title: bool  # both states named in the title
    in_lead: bool  # both states named in the lead


def dyad_key(a: str, b: str) -> str:
    """Canonical dyad label: the two codes sorted and joined by a hyphen."""
    x, y = sorted((a, b))
    return f"{x}-{y}"


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def candidate_dyads(
    article: Article,
    mentions: Sequence[Mention],
    events: Iterable[Event] = (),
    *,
    title_mentions: Sequence[Mention] | None = None,
    title_events: Iterable[Event] = (),
) -> list[Dyad]:
    """Rank the pairs of states in ``article`` (rank 1 first); [] when fewer than two states.

    ``title_mentions`` are mentions found in ``article.title``; when None they are found here
    (the title is matched separately, so a title that is also the first line of the text
    counts as both title and lead).
    ``title_events`` are the events of the headline read on its own: each current, asserted
    or claimed one whose source and target are two states adds ``TITLE_EVENT_LINK`` to their
    pair.
    """
    states = [m for m in mentions if m.kind == "state"]
    events = list(events)  # read twice
    if title_mentions is None:
        title_mentions = []
        if article.title:
            from tension.extract._actors import find_actors_text

            title_mentions = find_actors_text(article.title, article.id)
    title_states = {m.code for m in title_mentions if m.kind == "state"}
    # a title repeated as the first line of the text would double count the lead
    weight: defaultdict[str, float] = defaultdict(float)
    count: Counter[str] = Counter()
    sents: defaultdict[str, set[int]] = defaultdict(set)
    lead: set[str] = set()
    for m in states:
        weight[m.code] += ROLE_WEIGHT.get(m.role, 0.8)
        count[m.code] += 1
        sents[m.code].add(m.sentence_index)
        if m.sentence_index < LEAD_SENTENCES:
            lead.add(m.code)
    for m in mentions:
        if m.kind == "group" and m.state:
            weight[m.state] += 0.3
            sents[m.state].add(m.sentence_index)
    for ev in events:
        # the other side of fire across a control line ("killed in cross-LoC firing"): a
        # party no mention names, with the weight of one mention
        implied = ev.extra.get("implied")
        if implied and not ev.background:
            if implied not in weight:
                weight[implied] += IMPLIED_WEIGHT
            sents[implied].add(ev.sentence_index)
    for code in title_states:
        weight[code] += TITLE_BONUS
    for code in lead:
        weight[code] += LEAD_BONUS

    known: set[str | None] = set(weight)
    link: defaultdict[tuple[str, str], float] = defaultdict(float)
    for ev in events:
        if ev.background:
            continue
        src, tgt = ev.source, ev.target
        if src is not None and tgt is not None and src in known and tgt in known and src != tgt:
            link[_pair(src, tgt)] += EVENT_LINK
        # an act's location touches its sides (shelling that lands in a state), but not the
        # venue of a meeting ("talks in Hanoi") nor a go-between (a mediator is no party)
        other = ev.location if ev.signal not in _VENUE_SIGNALS else None
        if other is None or other not in known:
            continue
        for side in (src, tgt):
            if side is not None and side in known and other != side:
                link[_pair(side, other)] += EVENT_TOUCH

    for ev in title_events:
        src, tgt = ev.source, ev.target
        if (not ev.background and ev.modality in ("asserted", "claimed") and src is not None
                and tgt is not None and src != tgt and src in known and tgt in known):
            link[_pair(src, tgt)] += TITLE_EVENT_LINK

    codes = sorted(weight)
    if len(codes) < 2:
        return []
    # keep the pair search small on long articles with dozens of states
    codes = sorted(codes, key=lambda c: -weight[c])[:12]
    total = sum(weight.values())
    scored: list[tuple[float, str, str, int]] = []
    for a, b in itertools.combinations(sorted(codes), 2):
        co = len(sents[a] & sents[b])
        score = math.sqrt(weight[a] * weight[b]) + min(weight[a], weight[b])
        score += COOCCUR_WEIGHT * co + link.get((a, b), 0.0)
        if a in title_states and b in title_states:
            score += TITLE_PAIR_BONUS
        scored.append((score, a, b, co))
    scored.sort(key=lambda t: (-t[0], t[1], t[2]))
    top = scored[0][0] or 1.0
    share = min(1.0, (weight[scored[0][1]] + weight[scored[0][2]]) / total) if total else 0.0
    out: list[Dyad] = []
    for rank, (score, a, b, co) in enumerate(scored[:MAX_DYADS], 1):
        out.append(
            Dyad(
                dyad=dyad_key(a, b),
                actor_a=a,
                actor_b=b,
                rank=rank,
                salience=round(share * score / top, 4),
                sentence_indices=tuple(sorted(sents[a] | sents[b])),
                n_mentions_a=count[a],
                n_mentions_b=count[b],
                n_cooccur=co,
                in_title=a in title_states and b in title_states,
                in_lead=a in lead and b in lead,
            )
        )
    return out
