"""Build tension/data/cues_cameo.tsv: trigger phrases derived from the PETRARCH-2 CAMEO verb
dictionary (../shared/data/external/petrarch2_dictionaries/CAMEO.2.0.txt, MIT licence).

    .venv/bin/python experiments/build_cameo_cues.py [--shared ../shared] [--out tension/data]

What is derived: every verb pattern of the form ``- * <objects> [code]  # VERB`` whose code
maps to one of our signals through the CAMEO column of tension/data/signals.csv (exact code,
else the longest listed prefix: 1041 -> 10 -> accusation), restricted to the roots this table
is for (fight 19, demand 10, reject 12, arms 062, extradition 063, aid 070-073, apologise 055), read
as flat phrases: the pattern's verb in each of its forms, an optional article, the objects with
synonym sets (``&CEASEFIRE``) expanded ("breached the truce", "staged an attack"). Plus the
bare verbs of a few blocks whose every use is the act (SHELL, SNIPE, EXTRADITE, APOLOGISE).
Patterns before the verb (they need a parse) and bare prepositions are skipped. Phrases that
cues.tsv already lists (any kind) are left to the hand-written table. Ceasefire violations
(CAMEO 196) are written as named shadows: they fire their signal and silence the cues they
overlap ("violated" as a sovereignty violation, "ceasefire" as a ceasefire).

Attested patterns only (data-driven, done here and not by hand): the expansion yields about
11,000 phrases, of which some 300 ever occur in real text; each one costs the signal layer's
automaton nodes (scan time) whether it matches or not. A phrase is kept when its pattern-object
(the same CAMEO pattern and object, any verb form or article: "shelled the village" keeps
"shelling the village") occurs at least once on word boundaries in the shared real-text corpora
(``CORPORA``: the labelled news set, WCEP, ACLED notes, ICBe crisis summaries and sentences).
This also drops PETRARCH stem fragments ("regret an offenc"), which never end on a word
boundary. ``--all`` writes the unpruned table. The evaluation sets are drawn from the same
corpora, so they cannot show what the prune costs on unseen text: the phrases dropped are
listed with ``--show-dropped``.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parents[1]
DICT = Path("data/external/petrarch2_dictionaries/CAMEO.2.0.txt")
ROOTS = ("19", "10", "12", "062", "063", "070", "071", "072", "073", "055")
# The dictionary is loose read as flat phrases (its README says so): per root, the verb blocks
# whose patterns read as the act without a parse; for fight (19) every block but those listed.
BLOCKS = {
    "10": {"DEMAND", "INSIST", "IMPEL"},
    "12": {"REFUSE", "REBUFF"},
    "062": {"SELL", "SEND", "SUPPORT", "GRANT"},
    "063": {"EXTRADITE"},
    **{c: {"GRANT", "SEND", "AID", "EXTEND", "FINANCE", "PUMP", "FLY"}
       for c in ("070", "071", "072", "073")},  # 074-075 peacekeeping, asylum: not aid
    "055": {"REGRET", "APOLOGIZE"},
}
FIGHT_DENY = {"APPREHEND", "TRADE", "EXCLUDE", "ARRANGE", "BOOST", "OVERSEE_MANAGE", "CRASH",
              "DIE", "CONCERN", "CONSTRUCT", "DRAFT", "DISCOVER", "EVACUATE", "ACCELERATE",
              "APPEAR", "MAINTAIN", "MOVE", "BRING", "CROSS", "DEMAND", "KILL", "HURT", "FIND",
              "EXTEND", "TAKE_CONTROL", "DEPLOY"}
VERB_BLOCKS = {"GUNFIRE": "190", "EXTRADITE": "063", "APOLOGIZE": "055"}
SKIP_VERBS = {"SNIPE"}  # "snipe at" is also a verbal jab
SHADOW_CODES = {"196"}
DETS = ("", "the ", "a ", "an ")
MAX_EXPANSION = 60
# real text the prune counts phrases on (relative to --shared): (path, format, text fields)
CORPORA = (
    ("data/news/train.jsonl", "jsonl", ("title", "text")),
    ("data/external/wikipedia_current_events_categorized/wcep_categorized_events.jsonl",
     "jsonl", ("text", "summary", "title", "headline")),
    ("data/external/acled_asia_2015/acled.csv", "csv", ("NOTES",)),
    ("data/external/icbe_crisis_events/icb_crisis_summaries_20150604.csv", "csv",
     ("background", "text")),
    ("data/external/icbe_crisis_events/icbe_events_agreed_wide_filtered_train.csv", "csv",
     ("sentence_span_text",)),
    ("data/external/icbe_crisis_events/icbe_events_agreed_wide_filtered_valid.csv", "csv",
     ("sentence_span_text",)),
)
_PATTERN = re.compile(r"^-\s+\*\s+(?P<obj>[^\[]*?)\s*\[(?P<code>[0-9]+)(?::[0-9]+)?\]"
                      r"\s*(?:#\s*(?P<verbs>.*))?$")
_ITEM = re.compile(r"\{[^}]*\}|\([^)]*\)|\S+")


def regular_forms(word: str) -> list[str]:
    w = word.lower()
    if w.endswith("e"):
        return [w, w + "s", w + "d", w[:-1] + "ing"]
    if w.endswith("y") and len(w) > 2 and w[-2] not in "aeiou":
        return [w, w[:-1] + "ies", w[:-1] + "ied", w + "ing"]
    if w.endswith(("s", "sh", "ch", "x", "z")):
        return [w, w + "es", w + "ed", w + "ing"]
    return [w, w + "s", w + "ed", w + "ing"]


def verb_forms(entry: str, irregular: str | None) -> list[str]:
    """Forms of a verb entry ("+SHOOT_DOWN {+SHOT_DOWN ...}", "SLAY {SLAYS SLAIN}")."""
    words = entry.replace("+", "").lower().split("_")
    marked = next((i for i, w in enumerate(entry.split("_")) if w.startswith("+")), 0)
    forms = []
    for f in regular_forms(words[marked]):
        forms.append(" ".join(words[:marked] + [f] + words[marked + 1:]))
    if irregular:
        forms += [w.replace("+", "").replace("_", " ").lower() for w in irregular.split()]
    return list(dict.fromkeys(forms))


def parse(text: str) -> tuple[dict[str, list[str]], list[dict]]:
    synsets: dict[str, list[str]] = {}
    blocks: list[dict] = []
    current_syn: str | None = None
    block: dict | None = None
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].rstrip() if not raw.startswith("-") else raw.rstrip()
        if not line.strip():
            current_syn = None
            continue
        if line.startswith("&"):
            current_syn = line.strip().rstrip("_")
            synsets[current_syn] = []
            continue
        if line.startswith("+") and current_syn is not None:
            synsets[current_syn].append(line[1:].strip().rstrip("_").replace("_", " ").lower())
            continue
        if line.startswith("---"):
            m = re.match(r"---\s+(\S+)\s+\[([^\]]*)\]", line)
            block = {"name": m.group(1), "code": m.group(2), "verbs": {}, "patterns": []} \
                if m else None
            if block is not None:
                blocks.append(block)
            continue
        if block is None:
            continue
        if line.startswith("-"):
            pm = _PATTERN.match(line)
            if pm:
                block["patterns"].append(pm.groupdict())
            continue
        vm = re.match(r"^(\S+)\s*(?:\{([^}]*)\})?\s*(?:\[([0-9-]+)\])?", line.strip())
        if vm:
            forms = verb_forms(vm.group(1), vm.group(2))
            block["verbs"][vm.group(1).replace("+", "")] = (forms, vm.group(3))
    return synsets, blocks


def expand(item: str, synsets: dict[str, list[str]]) -> list[str] | None:
    if item.startswith("("):
        inner = item[1:-1].split(None, 1)
        if len(inner) != 2:
            return None
        rest = expand(inner[1], synsets)
        if rest is None:
            return None
        return [f"{inner[0].lower()} {d}{r}" for r in rest for d in DETS[:2]]
    if item.startswith("{"):
        parts = [expand(w, synsets) for w in item[1:-1].split()]
        if any(p is None for p in parts):
            return None
        return [" ".join(c) for c in itertools.product(*parts)]  # type: ignore[arg-type]
    if item.startswith("&"):
        return synsets.get(item.rstrip("_"))
    if any(c in item for c in "+$%^"):
        return None
    return [item.rstrip("_").replace("_", " ").lower()]


def block_ok(code: str, block: str) -> bool:
    root = next((r for r in ROOTS if code.startswith(r)), None)
    if root is None:
        return False
    if root == "19":
        return block not in FIGHT_DENY
    return block in BLOCKS[root]


def signal_of(code: str, by_code: dict[str, str]) -> str | None:
    if not any(code.startswith(r) for r in ROOTS):
        return None
    for k in range(len(code), 1, -1):
        if code[:k] in by_code:
            return by_code[code[:k]]
    return None


def derive(text: str, by_code: dict[str, str]) -> Iterator[tuple[str, str, str, str, str]]:
    """(kind, signal, phrase, code, group) rows; a group is one pattern-object (or one bare
    verb) in all its verb forms and articles."""
    synsets, blocks = parse(text)
    for bi, b in enumerate(blocks):
        verbs = b["verbs"]
        if b["name"] in VERB_BLOCKS:
            sig = signal_of(VERB_BLOCKS[b["name"]], by_code)
            for name, (vforms, own) in verbs.items():
                if own or name in SKIP_VERBS or sig is None:
                    continue  # a verb with its own code is another act ("gun down")
                for f in vforms:
                    yield "trigger", sig, f, VERB_BLOCKS[b["name"]], f"{bi}:{name}"
        for pi, p in enumerate(b["patterns"]):
            sig = signal_of(p["code"], by_code)
            if sig is None or not p["obj"] or not block_ok(p["code"], b["name"]):
                continue
            items = _ITEM.findall(p["obj"])
            parts = [expand(i, synsets) for i in items]
            if any(x is None for x in parts) or all(i.startswith("(") for i in items):
                continue
            objs = [" ".join(c) for c in itertools.product(*parts)]  # type: ignore[arg-type]
            if len(objs) > MAX_EXPANSION:
                continue
            # a block's patterns hold for each of its verbs (the comment names where the
            # pattern was first found), except verbs that carry their own code
            names = [v.strip() for v in (p["verbs"] or "").split(",") if v.strip()]
            plain = [k for k, (_, own) in verbs.items() if not own and k not in names]
            if len(plain) <= 3:  # large synonym blocks read loosely: their pattern's verb only
                names += plain
            forms: list[str] = []
            for n in names:
                hit = next((fs for k, (fs, _) in verbs.items()
                            if k == n or n.replace("_", " ").lower() in fs), None)
                forms += hit if hit else verb_forms(n, None)
            kind = "shadow" if p["code"] in SHADOW_CODES else "trigger"
            for f in dict.fromkeys(forms):
                for o in objs:
                    dets = ("",) if items[0].startswith("(") else DETS
                    for d in dets:
                        if d and d != "the " and (o.endswith("s") or (d == "an ") != (
                                o[0] in "aeiou")):
                            continue  # "a truce", "an attack"; no article before plurals
                        yield kind, sig, f"{f} {d}{o}", p["code"], f"{bi}:{pi}:{o}"


def corpus_texts(shared: Path) -> Iterator[str]:
    """The texts of ``CORPORA`` (a missing corpus is skipped with a warning)."""
    csv.field_size_limit(1 << 30)
    for rel, fmt, fields in CORPORA:
        path = shared / rel
        if not path.is_file():
            print(f"warning: corpus {path} missing; the prune keeps less", file=sys.stderr)
            continue
        # the ICBe summaries are Latin-1; a stray byte elsewhere must not stop the build
        with path.open(encoding="utf-8", errors="replace") as fh:
            if fmt == "jsonl":
                for line in fh:
                    rec = json.loads(line)
                    yield "\n".join(str(rec.get(k) or "") for k in fields)
            else:
                for row in csv.DictReader(fh):
                    yield "\n".join(row.get(k) or "" for k in fields)


def attested(shared: Path, phrases: set[str]) -> set[str]:
    """The phrases that occur at least once, lowercased, on word boundaries, in CORPORA."""
    auto = ahocorasick.Automaton()
    for p in phrases:
        auto.add_word(p, p)
    auto.make_automaton()
    seen: set[str] = set()
    for text in corpus_texts(shared):
        low = text.lower()
        for end, p in auto.iter(low):
            i = end - len(p) + 1
            if p in seen or (i > 0 and (low[i - 1].isalnum() or low[i - 1] == "-")) or (
                    end + 1 < len(low) and low[end + 1].isalnum()):
                continue
            seen.add(p)
    return seen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--out", type=Path, default=ROOT / "tension" / "data")
    ap.add_argument("--all", action="store_true",
                    help="write every derived phrase (no prune to attested patterns)")
    ap.add_argument("--show-dropped", action="store_true",
                    help="print the phrases the prune drops")
    args = ap.parse_args()
    by_code: dict[str, str] = {}
    with (ROOT / "tension" / "data" / "signals.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(line for line in fh if not line.startswith("#")):
            for c in row["cameo"].split(";"):
                if c:
                    by_code.setdefault(c, row["name"])
    hand = set()
    for line in (ROOT / "tension" / "data" / "cues.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            hand.add(line.split("\t")[2].rstrip("*"))
    text = (args.shared / DICT).read_text(encoding="utf-8", errors="replace")
    rows: dict[tuple[str, str], tuple[str, str]] = {}
    groups: dict[str, set[str]] = {}  # phrase -> the pattern-objects it comes from
    members: dict[str, list[str]] = {}  # pattern-object -> its phrases
    for kind, sig, phrase, code, group in derive(text, by_code):
        phrase = " ".join(phrase.split())
        members.setdefault(group, []).append(phrase)
        if phrase in hand or not re.fullmatch(r"[a-z][a-z' -]*[a-z]", phrase):
            continue
        if " " not in phrase and kind == "trigger" and code not in {"190", "063", "055"}:
            continue
        groups.setdefault(phrase, set()).add(group)
        old = rows.get((phrase, kind))
        if old is None or (old[0] != sig and kind == "shadow"):
            rows[(phrase, kind)] = (sig, code)
    derived = len({p for p, _ in rows})
    if not args.all:
        found = attested(args.shared, set(members_p for m in members.values()
                                           for members_p in m))
        live = {g for g, ps in members.items() if any(p in found for p in ps)}
        dropped = sorted({p for p, _ in rows if not groups[p] & live})
        rows = {k: v for k, v in rows.items() if groups[k[0]] & live}
        print(f"prune: {len(dropped)} of {derived} phrases belong to no pattern-object seen in "
              f"the corpora; {len(found)} phrases seen")
        if args.show_dropped:
            print("\n".join(dropped))
    # one signal per phrase (the first derived)
    seen: set[str] = set()
    out = args.out / "cues_cameo.tsv"
    with out.open("w", encoding="utf-8") as fh:
        fh.write(
            "# source: derived by experiments/build_cameo_cues.py from the PETRARCH-2 CAMEO verb "
            "dictionary\n# source: (CAMEO.2.0.txt, github.com/openeventdata/petrarch2 commit "
            "676801cd, dictionaries by the Open Event Data Alliance,\n# source: MIT licence: "
            "Copyright (c) 2015 Open Event Data Alliance; permission is hereby granted, free of "
            "charge,\n# to any person obtaining a copy ... The above copyright notice and this "
            "permission notice shall be\n# included in all copies or substantial portions of the "
            "Software. THE SOFTWARE IS PROVIDED \"AS IS\").\n# Do not edit by hand: re-run the "
            "script. Columns as cues.tsv; the comment before each run gives the CAMEO code.\n"
            "kind\tname\tphrase\trequires\n")
        last = None
        for (phrase, kind), (sig, code) in sorted(rows.items(), key=lambda r: (r[1][1], r[0])):
            if phrase in seen:
                continue
            seen.add(phrase)
            if code != last:
                fh.write(f"# CAMEO {code}\n")
                last = code
            fh.write(f"{kind}\t{sig}\t{phrase}\t\n")
    print(f"wrote {len(seen)} cues to {out}")


if __name__ == "__main__":
    main()
