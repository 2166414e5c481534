"""Optional learned re-scorer for candidate events (placeholder until a model is trained)."""

from __future__ import annotations

from tension._types import Article, Event

__all__ = ["rescore"]


def rescore(article: Article, events: list[Event]) -> list[Event]:
    return events
