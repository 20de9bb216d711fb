"""Pictures of a PoC (matplotlib, PNG): forecast against actuals with intervals, error over
the horizon, feature importance, confusion matrix, sensor readings with warnings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from datensorgfalt.i18n import t


def _plt():  # noqa: ANN202 - pyplot module
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: object, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _plt().close(fig)
    return path


def forecast_plot(history: pd.DataFrame, backtest: pd.DataFrame, future: pd.DataFrame,
                  path: Path, series: str | None = None) -> Path:
    plt = _plt()
    uid = series or history.groupby("unique_id")["y"].sum().idxmax()
    fig, ax = plt.subplots(figsize=(9, 4))
    h = history[history["unique_id"] == uid]
    ax.plot(h["ds"], h["y"], color="black", label=t("poc.plot.actual"))
    for frame, colour, label in ((backtest, "tab:orange", t("poc.plot.backtest")),
                                 (future, "tab:blue", t("poc.plot.forecast"))):
        if frame is None or frame.empty:
            continue
        part = frame[frame["unique_id"] == uid]
        ax.plot(part["ds"], part["yhat"], color=colour, label=label)
        if "yhat_lo_80" in part and part["yhat_lo_80"].notna().any():
            ax.fill_between(part["ds"], part["yhat_lo_80"], part["yhat_hi_80"], color=colour,
                            alpha=0.2, label=t("poc.plot.interval"))
    ax.set_title(t("poc.plot.forecast_title", series=uid))
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def error_by_step_plot(model: list[float], baseline: list[float], names: tuple[str, str],
                       path: Path) -> Path:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    steps = np.arange(1, len(model) + 1)
    ax.plot(steps, baseline, marker="o", color="grey", label=names[1])
    ax.plot(steps, model, marker="o", color="tab:blue", label=names[0])
    ax.set_xlabel(t("poc.plot.step"))
    ax.set_ylabel(t("poc.plot.mae"))
    ax.set_title(t("poc.plot.error_title"))
    ax.legend(fontsize=8)
    return _save(fig, path)


def importance_plot(importance: dict[str, float], path: Path, top: int = 15) -> Path:
    plt = _plt()
    items = list(importance.items())[:top][::-1]
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(items) + 1.2))
    ax.barh([k for k, _ in items], [v for _, v in items], color="tab:blue")
    ax.set_title(t("poc.plot.importance_title"))
    return _save(fig, path)


def confusion_plot(truth: np.ndarray, pred: np.ndarray, classes: list, path: Path) -> Path:
    plt = _plt()
    index = {c: i for i, c in enumerate(classes)}
    matrix = np.zeros((len(classes), len(classes)), int)
    for a, b in zip(truth, pred, strict=True):
        if a in index and b in index:
            matrix[index[a], index[b]] += 1
    size = 1.2 + 0.6 * len(classes)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(classes)), [str(c) for c in classes], rotation=45, ha="right")
    ax.set_yticks(range(len(classes)), [str(c) for c in classes])
    for i in range(len(classes)):
        for j in range(len(classes)):
            ax.text(j, i, matrix[i, j], ha="center", va="center",
                    color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_xlabel(t("poc.plot.predicted"))
    ax.set_ylabel(t("poc.plot.true"))
    ax.set_title(t("poc.plot.confusion_title"))
    return _save(fig, path)


def anomaly_plot(times: pd.Series, values: pd.DataFrame, alarm: np.ndarray,
                 events: list, path: Path) -> Path:
    plt = _plt()
    channels = list(values.columns)[:3]
    fig, axes = plt.subplots(len(channels), 1, figsize=(10, 2.2 * len(channels)), sharex=True,
                             squeeze=False)
    for ax, name in zip(axes[:, 0], channels, strict=True):
        ax.plot(times, values[name], lw=0.5, color="black")
        ax.scatter(times[alarm], values[name][alarm], s=4, color="tab:orange",
                   label=t("poc.plot.alarm"))
        for event in events:
            ax.axvline(event, color="red", lw=1)
        ax.set_ylabel(name, fontsize=8)
    axes[0, 0].set_title(t("poc.plot.anomaly_title"))
    axes[0, 0].legend(loc="upper left", fontsize=8)
    return _save(fig, path)


def draw(outcome: object, folder: Path) -> list[Path]:
    """Every picture that fits the PoC's kind; a picture that fails is left out."""
    plots, made = outcome.plots, []
    jobs = []
    if outcome.kind == "forecast" and "history" in plots:
        jobs.append(lambda: forecast_plot(plots["history"], plots["backtest"], plots["future"],
                                          folder / "prognose.png"))
        if outcome.model is not None:
            jobs.append(lambda: error_by_step_plot(
                outcome.model.details.get("error_by_step", []),
                outcome.baseline.details.get("error_by_step", []),
                (outcome.model.name, outcome.baseline.name), folder / "fehler_je_schritt.png"))
    if plots.get("importance"):
        jobs.append(lambda: importance_plot(plots["importance"], folder / "merkmale.png"))
    if "y_test" in plots and plots.get("classes") and outcome.kind in ("classify", "text", "image"):
        jobs.append(lambda: confusion_plot(plots["y_test"], plots["pred"], plots["classes"],
                                           folder / "konfusionsmatrix.png"))
    if outcome.kind == "anomaly" and "times" in plots:
        jobs.append(lambda: anomaly_plot(plots["times"], plots["values"], plots["alarm"],
                                         plots["events"], folder / "warnungen.png"))
    for job in jobs:
        try:
            made.append(job())
        except Exception:  # noqa: BLE001 - a missing picture must not cost the PoC
            continue
    return made
