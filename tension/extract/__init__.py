"""Extract: articles in, actor mentions and events (signals) out.

The gazetteer and actor roles (``_actors``), the taxonomy and cue data (``_taxonomy``), the
rule engine (``_signals``), its learned re-scorer (``_sentclf``) and the sentence quad class
(``_quad``). Imports ``tension.read`` and nothing above it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tension._lazy import attach

_EXPORTS: dict[str, str] = {
    "find_actors": "_actors",
    "gazetteer": "_actors",
    "extract_signals": "_signals",
    "article_signals": "_signals",
    "text_quad_class": "_signals",
    "SIGNALS": "_taxonomy",
    "SignalSpec": "_taxonomy",
    "load_taxonomy": "_taxonomy",
    "load_cues": "_taxonomy",
    "quad_class": "_quad",
    "sentence_quads": "_quad",
    "load_quad_model": "_quad",
    "load_rescorer": "_sentclf",
    "rescore": "_sentclf",
}
__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tension.extract._actors import find_actors, gazetteer
    from tension.extract._quad import load_quad_model, quad_class, sentence_quads
    from tension.extract._sentclf import load_rescorer, rescore
    from tension.extract._signals import article_signals, extract_signals, text_quad_class
    from tension.extract._taxonomy import SIGNALS, SignalSpec, load_cues, load_taxonomy
