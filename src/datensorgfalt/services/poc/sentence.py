"""One plain sentence (German and English) saying whether the Soll was met, with numbers."""

from __future__ import annotations

from datensorgfalt.i18n import t
from datensorgfalt.services.poc.evaluation import PERCENT_METRICS, lower_is_better
from datensorgfalt.services.poc.soll import FRACTION_METRICS, Soll

SHOWN_AS_PERCENT = FRACTION_METRICS - {"auc", "r2"}


def fmt(metric: str, value: float | None, lang: str) -> str:
    if value is None:
        return "-"
    comma = lang == "de"
    if metric in PERCENT_METRICS or metric in SHOWN_AS_PERCENT:
        number = value if metric in PERCENT_METRICS else value * 100
        text = f"{number:.1f}"
        return (text.replace(".", ",") if comma else text) + " %"
    if metric in ("auc", "r2", "mase"):
        text = f"{value:.3f}" if metric != "mase" else f"{value:.2f}"
        return text.replace(".", ",") if comma else text
    if metric == "lead_time_hours":
        text = f"{value:.0f}"
        return text + (" Std." if comma else " h")
    text = f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") if comma else text


def sentence(soll: Soll, met: bool | None, baseline: dict, model: dict | None,
             budget: float) -> dict[str, str]:
    out = {}
    for lang in ("de", "en"):
        if model is None:
            out[lang] = t("poc.sentence.no_model", lang=lang, budget=f"{budget:.0f}",
                          baseline=baseline["name"])
            continue
        metric = soll.metric
        mine, base = model["metrics"].get(metric), baseline["metrics"].get(metric)
        values = {"model": model["name"], "baseline": baseline["name"],
                  "metric": t(f"poc.metric.{metric}", lang=lang),
                  "value": fmt(metric, mine, lang), "base": fmt(metric, base, lang),
                  "criterion": soll.text}
        if met is None:
            out[lang] = t("poc.sentence.unknown", lang=lang, **values)
            continue
        better = None if mine is None or base is None else (
            mine < base if lower_is_better(metric) else mine > base)
        compare = t("poc.sentence.better" if better else "poc.sentence.not_better", lang=lang)
        key = "poc.sentence.met" if met else "poc.sentence.not_met"
        out[lang] = t(key, lang=lang, compare=compare, **values)
    return out
