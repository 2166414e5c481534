"""``tension.spark``, kept as the public path of :mod:`tension.batch.spark` (scoring and the
index on a Spark cluster, with the same functions as local scoring)."""

from tension.batch.spark import INDEX_SCHEMA, REJECTED, SCORE_SCHEMA, index, score, score_paths

__all__ = ["score", "index", "score_paths", "SCORE_SCHEMA", "INDEX_SCHEMA", "REJECTED"]
