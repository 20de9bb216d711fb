"""AI readiness: questionnaire answers plus evidence from the catalog -> maturity phase.

Scoring (documented in ``knowledge/readiness.yaml``): every answer gives 0-4 points; a
dimension's self-report score is its points as a share of the maximum (0-100). The data
dimension is also *measured* from the catalog (coverage, quality, history, rights, personal
data); the measured score counts with ``evidence.weight`` and the difference to the
self-report is reported when it reaches ``evidence.disagreement`` points. The overall score is
the weighted mean of the dimensions; a phase is reached when the overall score and every
dimension reach the phase's thresholds.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NotRequired, TypedDict

import yaml

from datensorgfalt.catalog import Catalog, save_result
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import language, t
from datensorgfalt.services import evidence as ev
from datensorgfalt.services.help import (
    company_land,
    directory_checked,
    help_for,
    land_names,
    set_land,
)
from datensorgfalt.services.knowledge import load, loc
from datensorgfalt.workspace import Workspace

YES = {"ja": "ja", "yes": "ja", "teilweise": "teilweise", "partly": "teilweise",
       "nein": "nein", "no": "nein"}
MEASURES = ("coverage", "quality", "history", "rights", "personal")


class Assessment(TypedDict):
    """What the readiness step returns and stores (plain data, texts in one language)."""

    version: int
    lang: str
    company: str | None
    answers: dict[str, Any]
    unanswered: list[str]
    score: float
    dimensions: list[dict[str, Any]]
    phase: dict[str, Any]
    next_phase: dict[str, Any] | None
    gaps: list[dict[str, Any]]
    next_steps: list[Any]
    measures: dict[str, Any]
    facts: dict[str, Any]
    disagreements: list[dict[str, Any]]
    help: NotRequired[list[dict[str, Any]]]  # who can help next (services/help.py)
    help_checked: NotRequired[str]


class AnswersInvalid(DatensorgfaltError):
    """The answers file cannot be read or has an answer the questionnaire does not know."""


def questionnaire() -> dict[str, Any]:
    return load("readiness")


def options(question: dict[str, Any]) -> list[dict[str, Any]]:
    """The answer options of a question (shared ones for ``scale`` and ``ynp``)."""
    if "options" in question:
        return question["options"]
    return questionnaire()["answer_types"][question["type"]]["options"]


# -- answers ------------------------------------------------------------------------------
def load_answers(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError as exc:
        raise AnswersInvalid("readiness.error.no_file", path=str(path)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise AnswersInvalid("readiness.error.bad_file", path=str(path),
                             reason=str(exc).splitlines()[0]) from exc
    if not isinstance(data, dict) or not isinstance(data.get("answers", data), dict):
        raise AnswersInvalid("readiness.error.bad_file", path=str(path),
                             reason="answers: Frage-ID: Antwort")
    own = {q["id"] for q in questionnaire().get("company_questions", [])}
    answers = data.get("answers", data)
    company = {f"_{k}": v for k, v in (data | answers).items() if k in own and v}
    answers = {k: v for k, v in answers.items() if k not in own}
    return validate(answers) | ({"_company": data["company"]} if data.get("company") else {}) \
        | company


def validate(answers: dict[str, Any]) -> dict[str, Any]:
    """Normalised answers ({question id: value}); raises AnswersInvalid on unknown input."""
    questions = {q["id"]: q for q in questionnaire()["questions"]}
    clean: dict[str, Any] = {}
    for qid, value in answers.items():
        if str(qid).startswith("_"):
            continue
        question = questions.get(str(qid))
        if question is None:
            raise AnswersInvalid("readiness.error.unknown_question", id=qid)
        clean[question["id"]] = _normalise(question, value)
    return clean


def _normalise(question: dict[str, Any], value: Any) -> Any:
    allowed = {str(o["value"]): o["value"] for o in options(question)}
    if question["type"] == "multi":
        values = value if isinstance(value, list) else [value]
        if not all(str(v) in allowed for v in values):
            raise _bad_value(question, value, allowed)
        return [allowed[str(v)] for v in values]
    if question["type"] == "ynp":
        value = YES.get(str(value).strip().lower(), value)
    if str(value).strip() not in allowed:
        raise _bad_value(question, value, allowed)
    return allowed[str(value).strip()]


def _bad_value(question: dict, value: Any, allowed: dict) -> AnswersInvalid:
    return AnswersInvalid("readiness.error.bad_answer", id=question["id"], value=value,
                          allowed=", ".join(allowed))


def points(question: dict[str, Any], value: Any) -> int:
    """Points for an answer (0-4); ``None`` (unanswered) gives 0."""
    if value is None:
        return 0
    by_value = {str(o["value"]): o["points"] for o in options(question)}
    if question["type"] == "multi":
        values = value if isinstance(value, list) else [value]
        return min(sum(by_value[str(v)] for v in values), questionnaire()["max_points"])
    return by_value[str(value)]


def interview(ask: Callable[[dict[str, Any], int, int], Any]) -> dict[str, Any]:
    """Ask every question through ``ask(question, number, total)``; returns valid answers."""
    questions = questionnaire()["questions"]
    return validate({q["id"]: ask(q, i, len(questions)) for i, q in enumerate(questions, 1)})


def company_questions(workspace: Workspace | None) -> list[dict[str, Any]]:
    """The questions about the company (no points) whose setting is not stored yet, each with
    its options (the Bundesland: asked once, then kept in the workspace settings)."""
    if workspace is None:
        return []
    stored = {"land": company_land(workspace)}
    return [question | {"type": "choice", "options": [
        {"value": code, "label": name} for code, name in land_names().items()]}
            for question in questionnaire().get("company_questions", [])
            if not stored.get(question["setting"])]


def store_company_answers(workspace: Workspace | None, answers: dict[str, Any]) -> None:
    """Answers to company questions (``_land``) go to the settings when not set there yet."""
    for question in company_questions(workspace):
        value = answers.get(f"_{question['id']}")
        if value:
            set_land(workspace, str(value))


# -- evidence -----------------------------------------------------------------------------
def measure(evidence: ev.Evidence) -> dict[str, Any]:
    """The data dimension measured from the catalog: each measure 0..1, or None if unknown."""
    readable = evidence.originals
    if not evidence.datasets:
        return {"measures": dict.fromkeys(MEASURES), "facts": {"datasets": 0}}
    quality = [d.quality_score for d in readable if d.quality_score is not None]
    series = [d.series for d in readable if d.series]
    min_months = questionnaire()["evidence"]["min_months"]
    longest = max((s.months for s in series), default=0.0)
    personal = [d for d in readable if d.personal]
    documented = [d for d in personal if d.rights and d.rights.get("legal_basis")]
    measures = {
        "coverage": len(evidence.readable) / len(evidence.datasets),
        "quality": sum(quality) / len(quality) / 100 if quality else None,
        "history": min(longest / min_months, 1.0),
        "rights": sum(d.rights_known for d in readable) / len(readable) if readable else 0.0,
        "personal": (len(documented) / len(personal) if personal else 1.0)
        if evidence.privacy_run else None,
    }
    facts = {"datasets": len(evidence.datasets), "readable": len(evidence.readable),
             "quality_mean": round(sum(quality) / len(quality)) if quality else None,
             "series": len(series), "longest_months": round(longest),
             "rights_known": sum(d.rights_known for d in readable), "originals": len(readable),
             "personal": len(personal), "personal_documented": len(documented)}
    return {"measures": measures, "facts": facts}


# -- assessment ---------------------------------------------------------------------------
def assess(answers: dict[str, Any], evidence: ev.Evidence) -> Assessment:
    """Scores per dimension, phase, gaps and next steps (texts in the current language)."""
    spec = questionnaire()
    company = answers.get("_company")
    answers = {k: v for k, v in answers.items() if not k.startswith("_")}
    measured = measure(evidence)
    dimensions = [_dimension(spec, dim, answers, measured) for dim in spec["dimensions"]]
    total_weight = sum(d["weight"] for d in dimensions)
    score = round(sum(d["score"] * d["weight"] for d in dimensions) / total_weight, 1)
    phase_index = _phase_index(spec["phases"], score, dimensions, answers)
    next_phase = spec["phases"][phase_index + 1] if phase_index + 1 < len(spec["phases"]) else None
    gaps = _gaps(dimensions, next_phase, score) + _answer_gaps(next_phase, answers)
    return {
        "version": spec["version"], "lang": language(), "company": company,
        "answers": answers | ({"_company": company} if company else {}),
        "unanswered": [q["id"] for q in spec["questions"] if q["id"] not in answers],
        "score": score, "dimensions": dimensions,
        "phase": _phase_view(spec["phases"], phase_index),
        "next_phase": _phase_view(spec["phases"], phase_index + 1) if next_phase else None,
        "gaps": gaps, "next_steps": _next_steps(spec, gaps, dimensions, measured),
        "measures": measured["measures"], "facts": measured["facts"],
        "disagreements": _dimension_disagreement(spec, dimensions)
        + _disagreements(spec, answers, measured),
    }


def _dimension(spec: dict, dim: dict, answers: dict, measured: dict) -> dict[str, Any]:
    questions = [q for q in spec["questions"] if q["dimension"] == dim["key"]]
    got = sum(points(q, answers.get(q["id"])) for q in questions)
    self_score = round(100 * got / (spec["max_points"] * len(questions)), 1)
    evidence_score = None
    if dim["key"] == "data":
        known = [v for v in measured["measures"].values() if v is not None]
        evidence_score = round(100 * sum(known) / len(known), 1) if known else None
    score = self_score
    if evidence_score is not None:
        weight = spec["evidence"]["weight"]
        score = round(weight * evidence_score + (1 - weight) * self_score, 1)
    return {"key": dim["key"], "title": loc(dim["title"]), "weight": dim["weight"],
            "score": score, "self_score": self_score, "evidence_score": evidence_score,
            "answered": sum(q["id"] in answers for q in questions), "questions": len(questions)}


def _phase_index(phases: list[dict], score: float, dimensions: list[dict],
                 answers: dict) -> int:
    lowest = min(d["score"] for d in dimensions)
    index = 0
    for i, phase in enumerate(phases):
        if (score >= phase["min_score"] and lowest >= phase["min_dimension"]
                and not _answer_gaps(phase, answers)):
            index = i
        else:
            break
    return index


def _answer_gaps(phase: dict | None, answers: dict) -> list[dict[str, Any]]:
    """Answers a phase requires (e.g. first AI trials for the practice phase) that are missing."""
    if phase is None:
        return []
    questions = {q["id"]: q for q in questionnaire()["questions"]}
    gaps = []
    for qid, need in (phase.get("min_answer") or {}).items():
        question = questions[qid]
        got = points(question, answers.get(qid))
        if got < need:
            wanted = next(o for o in options(question) if o["points"] >= need)
            gaps.append({"dimension": question["dimension"], "question": qid,
                         "title": loc(question["text"]), "score": got, "need": need,
                         "text": t("readiness.gap_answer", answer=loc(wanted["label"]))})
    return gaps


def _phase_view(phases: list[dict], index: int) -> dict[str, Any]:
    phase = phases[index]
    return {"key": phase["key"], "index": index, "title": loc(phase["title"]),
            "text": loc(phase["text"]), "min_score": phase["min_score"],
            "min_dimension": phase["min_dimension"]}


def _gaps(dimensions: list[dict], next_phase: dict | None, score: float) -> list[dict]:
    """Dimensions below the next phase's bar; if none is, the weakest ones hold the total."""
    if next_phase is None:
        return []
    need = next_phase["min_dimension"]
    below = [d for d in dimensions if d["score"] < need]
    if not below and score < next_phase["min_score"]:
        below = sorted(dimensions, key=lambda d: d["score"])[:2]
        need = next_phase["min_score"]
    return [{"dimension": d["key"], "title": d["title"], "score": d["score"], "need": need}
            for d in sorted(below, key=lambda d: d["score"])]


