"""Options every command that reads articles or writes a table shares."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tension._types import Article

__all__ = ["add_input_options", "add_output_option", "articles_from_args", "default_rejects_path"]


def add_input_options(parser: argparse.ArgumentParser, *, inputs_required: bool = True) -> None:
    """Positional INPUT... plus column mapping, error policy, duplicates and clustering.

    ``inputs_required=False`` for commands that can also take one ``--text``."""
    parser.add_argument(
        "inputs", nargs="+" if inputs_required else "*", metavar="INPUT",
        help="article files (.jsonl[.gz], .json, .csv, .parquet, .txt, .md), directories, "
        "or - for JSON lines on stdin",
    )
    g = parser.add_argument_group("input")
    g.add_argument("--id-col", default="id", help="column holding the article id (default: id)")
    g.add_argument("--text-col", default="text", help="column holding the text (default: text)")
    g.add_argument("--date-col", default="date", help="column holding the date (default: date)")
    g.add_argument("--title-col", default="title", help="column holding the title (default: title)")
    g.add_argument(
        "--on-error", choices=("fail", "skip"), default="fail",
        help="fail: stop at the first bad record (default); skip: go on and record rejects",
    )
    g.add_argument(
        "--rejects", metavar="PATH", default=None,
        help="JSONL file for skipped records and why (default with --on-error skip: "
        "OUTPUT.rejects.jsonl beside the output)",
    )
    g.add_argument("--keep-duplicates", action="store_true",
                   help="keep the first record of a repeated id instead of stopping")
    g.add_argument("--clusters", action="store_true",
                   help="flag near-duplicate wire copies with a shared cluster id")
    g.add_argument("--max-mb", type=float, default=10.0,
                   help="largest single article accepted, in MB of text (default: 10)")


def add_output_option(parser: argparse.ArgumentParser, *, required: bool = True,
                      default: str | None = None) -> None:
    """-o/--output; the format follows the extension (.jsonl, .jsonl.gz, .csv, .parquet, -)."""
    parser.add_argument(
        "-o", "--output", required=required and default is None, default=default,
        metavar="OUTPUT",
        help="output file: .jsonl, .jsonl.gz, .csv or .parquet (by extension); - for stdout",
    )


def default_rejects_path(output: str | None) -> str | None:
    """``out.csv`` -> ``out.rejects.jsonl`` (None for stdout or no output)."""
    if not output or output == "-":
        return None
    for suf in (".jsonl.gz", ".jsonl", ".csv", ".parquet", ".json", ".pq"):
        if output.lower().endswith(suf):
            return output[: -len(suf)] + ".rejects.jsonl"
    return output + ".rejects.jsonl"


def articles_from_args(
    args: argparse.Namespace, *, rejects: Any = None
) -> Iterator[Article]:
    """Stream articles as the input options in ``args`` say.

    Rejects go to ``--rejects``, else (with ``--on-error skip``) beside ``--output``, else to the
    ``rejects`` list given here (when any).
    """
    from tension.read._io import read_articles

    target = args.rejects
    if target is None and args.on_error == "skip":
        target = default_rejects_path(getattr(args, "output", None))
    if target is None:
        target = rejects
    args.rejects_path = target if isinstance(target, str) else None
    return read_articles(
        args.inputs,
        id_col=args.id_col,
        text_col=args.text_col,
        date_col=args.date_col,
        title_col=args.title_col,
        on_error=args.on_error,
        rejects=target,
        duplicates="keep-first" if args.keep_duplicates else "error",
        clusters=args.clusters,
        max_bytes=int(args.max_mb * 1_000_000),
    )
