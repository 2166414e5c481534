"""Experiment configs (``experiments/configs/*.json``): read, validate, resolve paths.

A config is a JSON object (YAML also accepted, ``.yaml``/``.yml``). Unknown keys are an error
at every level, so a typo never silently falls back to a default. Relative data paths are
resolved against the working directory, as the commands in the README are run from the
project folder.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tension._types import TensionError
from tension.model._model import ModelParams

__all__ = ["ExperimentConfig", "ConfigError", "load_config", "TuneSpace"]

DEFAULT_EXPERIMENT = "tension-escalation"


class ConfigError(TensionError, ValueError):
    """A config file that does not validate; the message names the file and the key."""


@dataclass(frozen=True)
class TuneSpace:
    """Hyperparameter search: ``grid`` (every combination) or ``random`` (``n_iter`` draws)."""

    search: str = "grid"
    n_iter: int = 10
    seed: int = 0
    space: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExperimentConfig:
    train: tuple[str, ...]
    heldout: str | None = None
    params: ModelParams = field(default_factory=ModelParams)
    experiment: str = DEFAULT_EXPERIMENT
    run_name: str | None = None
    cv_splits: int = 5
    register: bool = True
    output_dir: str | None = None  # where train.py writes the joblib, card, mlflow dir
    version: str | None = None
    tune: TuneSpace | None = None
    source: str | None = None  # the config file it came from
    raw: dict[str, Any] = field(default_factory=dict)  # as read, for logging

    def with_overrides(self, **changes: Any) -> ExperimentConfig:
        from dataclasses import replace

        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def with_params(self, assignments: Iterable[str]) -> ExperimentConfig:
        """The config with model parameters set from ``KEY=VALUE`` strings (``--param``); a
        VALUE is read as JSON (``false``, ``0.2``, ``[1, 2]``), else kept as a string."""
        from dataclasses import replace

        over: dict[str, Any] = {}
        for kv in assignments:
            key, _, value = kv.partition("=")
            try:
                over[key] = json.loads(value)
            except json.JSONDecodeError:
                over[key] = value
        if not over:
            return self
        return replace(self, params=self.params.from_dict(self.params.to_dict() | over))


_TOP = {
    "train",
    "heldout",
    "params",
    "experiment",
    "run_name",
    "cv_splits",
    "register",
    "output_dir",
    "version",
    "tune",
    "description",
}
_TUNE = {"search", "n_iter", "seed", "space"}


def _fail(where: str, msg: str) -> ConfigError:
    return ConfigError(f"{where}: {msg}")


def _read(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml  # mlflow depends on pyyaml; declared in pyproject for this use

        return yaml.safe_load(text)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(f"{path}:{exc.lineno}", f"malformed JSON: {exc.msg}") from exc


def load_config(path: str | os.PathLike[str]) -> ExperimentConfig:
    """Read and validate one experiment config file."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{p}: no such config file")
    raw = _read(p)
    return parse_config(raw, where=str(p))


def parse_config(raw: Any, *, where: str = "<config>") -> ExperimentConfig:
    """Validate a config mapping (as read from a file) into an :class:`ExperimentConfig`."""
    if not isinstance(raw, dict):
        raise _fail(where, "a config must be an object (mapping)")
    unknown = set(raw) - _TOP
    if unknown:
        allowed = ", ".join(sorted(_TOP))
        raise _fail(where, f"unknown key(s) {', '.join(sorted(unknown))}; allowed: {allowed}")
    train = raw.get("train")
    if isinstance(train, str):
        train = [train]
    if not train or not all(isinstance(t, str) and t for t in train):
        raise _fail(f"{where}: train", "a non-empty list of labelled JSONL paths is required")
    heldout = raw.get("heldout")
    if heldout is not None and not isinstance(heldout, str):
        raise _fail(f"{where}: heldout", "must be a path or null")
    params_raw = raw.get("params", {})
    if not isinstance(params_raw, dict):
        raise _fail(f"{where}: params", "must be an object")
    try:
        params = ModelParams.from_dict(params_raw)
    except Exception as exc:  # ModelError (unknown key) or TypeError
        raise _fail(f"{where}: params", str(exc)) from exc
    cv = raw.get("cv_splits", 5)
    if not isinstance(cv, int) or isinstance(cv, bool) or cv < 2:
        raise _fail(f"{where}: cv_splits", f"must be an integer >= 2, got {cv!r}")
    for key in ("register",):
        if key in raw and not isinstance(raw[key], bool):
            raise _fail(f"{where}: {key}", f"must be true or false, got {raw[key]!r}")
    for key in ("experiment", "run_name", "output_dir", "version", "description"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise _fail(f"{where}: {key}", f"must be a string, got {raw[key]!r}")
    tune = _parse_tune(raw["tune"], f"{where}: tune") if raw.get("tune") is not None else None
    return ExperimentConfig(
        train=tuple(train),
        heldout=heldout,
        params=params,
        experiment=raw.get("experiment") or DEFAULT_EXPERIMENT,
        run_name=raw.get("run_name"),
        cv_splits=cv,
        register=raw.get("register", True),
        output_dir=raw.get("output_dir"),
        version=raw.get("version"),
        tune=tune,
        source=None if where == "<config>" else where,
        raw=dict(raw),
    )


def _parse_tune(raw: Any, where: str) -> TuneSpace:
    if not isinstance(raw, dict):
        raise _fail(where, "must be an object")
    unknown = set(raw) - _TUNE
    if unknown:
        raise _fail(where, f"unknown key(s) {', '.join(sorted(unknown))}")
    search = raw.get("search", "grid")
    if search not in ("grid", "random"):
        raise _fail(f"{where}.search", f"must be 'grid' or 'random', got {search!r}")
    space = raw.get("space", {})
    if not isinstance(space, dict) or not space:
        raise _fail(f"{where}.space", "a non-empty object of parameter -> list of values")
    known = set(ModelParams.__dataclass_fields__)
    bad = set(space) - known
    if bad:
        raise _fail(f"{where}.space", f"unknown model parameter(s) {', '.join(sorted(bad))}")
    for k, v in space.items():
        if not isinstance(v, list) or not v:
            raise _fail(f"{where}.space.{k}", "must be a non-empty list of values")
    n_iter = raw.get("n_iter", 10)
    seed = raw.get("seed", 0)
    if not isinstance(n_iter, int) or n_iter < 1:
        raise _fail(f"{where}.n_iter", f"must be a positive integer, got {n_iter!r}")
    if not isinstance(seed, int):
        raise _fail(f"{where}.seed", f"must be an integer, got {seed!r}")
    return TuneSpace(search=search, n_iter=n_iter, seed=seed, space=dict(space))


def candidates(base: ModelParams, tune: TuneSpace) -> list[ModelParams]:
    """The parameter sets a search tries: every grid point, or ``n_iter`` distinct random ones."""
    import itertools
    import random

    keys = sorted(tune.space)
    grid = [dict(zip(keys, combo, strict=True)) for combo in itertools.product(
        *(tune.space[k] for k in keys)
    )]
    if tune.search == "random" and tune.n_iter < len(grid):
        grid = random.Random(tune.seed).sample(grid, tune.n_iter)
    base_d = base.to_dict()
    out = []
    for g in grid:
        try:
            out.append(ModelParams.from_dict(base_d | g))
        except TypeError as exc:
            raise ConfigError(f"tune.space: {exc}") from exc
    return out
