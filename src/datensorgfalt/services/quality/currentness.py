"""Currentness (Aktualität): how old the file is and how old its newest date is, compared
with the update rhythm the data shows and with the other datasets of the catalog."""

from __future__ import annotations

from datetime import datetime
from statistics import median
from typing import Any

from datensorgfalt.services.quality.findings import QualityFinding

DAY = 86400.0
STEP_DAYS = {"H": 1 / 24, "D": 1, "W": 7, "M": 30.44}
OUTDATED_MIN_DAYS = 180
OUTDATED_FACTOR = 4


def months(days: float) -> int:
    return max(0, round(days / 30.44))


def rhythm(ages_days: list[float]) -> str:
    """A word for how often the other files change: daily, weekly, monthly, yearly."""
    typical = median(ages_days) if ages_days else 0
    if typical <= 2:
        return "daily"
    if typical <= 10:
        return "weekly"
    if typical <= 45:
        return "monthly"
    return "yearly"


def dataset_findings(modified_at: datetime | None, series: dict[str, Any] | None,
                     now: datetime) -> tuple[dict[str, Any], list[QualityFinding]]:
    """File age and the gap between the file's date and the newest date inside the data."""
    info: dict[str, Any] = {}
    found: list[QualityFinding] = []
    if modified_at is not None:
        info["file_age_days"] = round((now - modified_at).total_seconds() / DAY, 1)
    if series and series.get("end"):
        newest = datetime.fromisoformat(series["end"])
        info["newest_date"] = series["end"]
        reference = modified_at or now
        lag = (reference - newest).total_seconds() / DAY
        info["data_lag_days"] = round(lag, 1)
        step = STEP_DAYS.get(series.get("frequency") or "")
        if step and series.get("kind") == "measurements" and lag > max(30, 10 * step):
            found.append(QualityFinding("stale-data", "warning", series["column"],
                                        {"newest": series["end"][:10], "days": round(lag),
                                         "months": months(lag)}, share=0.3))
    return info, found


def catalog_findings(modified: dict[str, datetime]) -> dict[str, list[QualityFinding]]:
    """Files far older than the rest of the catalog ("zuletzt vor 14 Monaten geändert, die
    anderen monatlich"). ``modified`` maps a file to its modification time; ages are measured
    from the newest file, so a catalog scanned later does not make everything look old."""
    out: dict[str, list[QualityFinding]] = {}
    if len(modified) < 3:
        return out
    newest = max(modified.values())
    lags = {key: (newest - when).total_seconds() / DAY for key, when in modified.items()}
    for key, lag in lags.items():
        others = [a for other, a in lags.items() if other != key]
        typical = median(others)
        if lag >= OUTDATED_MIN_DAYS and lag >= OUTDATED_FACTOR * max(typical, 30):
            out[key] = [QualityFinding(
                "outdated-dataset", "warning", None,
                {"months": months(lag), "days": round(lag),
                 "modified": modified[key].date().isoformat(),
                 "others_days": round(typical), "others_months": months(typical),
                 "rhythm": rhythm(others)}, share=0.5)]
    return out
