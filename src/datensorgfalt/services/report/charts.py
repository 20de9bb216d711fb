"""Charts as inline SVG (matplotlib, offline): maturity, quality, data landscape, history,
forecasts and learning together."""

from __future__ import annotations

import io
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from datensorgfalt.i18n import t  # noqa: E402

GREEN, YELLOW, RED, BLUE, GREY = "#2e7d32", "#f9a825", "#c62828", "#1f4e79", "#9e9e9e"
BLACK = "#222222"
AGE_COLOURS = {"recent": GREEN, "year": YELLOW, "old": RED, "unknown": GREY}
STYLE = {"font.family": "DejaVu Sans", "font.size": 9, "svg.fonttype": "none",
         "axes.spines.top": False, "axes.spines.right": False, "svg.hashsalt": "datensorgfalt"}


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _score_colour(score: float) -> str:
    return GREEN if score >= 70 else YELLOW if score >= 45 else RED


def _height(n: int) -> float:
    return max(1.5, 0.26 * n + 0.7)


def _score_bars(ax: Any, labels: list[str], scores: list[float]) -> None:
    """Horizontal bars of 0-100 scores, coloured by grade, with the number beside each."""
    ax.barh(labels, scores, color=[_score_colour(s) for s in scores], height=0.6)
    for i, score in enumerate(scores):
        ax.text(score + 1, i, f"{score:.0f}", va="center")


def maturity(readiness: dict[str, Any]) -> str:
    dims = readiness["dimensions"][::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.0, _height(len(dims))))
        _score_bars(ax, [d["title"] for d in dims], [d["score"] for d in dims])
        for i, d in enumerate(dims):
            if d["evidence_score"] is not None:
                ax.plot([d["self_score"]], [i], marker="v", color=BLUE, markersize=7,
                        label=t("report.chart.self"))
        if any(d["evidence_score"] is not None for d in dims):
            ax.legend(loc="lower right", frameon=False, fontsize=8)
        ax.set_xlim(0, 100)
        ax.set_xlabel(t("report.chart.points"))
        return _svg(fig)


def quality(rows: list[dict[str, Any]]) -> str:
    rows = [r for r in rows if r["score"] is not None][:14][::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, _height(len(rows))))
        _score_bars(ax, [r["title"] for r in rows], [r["score"] for r in rows])
        ax.set_xlim(0, 100)
        ax.set_xlabel(t("report.chart.quality"))
        return _svg(fig)


def landscape(areas: list[dict[str, Any]]) -> str:
    """Datasets per area, stacked by age (recent, within a year, older, unknown)."""
    names = [a["name"] for a in areas][::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, _height(len(names))))
        left = [0] * len(names)
        for bucket, colour in AGE_COLOURS.items():
            counts = [sum(r["age"] == bucket for r in a["datasets"]) for a in areas][::-1]
            if not any(counts):
                continue
            ax.barh(names, counts, left=left, color=colour, height=0.6,
                    label=t(f"report.age.{bucket}"))
            left = [x + y for x, y in zip(left, counts, strict=True)]
        ax.set_xlabel(t("report.chart.datasets"))
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=4, frameon=False,
                  fontsize=8)
        return _svg(fig)


def history(series: list[dict[str, Any]], min_months: int = 24) -> str:
    series = series[:14][::-1]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, _height(len(series))))
        ax.barh([s["title"] for s in series], [s["months"] for s in series],
                color=[GREEN if s["months"] >= min_months else YELLOW for s in series],
                height=0.6)
        for i, s in enumerate(series):
            ax.text(s["months"] + 0.3, i, f"{s['months']:.0f}", va="center")
        ax.axvline(min_months, color=BLUE, linestyle="--", linewidth=1)
        ax.text(min_months, len(series) - 0.4, " " + t("report.chart.min_months", n=min_months),
                color=BLUE, fontsize=8, va="bottom")
        ax.set_xlabel(t("report.chart.months"))
        return _svg(fig)


