"""``tension signals``: one row per detected event (signal, actors, modality, evidence)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

COLUMNS = ("article_id", "signal", "quad_class", "source", "target", "location",
           "third_parties", "modality", "speaker", "casualties", "confidence", "sentence",
           "start", "end", "background")
QUAD_COLUMNS = ("sentence_quad_class", "sentence_quad_p")
CHUNK = 2000


def register(sub: argparse._SubParsersAction) -> None:
    from tension.cli._common import add_input_options, add_output_option

    p = sub.add_parser(
        "signals",
        help="extract events (who did what to whom, modality, evidence) from articles",
        description="Write one row per event (article_id, signal, quad_class, source, target, "
        "location, third_parties, modality, speaker, casualties, confidence, sentence, start, "
        "end, background); offsets point into the original text. With --text, print the "
        "events of one text.",
    )
    add_input_options(p, inputs_required=False)  # INPUT is optional when --text is given
    add_output_option(p, required=False)
    p.add_argument("--text", default=None, help="extract events from this text and print them")
    p.add_argument("--min-confidence", type=float, default=0.0,
                   help="drop events below this confidence (default: keep all)")
    p.add_argument("--current-only", action="store_true",
                   help="drop background (history) events")
    p.add_argument("--quad", action="store_true",
                   help="add the learned CAMEO quad class of each event's sentence and its "
                   "probability (sentence_quad_class, sentence_quad_p; tension.quad_class)")
    p.set_defaults(func=run)


def _row(e: object) -> dict[str, object]:
    d = e.to_dict()  # type: ignore[attr-defined]
    return {k: d[k] for k in COLUMNS}


def _keep(e: object, args: argparse.Namespace) -> bool:
    if getattr(e, "confidence", 0.0) < args.min_confidence:
        return False
    return not (args.current_only and getattr(e, "background", False))


def _print_quad(text: str, events: list[Any]) -> None:
    """The text's CAMEO quad class both ways, on stderr (stdout stays a clean table)."""
    from tension.extract._quad import load_quad_model, quad_class
    from tension.extract._signals import text_quad_class

    from_events = text_quad_class(events)
    if load_quad_model() is None:
        print(f"quad class: {from_events} (from the events; no learned model)", file=sys.stderr)
        return
    q = quad_class(text)
    terms = ", ".join(g for g, _ in q.terms)
    print(f"quad class: {q.label} (learned, p={q.probabilities[q.label]:.2f}"
          f"{'; ' + terms if terms else ''}); from the events: {from_events}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    from tension.extract._signals import extract_signals

    if args.text is not None:
        print("signal\tmodality\tsource\ttarget\tlocation\tthird_parties\tspeaker\tcasualties"
              "\tconfidence\tbackground\ttrigger")
        events = extract_signals(args.text)
        for e in events:
            if not _keep(e, args):
                continue
            print("\t".join(str(x) if x is not None else "" for x in (
                e.signal, e.modality, e.source, e.target, e.location, ",".join(e.third_parties),
                e.speaker, e.casualties, f"{e.confidence:.3f}", e.background, e.trigger)))
        _print_quad(args.text, events)  # all events, as text_quad_class defines it
        return 0
    if not args.inputs or not args.output:
        print("tension signals: give INPUT... and -o OUTPUT, or --text TEXT", file=sys.stderr)
        return 2
    from tension._gc import bulk_gc
    from tension.cli._common import articles_from_args
    from tension.read._write import open_writer

    if args.quad:
        from tension.extract._quad import ARTIFACT, load_quad_model

        if load_quad_model() is None:
            print(f"tension signals: --quad needs tension/data/{ARTIFACT}, which is missing or "
                  "does not fit this version (experiments/train_quad_classifier.py builds it)",
                  file=sys.stderr)
            return 2
    columns = COLUMNS + QUAD_COLUMNS if args.quad else COLUMNS

    def rows(events: list[Any]) -> list[dict[str, object]]:
        out = [_row(e) for e in events]
        if args.quad:
            from tension.extract._quad import sentence_quads

            quads = sentence_quads([e.sentence for e in events])  # the model was checked above
            for r, e in zip(out, events, strict=True):
                label, prob = quads[e.sentence]
                r["sentence_quad_class"], r["sentence_quad_p"] = label, round(prob, 4)
        return out

    n_art = n_ev = 0
    with bulk_gc(), open_writer(args.output, columns=columns) as w:
        chunk: list[Any] = []
        for art in articles_from_args(args):
            for e in extract_signals(art):
                if _keep(e, args):
                    chunk.append(e)
            n_art += 1
            if len(chunk) >= CHUNK:
                w.write(rows(chunk))
                n_ev += len(chunk)
                chunk = []
        w.write(rows(chunk))
        n_ev += len(chunk)
    where = args.output if args.output != "-" else "stdout"
    print(f"{n_ev} events in {n_art} articles -> {where}", file=sys.stderr)
    return 0
