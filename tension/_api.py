"""The public verbs whose model may be an mlflow URI.

They sit above both the model layer (files) and the lifecycle layer (mlflow stores), so that
neither has to import the other: ``tension.load_model`` dispatches, the layers stay acyclic.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from tension.model._model import TensionModel

__all__ = ["load_model", "score"]


def load_model(
    location: str | os.PathLike[str] | None = None, *, trusted: Iterable[str] = ()
) -> TensionModel:
    """Load a model: the shipped one (default), a folder or ``.joblib`` path with its card, or an
    mlflow URI (``models:/name@alias``, ``runs:/...``).

    Nothing is unpickled before the file's sha256 matches its card and the card's source is
    trusted (``"tension"`` or one listed in ``trusted``); a model built with other library
    versions or another feature set is refused with a message saying how to fix it.
    """
    from tension.model._model import is_registry_uri
    from tension.model._model import load_model as load_file

    if is_registry_uri(location):
        from tension.lifecycle._tracking import load_registered

        return load_registered(str(location), trusted=trusted)
    return load_file(location, trusted=trusted)


def score(
    articles: Any, model: TensionModel | str | os.PathLike[str] | None = None,
    **read_options: Any,
) -> pd.DataFrame:
    """Score articles: one row per (article, dyad) with the columns of ``SCORE_COLUMNS``.

    ``articles`` may be article text, a path, a DataFrame, dicts, :class:`Article` objects or
    a list of any of those; ``read_options`` go to :func:`tension.read_articles`. ``model``
    defaults to the shipped model (see :func:`tension.load_model`).
    """
    from tension.model._model import TensionModel

    if not isinstance(model, TensionModel):
        model = load_model(model)
    return model.score(articles, **read_options)
