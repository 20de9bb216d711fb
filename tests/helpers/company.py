"""Hand-made catalogs for the readiness, use-case and report tests.

``add_table`` and friends write the rows the scan, quality and privacy services would write,
following the contracts in the brief, so the tests do not depend on those services' progress.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from datensorgfalt.catalog import Catalog
from datensorgfalt.catalog.models import Column, Dataset, Link, Result, Rights
from datensorgfalt.catalog.store import dataset_id_for

ROOT = "file:///firma"


def add_dataset(catalog: Catalog, path: str, kind: str = "table", rows: int | None = None,
                columns: list[tuple[str, str, str | None]] = (), details: dict | None = None,
                modified: datetime | None = None, fmt: str = "csv") -> str:
    location = f"{ROOT}/{path}"
    dataset_id = dataset_id_for(location)
    with catalog.session() as session:
        session.add(Dataset(
            id=dataset_id, title=path.rsplit("/", 1)[-1].split("#")[0], location=location,
            kind=kind, format=fmt, row_count=rows, column_count=len(columns) or None,
            byte_size=1000, modified_at=modified or datetime(2025, 12, 30),
            details=details or {}, fingerprint=dataset_id,
            columns=[Column(position=i, name=n, inferred_type=ty, semantic_type=se)
                     for i, (n, ty, se) in enumerate(columns)]))
    return dataset_id


def add_result(catalog: Catalog, kind: str, dataset_id: str | None, payload: dict[str, Any],
               key: str | None = None) -> None:
    with catalog.session() as session:
        session.add(Result(kind=kind, dataset_id=dataset_id, key=key, payload=payload))


def add_rights(catalog: Catalog, dataset_id: str, **values: Any) -> None:
    with catalog.session() as session:
        session.add(Rights(dataset_id=dataset_id, **values))


def add_copy(catalog: Catalog, copy_id: str, original_id: str) -> None:
    with catalog.session() as session:
        session.add(Link(source_id=copy_id, target_id=original_id, kind="copy_of"))


def time_series(start: str, end: str, frequency: str = "D") -> dict[str, Any]:
    return {"time_series": {"frequency": frequency, "start": start, "end": end}}


def build_company(catalog: Catalog) -> dict[str, str]:
    """A small machine-building company like the demo one: sales, sensors, images, requests."""
    ids = {}
    ids["sales"] = add_dataset(catalog, "vertrieb/erp_umsatz.csv", rows=9000, columns=[
        ("Belegnr", "integer", "identifier"), ("Belegdatum", "date", "date"),
        ("Kundennr", "integer", "identifier"), ("Kunde", "text", "category"),
        ("Menge", "integer", "quantity"), ("Nettobetrag", "decimal", "amount")])
    add_result(catalog, "quality", ids["sales"],
               {"score": 81} | time_series("2023-01-02", "2025-12-30"))
    ids["copy"] = add_dataset(catalog, "archiv/erp_umsatz_kopie.csv", rows=9000, columns=[
        ("Belegdatum", "date", "date"), ("Nettobetrag", "decimal", "amount")])
    add_copy(catalog, ids["copy"], ids["sales"])
    ids["customers"] = add_dataset(catalog, "vertrieb/kundenliste.xlsx#sheet=Kunden", rows=120,
                                   fmt="xlsx", columns=[
        ("Kundennr", "integer", "identifier"), ("Firma", "text", None),
        ("E-Mail", "text", "email"), ("IBAN", "text", "iban")])
    add_result(catalog, "privacy", ids["customers"],
               {"kinds": ["PERSON", "EMAIL", "IBAN"], "columns": {}})
    ids["press"] = add_dataset(catalog, "produktion/sensoren/presse_01.csv", rows=20000, columns=[
        ("Zeitstempel", "datetime", "date"), ("Vibration_mm_s", "decimal", "measurement"),
        ("Temperatur_C", "decimal", "measurement"), ("Strom_A", "decimal", "measurement")])
    add_result(catalog, "quality", ids["press"],
               {"score": 64} | time_series("2024-01-01T00:00", "2025-12-30T23:00", "H"))
    ids["failures"] = add_dataset(catalog, "produktion/wartung/stoerungen.csv", rows=14, columns=[
        ("Datum", "datetime", "date"), ("Maschine", "text", "category"),
        ("Ursache", "text", "free_text")])
    ids["images"] = add_dataset(catalog, "bilder/pruefung", kind="images", fmt="png",
                                details={"labels": {"ok": 240, "defekt": 12}})
    docs = [{"path": f"/firma/anfragen/anfrage_{i:03}.eml", "size": 900, "language": "de",
             "text_path": f"text/{i}.txt"} for i in range(80)]
    ids["requests"] = add_dataset(catalog, "anfragen", kind="documents", fmt="eml",
                                  details={"documents": docs})
    ids["labels"] = add_dataset(catalog, "anfragen/zuordnung.csv", rows=80, columns=[
        ("Datei", "text", None), ("Schluessel", "text", "category")])
    ids["broken"] = add_dataset(catalog, "archiv/kaputt.xlsx", kind="unreadable", fmt="xlsx")
    return ids
