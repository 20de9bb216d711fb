"""Step 4, AI readiness: the questionnaire plus evidence from the catalog.

Entry point ``run_readiness(workspace, catalog, answers)`` -> the assessment as plain data
(:mod:`.assessment`); questions and phases are ``knowledge/readiness.yaml``.
"""

from datensorgfalt.services.readiness.assessment import (
    AnswersInvalid,
    Assessment,
    assess,
    company_questions,
    interview,
    load_answers,
    measure,
    options,
    questionnaire,
    run_readiness,
    stored_answers,
    validate,
    who_can_help,
)

__all__ = [
    "AnswersInvalid",
    "Assessment",
    "assess",
    "company_questions",
    "interview",
    "load_answers",
    "measure",
    "options",
    "questionnaire",
    "run_readiness",
    "stored_answers",
    "validate",
    "who_can_help",
]
