"""Who can help next: the dated directory of help offers in ``knowledge/help.yaml``.

``help_for(dimensions, land)`` names, for each weak readiness dimension in the given order,
the fitting offer: one for the company's Bundesland first, else a nationwide one; offers tied
to other Länder are never named. Each line says when the directory was last checked.
"""

from __future__ import annotations

from typing import Any

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import t
from datensorgfalt.services.knowledge import load, loc
from datensorgfalt.workspace import Workspace, update_settings

LANDS = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL", "SN", "ST",
         "SH", "TH")
SETTING = "land"


class UnknownLand(DatensorgfaltError):
    """Not one of the 16 Bundesland codes."""


def land_names(lang: str | None = None) -> dict[str, str]:
    """Code -> name of the 16 Länder (``knowledge/laender.yaml``), in the current language."""
    return {code: loc(name, lang) for code, name in load("laender")["laender"].items()}


def check_land(code: str | None) -> str:
    """The upper-case code of a Bundesland (``nw`` -> ``NW``); ``UnknownLand`` otherwise."""
    wanted = str(code or "").strip().upper().removeprefix("DE-")
    if wanted not in LANDS:
        raise UnknownLand("support.land.unknown", land=str(code or ""),
                          codes=", ".join(LANDS))
    return wanted


def set_land(workspace: Workspace, code: str) -> str:
    """Store the company's Bundesland once in the workspace settings (key ``land``)."""
    land = check_land(code)
    update_settings(workspace, **{SETTING: land})
    return land


def company_land(workspace: Workspace | None) -> str | None:
    """The Bundesland stored for the workspace, or None (also for a broken stored value)."""
    stored = workspace.settings.get(SETTING) if workspace else None
    return stored if stored in LANDS else None


def directory_checked() -> str:
    """The date the directory was last checked (ISO)."""
    return str(load("help")["checked"])


def offers_for(dimension: str, land: str | None = None) -> list[dict[str, Any]]:
    """The offers for ``dimension`` that serve ``land``: regional ones first."""
    wanted = (land or "").upper()
    fitting = [o for o in load("help")["offers"] if dimension in o["topics"]
               and (not o["lands"] or wanted in o["lands"])]
    return sorted(fitting, key=lambda o: not o["lands"])


def help_for(dimensions: list[str], land: str | None = None,
             limit: int = 3) -> list[dict[str, Any]]:
    """One offer per dimension (in order, at most ``limit``), each with a plain sentence."""
    titles = {d["key"]: loc(d["title"]) for d in load("readiness")["dimensions"]}
    lines: list[dict[str, Any]] = []
    for dimension in dict.fromkeys(dimensions):
        offers = offers_for(dimension, land)
        if not offers or len(lines) == limit:
            continue
        offer = offers[0]
        lines.append({
            "dimension": dimension, "id": offer["id"], "name": offer["name"],
            "offer": loc(offer["offer"]), "url": offer["url"], "land": land,
            "kind": offer["kind"], "pays_for": loc(offer.get("pays_for")),
            "regional": bool(offer["lands"]), "checked": str(offer["checked"]),
            "text": t("support.line", topic=titles.get(dimension, dimension), name=offer["name"],
                      offer=loc(offer["offer"]), url=offer["url"]),
        })
    return lines
