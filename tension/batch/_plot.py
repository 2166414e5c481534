"""Plot the tension index: one panel per dyad on a shared time axis (matplotlib, Agg)."""

from __future__ import annotations

import logging
import os
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from tension._types import IngestError, TensionError

__all__ = ["plot_index", "read_index", "plot_confusion", "plot_reliability"]

log = logging.getLogger(__name__)

MAX_NOTES = 4  # annotated events per panel
NOTE_MIN_SCORE = 50.0  # annotate periods whose top article reached level 2 (verbal hostility)
_NEEDED = ("dyad", "period", "index", "lower", "upper")


def read_index(index: pd.DataFrame | str | os.PathLike[str]) -> pd.DataFrame:
    """An index table from a DataFrame or a file written by ``tension index``."""
    if isinstance(index, pd.DataFrame):
        df, src = index, "<DataFrame>"
    else:
        path = Path(index)
        src = str(path)
        if not path.is_file():
            raise IngestError("no such index file", path=src)
        name = path.name.lower()
        if name.endswith((".parquet", ".pq")):
            df = pd.read_parquet(path)
        elif name.endswith(".csv"):
            df = pd.read_csv(path, dtype={"dyad": str, "period": str, "top_events": str})
        elif name.endswith((".jsonl", ".ndjson", ".json", ".jsonl.gz", ".ndjson.gz")):
            df = pd.read_json(path, lines=True, dtype={"dyad": str, "period": str})
        else:
            raise IngestError("unknown index format (use .jsonl, .csv or .parquet)", path=src)
    missing = [c for c in _NEEDED if c not in df.columns]
    if missing:
        raise IngestError(
            f"not an index table: lacks {', '.join(missing)} (write one with `tension index`)",
            path=src,
            field=missing[0],
        )
    return df


def _short_event(text: object, width: int = 26) -> str:
    """First event of a ``top_events`` cell, as a two-line label: 'strike IRN->PAK'."""
    if not isinstance(text, str) or not text.strip():
        return ""
    head = text.split(" | ")[0].split(":")[0].strip()
    return "\n".join(textwrap.wrap(head, width)[:2])


def _pick_notes(panel: pd.DataFrame, x: pd.Series, min_gap: pd.Timedelta) -> list[int]:
    """Rows to annotate: alerts first, then the highest max scores, spaced ``min_gap`` apart."""
    has_text = panel.get("top_events", pd.Series("", index=panel.index)).fillna("").astype(str)
    alert_all = (
        panel["alert"].fillna(False).astype(bool)
        if "alert" in panel
        else pd.Series(False, index=panel.index)
    )
    strength_all = panel["max_score"] if "max_score" in panel else panel["index"]
    strength_all = strength_all.fillna(0)
    # only what an analyst would want pointed out: alerts and hostile (level 2+) periods
    cand = panel[(has_text.str.len() > 0) & (alert_all | (strength_all >= NOTE_MIN_SCORE))]
    if cand.empty:
        return []
    alert, strength = alert_all[cand.index], strength_all[cand.index]
    order = (
        pd.DataFrame({"alert": alert, "s": strength}, index=cand.index)
        .sort_values(["alert", "s"], ascending=False)
        .index
    )
    chosen: list[int] = []
    for i in order:
        if all(abs(x[i] - x[j]) >= min_gap for j in chosen):
            chosen.append(i)
        if len(chosen) >= MAX_NOTES:
            break
    return sorted(chosen, key=lambda i: x[i])


