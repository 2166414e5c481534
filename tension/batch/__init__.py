"""Batch: score rows in and out at scale; the dyad tension index, its plot and the report.

Streaming, resumable batch scoring (``_batch``), Spark (``spark``, the same functions in
``mapInPandas``), the index (``_index``), plots (``_plot``) and the HTML report (``_report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tension._lazy import attach

_EXPORTS: dict[str, str] = {
    "score_stream": "_batch",
    "input_fingerprint": "_batch",
    "BatchResult": "_batch",
    "tension_index": "_index",
    "INDEX_COLUMNS": "_index",
    "plot_index": "_plot",
    "read_index": "_plot",
    "build_report": "_report",
}
__getattr__, __dir__, __all__ = attach(__name__, _EXPORTS)

if TYPE_CHECKING:  # pragma: no cover
    from tension.batch._batch import BatchResult, input_fingerprint, score_stream
    from tension.batch._index import INDEX_COLUMNS, tension_index
    from tension.batch._plot import plot_index, read_index
    from tension.batch._report import build_report
