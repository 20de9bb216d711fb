"""``generate(target, seed)``: write the whole data landscape of Müller Umformtechnik GmbH
(and, in ``.partner/``, the machine data of three of its customers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datensorgfalt.demo import company
from datensorgfalt.demo.database import write_order_database
from datensorgfalt.demo.images import write_images
from datensorgfalt.demo.inspection import write_inspections
from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.mess import write_mess
from datensorgfalt.demo.partners import write_partners
from datensorgfalt.demo.planted import (
    PLANTED_JSON,
    PLANTED_MD,
    planted_entries,
    planted_json,
    planted_markdown,
)
from datensorgfalt.demo.requests import write_requests
from datensorgfalt.demo.sales import order_lines, write_erp_export
from datensorgfalt.demo.sensors import write_sensor_logs
from datensorgfalt.demo.staff import write_hr_list
from datensorgfalt.demo.weather import write_weather
from datensorgfalt.demo.workbooks import write_customer_list, write_price_lists
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.i18n import os_reason

FILE_LIST = ".demo/files.txt"


class DemoTargetInvalid(DatensorgfaltError):
    """The demo folder cannot be created (it is a file, or not writable)."""


def generate(target: Path, seed: int = 42) -> dict[str, Any]:
    """Write the demo company into ``target`` (same seed, same bytes) and return its manifest.

    Files of an earlier demo run in ``target`` (listed in ``.demo/files.txt``) are replaced;
    anything else in ``target`` is left alone.
    """
    target = Path(target)
    _prepare(target)
    _remove_earlier_run(target)
    land = Landscape(target, seed)
    customers = company.customers(seed)
    articles = company.articles()
    lines = order_lines(seed, customers, articles)
    write_erp_export(land, lines)
    write_customer_list(land, customers)
    write_price_lists(land, articles)
    write_hr_list(land)
    write_order_database(land, customers, lines)
    write_sensor_logs(land)
    write_inspections(land, articles)
    write_requests(land, customers, articles)
    write_images(land)
    write_mess(land)
    write_weather(land)  # open data beside the company's own (DWD layout, made-up values)
    write_partners(land)
    entries = planted_entries(land.found)
    land.write_bytes(PLANTED_JSON, planted_json(entries, company.COMPANY))
    land.write_bytes(PLANTED_MD, planted_markdown(entries, company.COMPANY))
    land.register(FILE_LIST)
    land.path(FILE_LIST).write_text("".join(f"{rel}\n" for rel in land.files), "utf-8")
    land.apply_mtimes()
    return {"company": company.COMPANY, "folder": str(target.resolve()), "seed": seed,
            "files": land.files, "planted": entries}


def _prepare(target: Path) -> None:
    if target.exists() and not target.is_dir():
        raise DemoTargetInvalid("demo.target_is_file", path=target)
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = os_reason(error)
        raise DemoTargetInvalid("demo.target_invalid", path=target, reason=reason) from error


def _remove_earlier_run(target: Path) -> None:
    """Delete exactly the files an earlier run wrote (another seed may name files otherwise)."""
    listing = target / FILE_LIST
    if not listing.is_file():
        return
    root = target.resolve()
    for rel in listing.read_text("utf-8").splitlines():
        path = (target / rel).resolve()
        if rel and path.is_relative_to(root) and path.is_file():
            path.unlink()