def plot_index(
    index: pd.DataFrame | str | os.PathLike[str],
    dyads: Sequence[str],
    output: str | os.PathLike[str],
    title: str | None = None,
) -> Path:
    """Draw the index of ``dyads`` (band, alerts, top events) to ``output`` (.png/.svg/.pdf)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    df = read_index(index)
    wanted = [d.strip().upper() for d in dyads]
    if not wanted:
        raise TensionError("name at least one dyad to plot, e.g. --dyad IRN-PAK")
    have = sorted(set(df["dyad"].dropna().astype(str)))
    missing = [d for d in wanted if d not in have]
    if missing:
        shown = ", ".join(have[:20]) + (" ..." if len(have) > 20 else "")
        raise TensionError(
            f"dyad(s) {', '.join(missing)} not in the index; it has {len(have)}: {shown or 'none'}"
        )
    out = Path(output)
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "pdf"):
        raise TensionError(f"{out}: plot format must be .png, .svg or .pdf")

    colours = [f"C{i}" for i in range(10)]  # the default tab10 cycle
    n = len(wanted)
    fig, axes = plt.subplots(n, 1, sharex=True, figsize=(11, 1.0 + 2.9 * n), squeeze=False)
    x_all = pd.to_datetime(df.loc[df["dyad"].isin(wanted), "period"])
    span = (x_all.max() - x_all.min()) if len(x_all) else pd.Timedelta(days=1)
    min_gap = max(span / 7, pd.Timedelta(days=1))
    handles: list[Artist] = []
    for k, (ax, dyad) in enumerate(zip(axes[:, 0], wanted, strict=True)):
        colour = colours[k % len(colours)]
        panel = df[df["dyad"] == dyad].sort_values("period").reset_index(drop=True)
        x = pd.to_datetime(panel["period"])
        ax.fill_between(x, panel["lower"], panel["upper"], color=colour, alpha=0.18, lw=0,
                        step=None)
        ax.plot(x, panel["index"], color=colour, lw=2.0)
        if "mean_score" in panel:
            stories = panel.get("n_stories", pd.Series(1, index=panel.index)).fillna(0)
            ax.scatter(x, panel["mean_score"], s=8 + 6 * np.sqrt(stories), color=colour,
                       alpha=0.35, lw=0)
        if "alert" in panel:
            al = panel["alert"].fillna(False).astype(bool)
            z = panel.get("z", pd.Series(1.0, index=panel.index)).fillna(0)
            for mask, marker in ((al & (z > 0), "^"), (al & (z <= 0), "v")):
                if mask.any():
                    ax.scatter(x[mask], panel.loc[mask, "index"], marker=marker, s=70,
                               color="#c0392b", edgecolor="white", zorder=5)
        for level in (25, 50, 75):
            ax.axhline(level, color="#999999", lw=0.5, ls=":", zorder=0)
        for j, i in enumerate(_pick_notes(panel, x, min_gap)):
            label = f"{x[i]:%d %b}: {_short_event(panel.loc[i, 'top_events'])}"
            y = float(panel.loc[i, "index"])
            ytext = 92 - 17 * (j % 2) if y < 55 else 22 - 15 * (j % 2)
            ax.annotate(label, xy=(x[i], y), xytext=(x[i], ytext), fontsize=7.5, ha="center",
                        va="center", color="#222222",
                        bbox={"boxstyle": "round,pad=0.25", "fc": "white", "ec": colour,
                              "alpha": 0.9},
                        arrowprops={"arrowstyle": "-", "color": colour, "lw": 0.8})
        ax.set_ylim(0, 100)
        ax.set_ylabel("index (0-100)")
        ax.set_title(dyad, loc="left", fontsize=10, fontweight="bold", color=colour)
        ax.grid(axis="x", color="#eeeeee")
        handles.append(Line2D([], [], color=colour, lw=2, label=dyad))
    handles += [
        Patch(color="#888888", alpha=0.3, label="95% band"),
        Line2D([], [], marker="^", ls="", color="#c0392b", label="alert"),
        Line2D([], [], marker="o", ls="", color="#888888", alpha=0.5, label="period mean"),
    ]
    last_ax = axes[-1, 0]
    loc = mdates.AutoDateLocator()
    last_ax.xaxis.set_major_locator(loc)
    last_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    fig.legend(handles=handles, loc="upper right", ncol=min(len(handles), 6), fontsize=8,
               frameon=False)
    fig.suptitle(title or "Dyad tension index", x=0.01, ha="left", fontsize=12)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, dpi=110)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(fig)
    log.info("plot: %d dyads -> %s", n, out)
    return out


# --------------------------------------------------------------------------- model evaluation


def _save_fig(fig: object, out: Path) -> Path:
    import matplotlib.pyplot as plt

    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=out.suffix, dir=out.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=out.suffix.lstrip(".") or "png", dpi=110)  # type: ignore[attr-defined]
        os.replace(tmp, out)
    finally:
        plt.close(fig)  # type: ignore[arg-type]
        if os.path.exists(tmp):
            os.unlink(tmp)
    return out


def plot_confusion(
    confusion: np.ndarray, out: str | os.PathLike[str], *, title: str = "Escalation level"
) -> Path:
    """Confusion matrix (rows gold level, columns predicted) as a heat map with counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm = np.asarray(confusion)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise TensionError(f"confusion matrix must be square, got shape {cm.shape}")
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    ax.imshow(cm, cmap="Blues")
    n = cm.shape[0]
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted level")
    ax.set_ylabel("gold level")
    ax.set_title(title)
    top = cm.max() if cm.size else 0
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(int(cm[i, j])), ha="center", va="center",
                    color="white" if top and cm[i, j] > top / 2 else "black", fontsize=9)
    fig.tight_layout()
    return _save_fig(fig, Path(out))


def plot_reliability(
    reliability: pd.DataFrame, out: str | os.PathLike[str], *, ece: float | None = None
) -> Path:
    """Reliability diagram: accuracy against mean confidence per bin (marker area ~ count)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    missing = {"confidence", "accuracy", "count"} - set(reliability.columns)
    if missing:
        raise TensionError(f"reliability table lacks column(s) {', '.join(sorted(missing))}")
    rel = reliability[reliability["count"] > 0]
    fig, ax = plt.subplots(figsize=(4.6, 4.0))
    ax.plot([0, 1], [0, 1], ls="--", color="grey", lw=1, label="perfect calibration")
    sizes = 20 + 200 * rel["count"] / max(1, int(rel["count"].max() if len(rel) else 1))
    ax.plot(rel["confidence"], rel["accuracy"], color="tab:blue", lw=1)
    ax.scatter(rel["confidence"], rel["accuracy"], s=sizes, color="tab:blue", label="model")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("confidence (max p)")
    ax.set_ylabel("accuracy")
    ax.set_title("Reliability" + (f" (ECE {ece:.3f})" if ece is not None else ""))
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return _save_fig(fig, Path(out))
