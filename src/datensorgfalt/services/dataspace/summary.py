"""What was shared and received through data trustees, one row per offer and direction, in
plain words for the report and the web app: data, partner, purpose, until, agreement."""

from __future__ import annotations

from typing import Any

from datensorgfalt.catalog.store import Catalog
from datensorgfalt.i18n import t
from datensorgfalt.services.sharing.package import RECORD_KIND as KIND
from datensorgfalt.services.sharing.policy import Policy, PolicyRefused, find_purpose, parse_policy


def shared_and_received(catalog: Catalog) -> list[dict[str, Any]]:
    """The newest record of each offer and direction, shared ones first."""
    newest: dict[tuple[str, str], dict[str, Any]] = {}
    for result in catalog.results(KIND):
        record = result.payload
        newest[(record.get("direction", ""), str(record.get("offer_id")))] = _row(record)
    return sorted(newest.values(), key=lambda row: row["direction"] != "shared")


def _row(record: dict[str, Any]) -> dict[str, Any]:
    received = record.get("direction") == "received"
    policy = _policy(record.get("agreement") if received else record.get("policy"))
    # a package carries its agreement; an offer on a trustee becomes one per consumer
    agreement = (record.get("agreement") or {}).get("@id") if received else \
        record.get("offer_id") if record.get("channel") == "package" else None
    return {
        "direction": record.get("direction"),
        "direction_label": t(f"dataspace.report.{record.get('direction')}"),
        "title": record.get("title") or "-",
        "partner": record.get("partner") or t("dataspace.report.anyone"),
        "purpose": ", ".join(_purpose_name(p) for p in policy.purposes) if policy else "-",
        "until": policy.ends.value.isoformat()[:10] if policy and policy.ends
        else t("dataspace.report.no_end"),
        "max_transfers": policy.max_transfers if policy else None,
        "agreement": agreement or t("dataspace.report.offer", offer=record.get("offer_id")),
        "trustee": record.get("trustee"),
        "channel": record.get("channel") or "trustee",
    }


def _policy(doc: Any) -> Policy | None:
    try:
        return parse_policy(doc) if doc else None
    except PolicyRefused:  # written by an older version: the row still shows, without terms
        return None


def _purpose_name(purpose_id: str) -> str:
    try:
        return find_purpose(purpose_id).name()
    except PolicyRefused:
        return purpose_id
