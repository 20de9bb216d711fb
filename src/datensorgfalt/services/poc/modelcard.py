"""The model card of a PoC: Markdown for people, JSON for tools (same content)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datensorgfalt.i18n import t
from datensorgfalt.services.knowledge import load
from datensorgfalt.services.poc.sentence import fmt


def must_not_use(kind: str) -> dict[str, list[str]]:
    return load("poc")["must_not_use"].get(kind, {"de": [], "en": []})


def card(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON model card."""
    return {
        "id": payload["id"], "kind": payload["kind"], "created": payload["created"],
        "data": payload["data"], "columns": payload["columns"],
        "features": payload["features"], "evaluation": payload["evaluation"],
        "baseline": payload["baseline"], "model": payload["model"],
        "criterion": payload["criterion"], "met": payload["met"],
        "verdict": payload.get("verdict"), "comparison": payload.get("comparison"),
        "left_out": payload.get("left_out") or [],
        "contents": (payload.get("extra") or {}).get("contents"),
        "sentence": payload["sentence"], "notes": payload["notes"],
        "must_not_use": must_not_use(payload["kind"]), "ai_act": payload["ai_act"],
        "usecase": payload.get("usecase"), "budget_seconds": payload["budget_seconds"],
        "refit": payload.get("refit"),
    }


def markdown(payload: dict[str, Any], lang: str = "de") -> str:
    c = card(payload)
    lines = [f"# {t('poc.card.title', lang=lang, id=c['id'])}", "",
             c["sentence"][lang], "",
             f"## {t('poc.card.data', lang=lang)}", ""]
    for d in c["data"]:
        lines.append(f"- `{d['id']}` {d['title']} ({d['location']}), "
                     f"{t('poc.card.fingerprint', lang=lang)} "
                     f"`{(d.get('fingerprint') or '-')[:16]}`"
                     f", {t('poc.card.rows', lang=lang)} {d.get('rows')}")
    lines += ["", f"## {t('poc.card.features', lang=lang)}", "",
              ", ".join(map(str, c["features"])) or "-", ""]
    if c["contents"]:
        lines += [t("poc.verdict.contents", lang=lang,
                    size=c["contents"]["vocabulary_size"]), ""]
    lines += [
              f"## {t('poc.card.metrics', lang=lang)}", "",
              f"{t('poc.card.evaluation', lang=lang)}: {c['evaluation']}", "",
              f"| {t('poc.card.metric', lang=lang)} | Ist: {c['baseline']['name']} | "
              f"{t('poc.card.model', lang=lang)}: {(c['model'] or {}).get('name', '-')} |",
              "|---|---|---|"]
    model = c["model"] or {"metrics": {}, "intervals": {}}
    for metric, value in c["baseline"]["metrics"].items():
        lines.append(f"| {metric} | {_with_interval(metric, value, c['baseline'], lang)} | "
                     f"{_with_interval(metric, model['metrics'].get(metric), model, lang)} |")
    lines += ["", f"{t('poc.card.criterion', lang=lang)}: {c['criterion']}", ""]
    if c["refit"] is not None:
        lines += [t("poc.card.refit_done" if c["refit"] else "poc.card.refit_not", lang=lang), ""]
    if c["notes"]:
        lines += [f"## {t('poc.card.notes', lang=lang)}", ""]
        lines += [f"- {n[lang]}" for n in c["notes"]]
        lines.append("")
    lines += [f"## {t('poc.card.must_not', lang=lang)}", ""]
    lines += [f"- {item}" for item in c["must_not_use"][lang]]
    lines += ["", f"## {t('poc.card.ai_act', lang=lang)}", "", c["ai_act"][lang], ""]
    return "\n".join(lines)


def _with_interval(metric: str, value: Any, scored: dict, lang: str) -> str:
    text = fmt(metric, value, lang)
    interval = (scored.get("intervals") or {}).get(metric)
    if interval and None not in interval:
        text += f" ({fmt(metric, interval[0], lang)} – {fmt(metric, interval[1], lang)})"
    return text


def write(payload: dict[str, Any], folder: Path) -> Path:
    (folder / "modellkarte.json").write_text(json.dumps(card(payload), ensure_ascii=False,
                                                        indent=2, default=str), "utf-8")
    path = folder / "modellkarte.md"
    path.write_text(markdown(payload, "de") + "\n---\n\n" + markdown(payload, "en"), "utf-8")
    return path