def _next_steps(spec: dict, gaps: list[dict], dimensions: list[dict], measured: dict) -> list:
    """Three steps: for the gaps first, then for the weakest dimensions."""
    steps = [t("readiness.step.trial") for g in gaps if g.get("question")][:1]
    order = [g["dimension"] for g in gaps if not g.get("question")]
    order += [d["key"] for d in sorted(dimensions, key=lambda d: d["score"])
              if d["key"] not in order]
    steps_by_dim = {d["key"]: loc(d["step"]) for d in spec["dimensions"]}
    for key in dict.fromkeys(order):
        if len(steps) == 3:
            break
        steps.append(_data_step(measured) if key == "data" else steps_by_dim[key])
    return steps


def _data_step(measured: dict) -> str:
    """The data step names what the catalog showed is weakest."""
    measures = measured["measures"]
    if not measured["facts"]["datasets"]:
        return t("readiness.step.scan")
    known = {k: v for k, v in measures.items() if v is not None}
    if measures["quality"] is None:
        known["quality_missing"] = 0.5
    if measures["personal"] is None:
        known["privacy_missing"] = 0.6
    weakest = min(known, key=known.get)
    return t(f"readiness.step.{weakest}")


def _dimension_disagreement(spec: dict, dimensions: list[dict]) -> list[dict[str, Any]]:
    """The data dimension as a whole: self-report against the measured score."""
    data = next(d for d in dimensions if d["key"] == "data")
    if data["evidence_score"] is None:
        return []
    gap = data["self_score"] - data["evidence_score"]
    if abs(gap) < spec["evidence"]["disagreement"]:
        return []
    return [{"question": None, "dimension": "data", "self": round(data["self_score"]),
             "evidence": round(data["evidence_score"]),
             "direction": "higher" if gap > 0 else "lower",
             "text": t("readiness.disagree.dimension", title=data["title"],
                       self=round(data["self_score"]), evidence=round(data["evidence_score"]))
             + " " + t(f"readiness.disagree.{'higher' if gap > 0 else 'lower'}")}]


