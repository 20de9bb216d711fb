"""Learning together (``federated run``) as a person reads it: per company the model trained
alone against the joint model, the verdict in words, the pooled model only as a reference, the
privacy options and what left each company. The report and the web page show the same view.

The stored result follows the contract of the federated service (one ``federated`` result per
run, see ``catalog/results.py``); this module only reads it.
"""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.i18n import language, t

KIND = "federated"
LOWER_IS_BETTER = {"mae", "rmse", "wape", "mape", "smape"}
VERDICTS = ("met", "not_met", "undecided")


def latest_federated(catalog: Catalog) -> dict[str, Any] | None:
    """The newest federated run as the report and the web page show it; None when there is
    none."""
    row = catalog.latest_result(KIND)
    return federated_view(dict(row.payload or {})) if row is not None else None


def federated_view(payload: dict[str, Any]) -> dict[str, Any]:
    """The view of one stored federated result (``payload`` is kept under ``result``)."""
    measure = str(payload.get("measure") or ("mae" if payload.get("task") == "regress"
                                                else "auc"))
    parties = [_party(p, measure) for p in payload.get("parties") or []]
    better = [p["name"] for p in parties if p["verdict"] == "met"]
    return {
        "id": payload.get("id"), "target": payload.get("target"), "task": payload.get("task"),
        "rounds": payload.get("rounds"), "measure": measure,
        "measure_label": _measure_label(payload, measure),
        "lower_is_better": measure in LOWER_IS_BETTER,
        "parties": parties, "better": better,
        "summary": _summary(len(parties), len(better), payload.get("target")),
        "pooled": _pooled(payload.get("pooled"), measure),
        "privacy": privacy_lines(payload.get("privacy") or {}, len(parties)),
        "sent": _sent(payload),
        "predict": t("report.federated.predict", id=payload.get("id") or "ID"),
        "wall_seconds": payload.get("wall_seconds"),
        "result": payload,
    }


def number(measure: str, value: Any) -> str:
    """A measure for people: MAE with one decimal, scores with two (decimal comma in German)."""
    if value is None:
        return "-"
    text = f"{float(value):.1f}" if measure in LOWER_IS_BETTER else f"{float(value):.2f}"
    return text.replace(".", ",") if language() == "de" else text


def _party(party: dict[str, Any], measure: str) -> dict[str, Any]:
    verdict = _verdict_name(party.get("verdict"))
    alone, together = party.get("alone"), party.get("together")
    more = (party.get("verdict") or {}).get("more_data" if language() == "de"
                                            else "more_data_en")
    return {
        "name": str(party.get("name") or "-"), "rows": party.get("rows"),
        "rows_test": party.get("rows_test"), "rows_text": _count(party.get("rows")),
        "alone": alone, "together": together,
        "pooled": party.get("pooled"),
        "alone_text": number(measure, alone), "together_text": number(measure, together),
        "verdict": verdict, "verdict_text": t(f"report.federated.verdict.{verdict}"),
        "words": _words(measure, alone, together),
        "sentence": _sentence(party, verdict),
        "more_data": more if verdict == "undecided" else None,
    }


def _count(value: Any) -> str:
    if value is None:
        return "-"
    return f"{int(value):,}".replace(",", "." if language() == "de" else ",")


def _verdict_name(verdict: Any) -> str:
    name = verdict.get("verdict") if isinstance(verdict, dict) else verdict
    return name if name in VERDICTS else "undecided"


def _sentence(party: dict[str, Any], verdict: str) -> str:
    """The service's sentence (with its interval) in the shown language; German only in the
    contract, so in English the verdict in words stands in for it."""
    sentence = party.get("sentence")
    if isinstance(sentence, dict):
        return str(sentence.get(language()) or sentence.get("de") or "")
    if language() == "de" and sentence:
        return str(sentence)
    return str(party.get("sentence_en") or t(f"report.federated.verdict.{verdict}"))


def _words(measure: str, alone: Any, together: Any) -> str:
    if alone is None or together is None:
        return ""
    key = "mae" if measure in LOWER_IS_BETTER else "score"
    return t(f"report.federated.words.{key}", alone=number(measure, alone),
             together=number(measure, together))


def _measure_label(payload: dict[str, Any], measure: str) -> str:
    label = payload.get("measure_label") if language() == "de" else None
    direction = t("report.federated.lower" if measure in LOWER_IS_BETTER
                  else "report.federated.higher")
    key = f"report.federated.measure.{'mae' if measure in LOWER_IS_BETTER else 'auc'}"
    return f"{label or t(key)} – {direction}"


def _summary(parties: int, better: int, target: Any) -> str:
    if not parties:
        return t("report.federated.summary_none")
    return t("report.federated.summary", n=parties, target=target or "-", better=better)


def _pooled(pooled: Any, measure: str) -> dict[str, Any] | None:
    if not isinstance(pooled, dict) or pooled.get("value") is None:
        return None
    return {"value": pooled["value"], "text": number(measure, pooled["value"]),
            "note": t("report.federated.pooled_note")}


def privacy_lines(privacy: dict[str, Any], parties: int) -> list[str]:
    """What the privacy options of the run protect, in plain words (one sentence each)."""
    lines = [t("report.federated.privacy.tls")] if privacy.get("tls") else []
    if privacy.get("dp"):
        epsilon = privacy.get("epsilon")
        shown = f"{float(epsilon):.1f}".replace(".", "," if language() == "de" else ".")
        lines.append(t("report.federated.privacy.dp_on", epsilon=shown)
                     if epsilon is not None else t("report.federated.privacy.dp_on_plain"))
    else:
        lines.append(t("report.federated.privacy.dp_off"))
    lines.append(t("report.federated.privacy.secagg_on" if privacy.get("secagg")
                   else "report.federated.privacy.secagg_off"))
    if parties == 2:
        lines.append(t("report.federated.privacy.two"))
    return lines


def _sent(payload: dict[str, Any]) -> dict[str, Any]:
    """What left each company: model parameters and counts, never a row."""
    card = payload.get("card") or {}
    detail = card.get("sent_per_party") if language() == "de" else None
    if isinstance(detail, dict):
        detail = "; ".join(f"{name}: {what}" for name, what in detail.items())
    per_party = [t("report.federated.sent_party", name=p.get("name", "-"),
                   messages=_count(p["sent"]["messages"]),
                   values=_count(p["sent"].get("parameters_sent") or 0))
                 for p in card.get("parties") or [] if isinstance(p, dict)
                 and isinstance(p.get("sent"), dict) and p["sent"].get("messages")]
    return {"text": t("report.federated.sent"), "detail": str(detail) if detail else None,
            "parties": per_party}
