"""``tension actors``: one row per state, organisation or group mention."""

from __future__ import annotations

import argparse

COLUMNS = ("article_id", "start", "end", "text", "code", "kind", "role", "sentence_index",
           "state")


def register(sub: argparse._SubParsersAction) -> None:
    from tension.cli._common import add_input_options, add_output_option

    p = sub.add_parser(
        "actors",
        help="find the states, organisations and armed groups each article names",
        description="Write one row per mention (article_id, start, end, text, code, kind, "
        "role); with --text, print the mentions of one text.",
    )
    add_input_options(p, inputs_required=False)  # INPUT is optional when --text is given
    add_output_option(p, required=False)
    p.add_argument("--text", default=None, help="find actors in this text and print them")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tension.extract._actors import find_actors, find_actors_text

    if args.text is not None:
        for m in find_actors_text(args.text):
            state = f"\tstate={m.state}" if m.state else ""
            print(f"{m.start}\t{m.end}\t{m.text}\t{m.code}\t{m.kind}\t{m.role}{state}")
        return 0
    if not args.inputs or not args.output:
        print("tension actors: give INPUT... and -o OUTPUT, or --text TEXT")
        return 2
    from tension.cli._common import articles_from_args
    from tension.read._write import open_writer

    n_art = n_men = 0
    with open_writer(args.output, columns=COLUMNS) as w:
        for art in articles_from_args(args):
            rows = [{k: m.to_dict()[k] for k in COLUMNS} for m in find_actors(art)]
            if rows:
                w.write(rows)
            n_art += 1
            n_men += len(rows)
    print(f"{n_men} mentions in {n_art} articles -> {args.output}")
    return 0