def _disagreements(spec: dict, answers: dict, measured: dict) -> list[dict[str, Any]]:
    """Questions whose answer and the catalog's measurement differ by the threshold or more."""
    if not measured["facts"]["datasets"]:
        return []
    threshold = spec["evidence"]["disagreement"] / 100
    found = []
    for question in spec["questions"]:
        key = question.get("evidence")
        value = measured["measures"].get(key) if key else None
        if key == "history" and value is not None:
            value = _history_answer(question, measured["facts"]["longest_months"])
        if value is None or question["id"] not in answers:
            continue
        said = points(question, answers[question["id"]]) / spec["max_points"]
        if abs(said - value) >= threshold:
            label = _label(question, answers[question["id"]])
            found.append({
                "question": question["id"], "self": round(100 * said), "evidence": round(
                    100 * value), "direction": "higher" if said > value else "lower",
                "text": t("readiness.disagree.text", question=loc(question["text"]),
                          answer=label, finding=t(f"readiness.finding.{key}",
                                                  **_finding_values(measured))),
            })
    return found


HISTORY_BUCKETS = ((0, "keine"), (0.1, "<1"), (12, "1-2"), (24, "2-5"), (60, ">5"))


def _history_answer(question: dict, months: float) -> float:
    """The share of points the history question would get for the measured months."""
    value = [v for low, v in HISTORY_BUCKETS if months >= low][-1]
    return points(question, value) / questionnaire()["max_points"]


