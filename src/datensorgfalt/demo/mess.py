"""The usual mess of a file share: a copy, an empty file, a broken workbook."""

from __future__ import annotations

from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.sales import ERP_FILE
from datensorgfalt.demo.workbooks import CUSTOMER_FILE

COPY_FILE = "archiv/erp_umsatz_kopie.csv"
EMPTY_FILE = "archiv/leer.csv"
BROKEN_FILE = "archiv/kaputt.xlsx"


def write_mess(land: Landscape) -> None:
    land.write_bytes(COPY_FILE, (land.root / ERP_FILE).read_bytes())
    land.plant("exact-copy", copy_of=ERP_FILE)
    land.write_bytes(EMPTY_FILE, b"")
    land.plant("empty-file")
    whole = (land.root / CUSTOMER_FILE).read_bytes()
    land.write_bytes(BROKEN_FILE, whole[: len(whole) // 3])  # an interrupted copy
    land.plant("broken-xlsx", bytes=len(whole) // 3, truncated_from=CUSTOMER_FILE)
