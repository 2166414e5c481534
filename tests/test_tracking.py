"""Experiment configs, tracking URI resolution, the champion rule on a real sqlite registry,
the Markdown model card and the evaluation plots."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tension.lifecycle._config import ConfigError, candidates, load_config, parse_config
from tension.model._model import ModelParams

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["shipped.json", "seeds.json", "tune.json"])
def test_shipped_configs_validate(name: str) -> None:
    cfg = load_config(ROOT / "experiments" / "configs" / name)
    assert cfg.train and cfg.source and cfg.raw


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ({"train": ["a.jsonl"], "trian": 1}, "unknown key(s) trian"),
        ({"train": ["a.jsonl"], "params": {"C": 1, "gamma": 2}}, "gamma"),
        ({"train": []}, "train"),
        ({"train": "a.jsonl", "cv_splits": 1}, "cv_splits"),
        ({"train": "a.jsonl", "register": "yes"}, "register"),
        ({"train": "a.jsonl", "tune": {"space": {"C": [1]}, "grid": 1}}, "unknown key(s) grid"),
        ({"train": "a.jsonl", "tune": {"space": {"depth": [1]}}}, "depth"),
        ({"train": "a.jsonl", "tune": {"search": "bayes", "space": {"C": [1]}}}, "search"),
        ({"train": "a.jsonl", "tune": {"space": {"C": 1}}}, "space.C"),
        ([1, 2], "object"),
    ],
)
def test_bad_configs_are_errors(raw: object, needle: str) -> None:
    with pytest.raises(ConfigError, match=None) as info:
        parse_config(raw, where="cfg.json")
    assert needle in str(info.value) and "cfg.json" in str(info.value)


def test_malformed_json_names_file_and_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{\n  "train": ["x"],\n  oops\n}\n')
    with pytest.raises(ConfigError, match=r"bad.json:3"):
        load_config(p)


def test_yaml_config(tmp_path: Path) -> None:
    p = tmp_path / "c.yaml"
    p.write_text("train: [a.jsonl]\nparams:\n  C: 2.0\n")
    assert load_config(p).params.C == 2.0


@pytest.mark.parametrize(("search", "n_iter", "expect"), [("grid", 3, 6), ("random", 4, 4),
                                                          ("random", 50, 6)])
def test_candidates(search: str, n_iter: int, expect: int) -> None:
    cfg = parse_config({"train": "a", "params": {"text_min_df": 1},
                        "tune": {"search": search, "n_iter": n_iter,
                                 "space": {"C": [0.1, 1.0, 10.0], "text_weight": [0.0, 1.0]}}})
    assert cfg.tune is not None
    got = candidates(cfg.params, cfg.tune)
    assert len(got) == expect == len(set(got))
    assert all(isinstance(p, ModelParams) and p.text_min_df == 1 for p in got)


def test_tracking_uri_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tension.lifecycle._tracking import resolve_tracking_uri

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert resolve_tracking_uri() == f"sqlite:///{tmp_path.resolve() / 'mlflow.db'}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:5999")
    assert resolve_tracking_uri() == "http://127.0.0.1:5999"
    assert resolve_tracking_uri("sqlite:///x.db") == "sqlite:///x.db"


def test_git_info_names_this_checkout() -> None:
    from tension.lifecycle._tracking import git_info

    info = git_info(ROOT)
    if not info:
        pytest.skip("not a git checkout")
    assert len(info["git_commit"]) == 40 and info["git_dirty"] in ("True", "False")


# --------------------------------------------------------------------------- champion rule

# (champion's held-out kappa/ECE or None for no champion, new run's, promoted?, words in why)
RULE = [
    (None, {"heldout_qwk": 0.5, "heldout_ece": 0.1}, True, "no champion"),
    (None, {}, True, "no champion"),
    ({"heldout_qwk": 0.6, "heldout_ece": 0.1}, {"heldout_qwk": 0.7, "heldout_ece": 0.1}, True,
     "0.7000 > champion"),
    ({"heldout_qwk": 0.6, "heldout_ece": 0.1}, {"heldout_qwk": 0.7, "heldout_ece": 0.2}, False,
     "ECE 0.2000 is worse"),
    ({"heldout_qwk": 0.6, "heldout_ece": 0.1}, {"heldout_qwk": 0.6, "heldout_ece": 0.05}, False,
     "not higher"),
    ({"heldout_qwk": 0.6, "heldout_ece": 0.1}, {"cv_qwk": 0.9}, False, "no held-out metrics"),
    ({"cv_qwk": 0.9}, {"heldout_qwk": 0.1, "heldout_ece": 0.5}, True,
     "champion v1 has no held-out"),
]


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from mlflow import MlflowClient

    d = tmp_path_factory.mktemp("registry")
    client = MlflowClient(tracking_uri=f"sqlite:///{d / 'mlflow.db'}")
    exp = client.create_experiment("rule", artifact_location=(d / "art").as_uri())
    return client, exp


@pytest.mark.slow
@pytest.mark.parametrize(("champ", "new", "promoted", "why"), RULE)
def test_champion_rule(registry, champ, new, promoted, why) -> None:  # type: ignore[no-untyped-def]
    from tension.lifecycle._tracking import CHAMPION, promote_if_better

    client, exp = registry
    name = f"m{RULE.index((champ, new, promoted, why))}"
    client.create_registered_model(name)

    def version(metrics: dict[str, float]):  # type: ignore[no-untyped-def]
        run = client.create_run(exp)
        for k, v in metrics.items():
            client.log_metric(run.info.run_id, k, v)
        client.set_terminated(run.info.run_id)
        return client.create_model_version(name, source="file:///nowhere", run_id=run.info.run_id)

    if champ is not None:
        first = version(champ)
        client.set_registered_model_alias(name, CHAMPION, first.version)
    mv = version(new)
    got, reason = promote_if_better(client, mv, new, name=name)
    assert got is promoted and why in reason
    alias = client.get_model_version_by_alias(name, CHAMPION).version
    assert str(alias) == str(mv.version if promoted else 1)
    tags = client.get_model_version(name, mv.version).tags
    assert tags["champion_reason"] == reason
    assert tags["champion_decision"] == ("promoted" if promoted else "not_promoted")


# --------------------------------------------------------------------------- card and plots


def test_model_card_markdown_from_shipped_card() -> None:
    from tension.lifecycle._tracking import model_card_markdown

    card = json.loads((ROOT / "models" / "tension-escalation.card.json").read_text())
    card["metrics"] = {"cv": {"qwk": 0.61, "ece": 0.07, "n": 10.0}}
    card["baselines"] = {"cv": [{"qwk": 0.1, "model": "majority", "ece": 0.3}]}
    md = model_card_markdown(card)
    assert card["sha256"] in md
    for fp in card["training_data"]:
        assert fp["path"] in md and fp["sha256"][:16] in md
    assert "| cv | 0.610 | 0.070 | 10.000 |" in md
    assert "| model | qwk | ece |" in md and "| majority | 0.100 | 0.300 |" in md


def test_model_card_without_metrics_says_how_to_get_them() -> None:
    from tension.lifecycle._tracking import model_card_markdown

    md = model_card_markdown({"name": "tension-escalation", "version": "x"})
    assert "experiments/train.py" in md


def test_plots_write_png(tmp_path: Path) -> None:
    from tension.batch._plot import plot_confusion, plot_reliability

    cm = np.array([[3, 1, 0, 0, 0], [0, 2, 1, 0, 0], [0, 0, 4, 0, 0], [0, 0, 1, 5, 0],
                   [0, 0, 0, 1, 2]])
    rel = pd.DataFrame({"bin": [0, 1], "confidence": [0.35, 0.8], "accuracy": [0.3, 0.9],
                        "count": [4, 10]})
    for path in (plot_confusion(cm, tmp_path / "cm.png"),
                 plot_reliability(rel, tmp_path / "rel.png", ece=0.05)):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(Exception, match="square"):
        plot_confusion(np.zeros((2, 3)), tmp_path / "bad.png")
    with pytest.raises(Exception, match="count"):
        plot_reliability(rel.drop(columns="count"), tmp_path / "bad.png")
