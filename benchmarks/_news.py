"""Documents of real news for the benchmarks: the shared labelled set, read at run time.

Real reporting names more actors per word than our synthetic sentences and does not repeat
itself, so it is the corpus the headline speed figures use. Each episode's articles are run
together and cut into documents of ``words`` words; to reach ``n`` documents the episodes are
cut again from another starting word (``pass_k * 211``), so every document is a distinct text
(no cache keyed by text is hit) while the words stay real. Nothing is written into the
project: the text stays in ../shared.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

NEWS = Path(__file__).resolve().parents[2] / "shared" / "data" / "news" / "train.jsonl"


def news_documents(n: int, words: int = 600) -> list[dict[str, str]]:
    """``n`` distinct documents of ``words`` words (``id``, ``date``, ``title``, ``text``)."""
    if not NEWS.is_file():
        sys.exit(f"the news corpus needs {NEWS} (the shared data set), which is absent")
    episodes: dict[str, list[dict[str, str]]] = {}
    with NEWS.open(encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            episodes.setdefault(str(rec.get("episode")), []).append(rec)
    pools = []
    for recs in episodes.values():
        tokens = " ".join(r["text"] for r in recs).split(" ")
        date = next((r["date"] for r in recs if r.get("date")), "2024-06-01")
        title = next((r["title"] for r in recs if r.get("title")), "")
        pools.append((tokens, date, title))
    docs: list[dict[str, str]] = []
    for k in range(1000):
        before = len(docs)
        for tokens, date, title in pools:
            if len(tokens) < words // 2:
                continue
            start = (k * 211) % len(tokens)
            # cycle through the episode's words once from `start` (long episodes give several)
            ring = tokens[start:] + tokens[:start]
            for off in range(0, len(ring) - words // 2, words):
                docs.append({"id": f"news-{len(docs):07d}", "date": date, "title": title,
                             "text": " ".join(ring[off:off + words])})
                if len(docs) >= n:
                    return docs
        if len(docs) == before:
            break
    return docs
