"""Plain words for a federated run: the sentence per party ("besser als allein?"), what the
privacy options protect, and the model card (Markdown for people, JSON for tools)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from datensorgfalt.i18n import t
from datensorgfalt.services.poc.sentence import fmt, fmt_difference


def privacy_text(dp: bool, secagg: bool, parties: int, eps: float | None, lang: str,
                 started_from_sums: bool = False) -> str:
    parts = [t("federated.privacy.tls", lang=lang), t("federated.privacy.rows", lang=lang)]
    if started_from_sums:
        parts.append(t("federated.privacy.start_sums", lang=lang))
    if dp:
        parts.append(t("federated.privacy.dp", lang=lang, epsilon=f"{eps:.1f}"))
    else:
        parts.append(t("federated.privacy.no_dp", lang=lang))
    parts.append(t("federated.privacy.secagg" if secagg else "federated.privacy.no_secagg",
                   lang=lang))
    if parties == 2:
        parts.append(t("federated.privacy.two", lang=lang))
    return " ".join(parts)


def party_sentence(row: dict[str, Any], metric: str, lang: str) -> str:
    verdict = row["verdict"]
    answer = t(f"federated.verdict.{verdict['verdict']}", lang=lang)
    text = t("federated.sentence.party", lang=lang, party=row["name"],
             measure=t(f"federated.measure.{metric}", lang=lang),
             together=fmt(metric, row["together"], lang), alone=fmt(metric, row["alone"], lang),
             rows=row["rows_test"], answer=answer)
    comparison = verdict.get("comparison")
    if comparison:
        low, high = comparison["interval"]
        text += " " + t("federated.sentence.interval", lang=lang,
                        difference=fmt_difference(metric, comparison["difference"], lang),
                        low=fmt_difference(metric, low, lang),
                        high=fmt_difference(metric, high, lang))
    hint = verdict.get("more_data") if lang == "de" else verdict.get("more_data_en")
    return text + (" " + hint if hint else "")


def summary_sentence(payload: dict[str, Any], lang: str) -> str:
    better = sum(1 for r in payload["parties"] if r["verdict"]["verdict"] == "met")
    return t("federated.sentence.summary", lang=lang, better=better,
             parties=len(payload["parties"]), rounds=payload["rounds"])


def markdown(payload: dict[str, Any], lang: str = "de") -> str:
    metric = payload["measure"]
    lines = [f"# {t('federated.card.title', lang=lang, id=payload['id'])}", "",
             payload["sentence"][lang], "",
             f"## {t('federated.card.model', lang=lang)}", "",
             f"{payload['model']}, {payload['strategy']}, {payload['rounds']} "
             f"{t('federated.card.rounds', lang=lang)}, {payload['local_epochs']} "
             f"{t('federated.card.epochs', lang=lang)}", "",
             f"## {t('federated.card.parties', lang=lang)}", "",
             f"| {t('federated.card.party', lang=lang)} | {t('federated.card.rows', lang=lang)} "
             f"| {t('federated.card.alone', lang=lang)} | {t('federated.card.together', lang=lang)}"
             f" | {t('federated.card.better', lang=lang)} |", "|---|---|---|---|---|"]
    for row in payload["parties"]:
        lines.append(f"| {row['name']} | {row['rows']} | {fmt(metric, row['alone'], lang)} | "
                     f"{fmt(metric, row['together'], lang)} | "
                     f"{t('federated.verdict.' + row['verdict']['verdict'], lang=lang)} |")
    if payload.get("pooled") and payload["pooled"].get("value") is not None:
        lines += ["", t("federated.card.pooled", lang=lang,
                        value=fmt(metric, payload["pooled"]["value"], lang))]
    lines += ["", f"## {t('federated.card.sent_title', lang=lang)}", "",
              t("federated.card.sent", lang=lang, epochs=payload["local_epochs"]), ""]
    for row in payload["parties"]:
        sent = row["sent"]
        lines.append(f"- {row['name']}: " + t("federated.card.sent_party", lang=lang,
                                              messages=sent.get("messages", 0),
                                              parameters=sent.get("parameters_sent", 0)))
    privacy = payload["privacy"]
    lines += ["", f"## {t('federated.card.privacy', lang=lang)}", "",
              privacy["explanation" if lang == "de" else "explanation_en"], ""]
    if payload.get("left_out"):
        lines += [f"## {t('federated.card.left_out', lang=lang)}", "",
                  ", ".join(f"{k} ({t(f'federated.left_out.{v}', lang=lang)})"
                            for k, v in payload["left_out"].items()), ""]
    agreement = payload["card"].get("agreement")
    if agreement:
        lines += [f"## {t('federated.card.agreement', lang=lang)}", "",
                  json.dumps(agreement, ensure_ascii=False), ""]
    return "\n".join(lines)


def write_card(payload: dict[str, Any], folder: Path) -> Path:
    card = {k: payload.get(k) for k in ("id", "task", "target", "rounds", "measure", "model",
                                        "strategy", "local_epochs", "privacy", "features",
                                        "left_out", "created", "sentence")}
    card |= {"parties": payload["card"]["parties"], "agreement": payload["card"]["agreement"],
             "results": [{k: r[k] for k in ("name", "alone", "together", "pooled", "rows_test")}
                         | {"verdict": r["verdict"]["verdict"]} for r in payload["parties"]]}
    (folder / "modellkarte.json").write_text(json.dumps(card, ensure_ascii=False, indent=2,
                                                        default=str), "utf-8")
    path = folder / "modellkarte.md"
    path.write_text(markdown(payload, "de") + "\n---\n\n" + markdown(payload, "en"), "utf-8")
    return path
