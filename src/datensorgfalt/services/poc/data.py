"""Getting a PoC's data: typed frames of cataloged tables (via the engine), texts of document
folders with their labels, failure events, and new data for ``predict``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from datensorgfalt import engine
from datensorgfalt.catalog import Dataset
from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.vocabulary import says
from datensorgfalt.workspace import Workspace


class DatasetChanged(DatensorgfaltError):
    """The file changed since it was cataloged: the PoC refuses stale column types."""


class DatasetUnsuitable(DatensorgfaltError):
    """The dataset is not of a kind this PoC can use (e.g. an image folder for a forecast)."""


class ColumnMissing(DatensorgfaltError):
    """A named column does not exist in the dataset."""


def load_frame(workspace: Workspace, dataset: Dataset) -> pd.DataFrame:
    """The cataloged table as a typed DataFrame; refuses when the file changed since the scan."""
    if dataset.kind not in ("table", "database"):
        raise DatasetUnsuitable("poc.error.not_a_table", title=dataset.title, kind=dataset.kind)
    engine.check_present(dataset)
    if engine.changed_since_scan(dataset):
        raise DatasetChanged("poc.error.changed", title=dataset.title)
    return engine.typed_frame(workspace, dataset)


def require_columns(frame: pd.DataFrame, names: list[str | None], title: str) -> None:
    for name in names:
        if name and name not in frame.columns:
            raise ColumnMissing("poc.error.column_missing", column=name, title=title,
                                columns=", ".join(map(str, frame.columns)))


def document_texts(workspace: Workspace, docs: Dataset, labels: pd.DataFrame, file_col: str,
                   label_col: str) -> tuple[list[str], list[str], list[str]]:
    """(texts, labels, file names) of the documents that have a label in ``labels``."""
    require_columns(labels, [file_col, label_col], "labels")
    by_name = {Path(str(k)).name: v for k, v in zip(labels[file_col], labels[label_col],
                                                     strict=False) if pd.notna(v)}
    texts, found, names = [], [], []
    for doc in docs.details.get("documents") or []:
        name = Path(doc["path"]).name
        if name not in by_name or not doc.get("text_path"):
            continue
        path = Path(doc["text_path"])
        if not path.is_absolute():
            path = workspace.root / path
        texts.append(path.read_text("utf-8", errors="replace") if path.exists() else "")
        found.append(str(by_name[name]))
        names.append(name)
    return texts, found, names


MACHINE_NUMBER = re.compile(r"(\d+)")


def failure_events(frame: pd.DataFrame, sensor_title: str) -> tuple[list[pd.Timestamp], dict]:
    """Failure times in an event log that belong to the machine of ``sensor_title``.

    The machine is matched by name and number ("presse_01.csv" <-> "Presse 1"); when a column
    tells failures ("Ausfall") from small disruptions, only failures count.
    """
    date_cols = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    if not date_cols:
        return [], {}
    start = next((c for c in date_cols if says("event_start", str(c))), date_cols[0])
    rows = frame
    word, number = _machine_key(sensor_title)
    text_cols = [c for c in frame.columns if frame[c].dtype == object]
    if word:
        for col in text_cols:
            keys = frame[col].astype(str).map(_machine_key)
            match = keys.map(lambda k: k == (word, number))
            if match.any():
                rows = frame[match]
                break
    kind_filter = None
    for col in text_cols:
        failure = rows[col].astype(str).map(lambda value: says("failure", value)).astype(bool)
        if failure.any() and not failure.all():
            rows, kind_filter = rows[failure.to_numpy()], col
            break
    events = sorted(pd.to_datetime(rows[start], errors="coerce").dropna().tolist())
    return events, {"date": start, "filter": kind_filter, "machine": f"{word} {number}".strip()}


def _machine_key(text: str) -> tuple[str, int | None]:
    stem = Path(str(text)).stem.lower()
    word = re.sub(r"[^a-zäöüß]+", " ", stem).strip().split(" ")[0] if stem else ""
    digits = MACHINE_NUMBER.findall(stem)
    return word, int(digits[-1]) if digits else None


def read_new_data(path: Path) -> pd.DataFrame:
    """A table file given to ``predict``, read by the project's readers and typed."""
    frame = engine.typed_file_frame(path)
    if frame is None:
        raise DatasetUnsuitable("poc.error.not_a_table", title=str(path), kind="-")
    return frame