def forecast(chart: dict[str, Any]) -> str:
    """The forecast against the actual periods: history, the test forecasts beside the
    actual values, and the forecast beyond the end of the data."""
    import pandas as pd

    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, 2.4))
        ax.plot(pd.to_datetime(chart["ds"]), chart["actual"], color="black", linewidth=1.2,
                label=t("report.poc.chart.actual"))
        if chart.get("backtest_ds"):
            ax.plot(pd.to_datetime(chart["backtest_ds"]), chart["backtest"], color=YELLOW,
                    linewidth=1.5, linestyle="--", label=t("report.poc.chart.backtest"))
        if chart.get("future_ds"):
            ax.plot(pd.to_datetime(chart["future_ds"]), chart["future"], color=BLUE,
                    linewidth=1.8, label=t("report.poc.chart.future"))
        ax.set_title(t("report.poc.chart.title"), fontsize=9)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False,
                  fontsize=8)
        return _svg(fig)


def federated(view: dict[str, Any]) -> str:
    """Per company two bars: its model alone (grey) and the joint model (blue); the pooled
    model, which no company could really train, as a dashed line for comparison only."""
    parties = [p for p in view["parties"] if p["alone"] is not None
               and p["together"] is not None][::-1]
    labels = [t("report.federated.party", name=p["name"], rows=p["rows_text"])
              for p in parties]
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(6.4, max(1.8, 0.62 * len(parties) + 1.0)))
        rows = range(len(parties))
        for offset, key, colour in ((0.19, "alone", GREY), (-0.19, "together", BLUE)):
            values = [float(p[key]) for p in parties]
            ax.barh([i + offset for i in rows], values, height=0.36, color=colour,
                    label=t(f"report.federated.chart.{key}"))
            for i, p in zip(rows, parties, strict=True):
                ax.text(float(p[key]), i + offset, " " + p[f"{key}_text"], va="center",
                        fontsize=8)
        _pooled_marks(ax, view, parties)
        ax.set_yticks(list(rows), labels)
        ax.set_xlim(0, max([float(p[k]) for p in parties for k in ("alone", "together")]
                           + [float(p["pooled"]) for p in parties if p["pooled"] is not None]
                           or [1.0]) * 1.18)
        ax.set_xlabel(view["measure_label"])
        handles, names = ax.get_legend_handles_labels()
        order = sorted(range(len(names)), key=lambda i: LEGEND_ORDER.index(
            next(k for k in LEGEND_ORDER if names[i] == t(f"report.federated.chart.{k}"))))
        # two columns filled downwards: "allein | gemeinsam" in the first row, the pooled
        # reference alone in the second
        ax.legend([handles[i] for i in order], [names[i] for i in order], loc="upper center",
                  bbox_to_anchor=(0.5, -0.28), ncol=2, frameon=False, fontsize=8)
        return _svg(fig)


LEGEND_ORDER = ("alone", "pooled", "together")


def _pooled_marks(ax: Any, view: dict[str, Any], parties: list[dict[str, Any]]) -> None:
    """The pooled model per company (a black mark between its bars) when the run measured
    it per company, else its mean as a dashed line: for comparison only."""
    label = t("report.federated.chart.pooled")
    marks = [(float(p["pooled"]), i) for i, p in enumerate(parties) if p["pooled"] is not None]
    if marks:
        ax.plot([x for x, _ in marks], [y for _, y in marks], linestyle="none", marker="|",
                markersize=22, markeredgewidth=2, color=BLACK, label=label)
    elif view.get("pooled"):
        ax.axvline(float(view["pooled"]["value"]), color=BLACK, linestyle="--", linewidth=1,
                   label=label)


def draw_all(data: dict[str, Any]) -> dict[str, str]:
    charts = {}
    if data["readiness"]:
        charts["maturity"] = maturity(data["readiness"])
    if any(r["score"] is not None for r in data["quality"]["rows"]):
        charts["quality"] = quality(data["quality"]["rows"])
    if data["datamap"]["areas"]:
        charts["landscape"] = landscape(data["datamap"]["areas"])
    if data["series"]:
        charts["history"] = history(data["series"])
    for index, poc in enumerate(data.get("pocs") or []):
        if poc.get("chart") and poc["chart"].get("ds"):
            charts[f"poc-{index}"] = forecast(poc["chart"])
    if data.get("federated") and data["federated"]["parties"]:
        charts["federated"] = federated(data["federated"])
    return charts
