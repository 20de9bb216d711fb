"""Writing German CSV and reproducible xlsx bytes."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime

from openpyxl import Workbook

#: Fixed timestamp inside xlsx files (zip entries and document properties).
XLSX_STAMP = datetime(2026, 1, 5, 8, 0, 0)


def de_number(value: float, decimals: int = 2, thousands: bool = False) -> str:
    """``1234.5`` -> ``"1234,50"`` (or ``"1.234,50"`` with thousands separators)."""
    text = f"{value:,.{decimals}f}" if thousands else f"{value:.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def csv_bytes(
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    encoding: str = "utf-8",
    newline: str = "\r\n",
) -> bytes:
    """Semicolon-separated text the way German Windows programs write it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(workbook: Workbook, stamp: datetime = XLSX_STAMP) -> bytes:
    """Save ``workbook`` so that the same content always gives the same bytes.

    openpyxl stamps "now" into docProps/core.xml and into every zip entry; both are replaced
    by ``stamp``.
    """
    workbook.properties.creator = "Müller Umformtechnik GmbH"
    workbook.properties.created = stamp
    raw = io.BytesIO()
    workbook.save(raw)
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + iso.encode() + rb"\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()
