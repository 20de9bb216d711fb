"""One plain sentence (German and English) saying whether the Soll was met, with numbers."""

from __future__ import annotations

from datensorgfalt.i18n import t
from datensorgfalt.services.poc.evaluation import PERCENT_METRICS, lower_is_better
from datensorgfalt.services.poc.soll import FRACTION_METRICS, Soll, Verdict

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


def sentence(soll: Soll, decided: Verdict, baseline: dict, model: dict | None,
             budget: float, left_out: list[dict] | None = None) -> dict[str, str]:
    """The verdict in one plain sentence per language: outcome, both figures, the paired
    interval of the difference, the hint how much more data would decide, left-out columns."""
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
        if mine is None:
            out[lang] = t("poc.sentence.unknown", lang=lang, **values)
            continue
        better = None if base is None else (
            mine < base if lower_is_better(metric) else mine > base)
        compare = t("poc.sentence.better" if better else "poc.sentence.not_better", lang=lang)
        key = {"met": "poc.sentence.met", "not_met": "poc.sentence.not_met",
               "undecided": "poc.verdict.undecided"}[decided["verdict"]]
        parts = [t(key, lang=lang, compare=compare, **values)]
        comparison = decided.get("comparison")
        if comparison and comparison["measure"] != metric:
            measure = comparison["measure"]
            ahead = comparison["difference"] < 0 if lower_is_better(measure) \
                else comparison["difference"] > 0
            parts.append(t("poc.verdict.versus", lang=lang,
                           metric=t(f"poc.metric.{measure}", lang=lang),
                           compare=t("poc.sentence.better" if ahead
                                     else "poc.sentence.not_better", lang=lang),
                           value=fmt(measure, comparison["model"], lang),
                           base=fmt(measure, comparison["baseline"], lang)))
        if comparison:
            low, high = comparison["interval"]
            measure = comparison["measure"]
            parts.append(t("poc.verdict.interval", lang=lang,
                           metric=t(f"poc.metric.{measure}", lang=lang),
                           low=fmt_difference(measure, low, lang),
                           high=fmt_difference(measure, high, lang),
                           confidence=f"{comparison['confidence'] * 100:.0f}"))
        if decided["verdict"] == "undecided" and decided.get("more_data"):
            parts.append(decided["more_data"] if lang == "de" else _hint_en(decided))
        if left_out:
            parts.append(t("poc.verdict.left_out", lang=lang,
                           columns=", ".join(c["column"] for c in left_out)))
        out[lang] = " ".join(parts)
    return out


def fmt_difference(metric: str, value: float, lang: str) -> str:
    """A difference with its sign; percentage points for measures shown in percent."""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    text = fmt(metric, abs(value), lang)
    if metric in PERCENT_METRICS or metric in SHOWN_AS_PERCENT:
        text = text.replace(" %", t("poc.verdict.points", lang=lang))
    return sign + text


def _hint_en(decided: Verdict) -> str:
    return decided.get("more_data_en") or ""