def _label(question: dict, value: Any) -> str:
    labels = {str(o["value"]): loc(o["label"]) for o in options(question)}
    if isinstance(value, list):
        return ", ".join(labels[str(v)] for v in value)
    return labels[str(value)]


def _finding_values(measured: dict) -> dict[str, Any]:
    facts = measured["facts"]
    return {"readable": facts["readable"], "datasets": facts["datasets"],
            "quality": facts["quality_mean"] if facts["quality_mean"] is not None else "-",
            "months": facts["longest_months"], "known": facts["rights_known"],
            "originals": facts["originals"], "personal": facts["personal"],
            "documented": facts["personal_documented"]}


# -- storing ------------------------------------------------------------------------------
def run_readiness(workspace: Workspace | None, catalog: Catalog,
                  answers: dict[str, Any]) -> Assessment:
    """Assess and store a ``Result(kind="readiness", key="assessment")``."""
    store_company_answers(workspace, answers)
    run_id = catalog.start_run("readiness", {"answers": len(answers)})
    result = assess(answers, ev.gather(workspace, catalog))
    result |= who_can_help(result, company_land(workspace))
    with catalog.session() as session:
        save_result(session, "readiness", result, key="assessment", run_id=run_id)
    catalog.finish_run(run_id, "ok", {"phase": result["phase"]["key"], "score": result["score"]})
    return result


def who_can_help(result: dict[str, Any], land: str | None) -> dict[str, Any]:
    """Who can help with the gaps first, then with the weakest dimensions."""
    order = [g["dimension"] for g in result["gaps"] if g.get("dimension")]
    order += [d["key"] for d in sorted(result["dimensions"], key=lambda d: d["score"])]
    return {"help": help_for(order, land), "help_checked": directory_checked()}


def stored_answers(catalog: Catalog) -> dict[str, Any] | None:
    """The answers of the newest stored assessment, or None."""
    row = catalog.latest_result("readiness")
    stored = dict(row.payload.get("answers") or {}) if row else None
    if stored is None:
        return None
    kept = {k: v for k, v in stored.items() if k.startswith("_")}
    for qid, value in stored.items():  # answers to an older questionnaire: keep what still fits
        try:
            kept |= validate({qid: value})
        except AnswersInvalid:
            continue
    return kept
