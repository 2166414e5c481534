"""Invariants shared by the fuzz harnesses (kept apart from tests/ so the harnesses run alone)."""

from __future__ import annotations

from tension._types import MODALITIES, QUAD_CLASSES, Article, Event, Mention


def check_article(art: Article) -> None:
    assert isinstance(art, Article) and art.id and art.text.strip()
    prev = (-1, -1)
    for c, r in art.anchors:
        assert 0 <= c <= len(art.text) and 0 <= r <= len(art.raw_text)
        assert c > prev[0] and r >= prev[1]
        prev = (c, r)


def check_layers(art: Article, mentions: list[Mention], events: list[Event]) -> None:
    raw_len = len(art.raw_text or art.text)
    for m in mentions:
        assert 0 <= m.clean_start < m.clean_end <= len(art.text), m
        assert 0 <= m.start <= m.end <= raw_len, m
    for e in events:
        assert e.modality in MODALITIES and e.quad_class in QUAD_CLASSES, e
        assert 0 <= e.start <= e.end <= raw_len, e
        assert 0.0 <= e.confidence <= 1.0, e
