"""Step 2, data quality: a profile per table, findings per dimension, scores, own rules.

Entry point ``run_quality(workspace, catalog, selectors)`` -> ``QualityRun`` (:mod:`.measure`);
``quality_report(catalog, selector)`` reads the newest result back. ``run_checks`` and
``suggest_checks`` are the user's own rules (:mod:`.rules`). The checks themselves live in
``column_checks``, ``table_checks``, ``duplicates``, ``dependencies``, ``timeseries``,
``cells`` and ``currentness``; ``findings`` and ``scores`` turn them into words and numbers.
"""

from datensorgfalt.services.quality.measure import (
    NoQualityResult,
    QualityRun,
    run_quality,
    write_cells,
)
from datensorgfalt.services.quality.measure import report as quality_report
from datensorgfalt.services.quality.rules import CheckResult, RulesError, as_dicts, run_checks
from datensorgfalt.services.quality.rules import suggest as suggest_checks
from datensorgfalt.services.quality.scores import dimensions_config

__all__ = [
    "CheckResult",
    "NoQualityResult",
    "QualityRun",
    "RulesError",
    "as_dicts",
    "dimensions_config",
    "quality_report",
    "run_checks",
    "run_quality",
    "suggest_checks",
    "write_cells",
]
