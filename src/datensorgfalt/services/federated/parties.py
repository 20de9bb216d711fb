"""The parties of a federation on this machine: each party's table (a file or a cataloged
dataset), checked, split into its own training and held-out part, and written into the
party's folder, where only its SuperNode reads it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from datensorgfalt.errors import DatensorgfaltError
from datensorgfalt.services.federated.apps import TRAIN_FILE
from datensorgfalt.services.poc.data import load_frame, read_new_data
from datensorgfalt.services.poc.tabular import holdout_split
from datensorgfalt.sources.types import FALSE_TOKENS, TRUE_TOKENS
from datensorgfalt.workspace import Workspace

if TYPE_CHECKING:
    from datensorgfalt.catalog import Catalog

MIN_ROWS = 20  # rows with a target value: enough for an own model and a held-out part
HELD_OUT_FILE = "pruefteil.parquet"


class PartyUnusable(DatensorgfaltError):
    """A party's table cannot take part (unreadable, no target, too few rows)."""


@dataclass
class Party:
    name: str
    source: str
    frame: pd.DataFrame
    folder: Path | None = None
    train: pd.DataFrame | None = None
    held_out: pd.DataFrame | None = None
    split: str = ""


def parse_party(text: str) -> tuple[str, str]:
    """``NAME=FILE_OR_DATASET_ID`` -> (name, source)."""
    name, sep, source = text.partition("=")
    if not sep or not name.strip() or not source.strip():
        raise PartyUnusable("federated.error.party_format", text=text)
    return name.strip(), source.strip()


def load_party(workspace: Workspace, catalog: Catalog | None, name: str, source: str,
               target: str) -> Party:
    frame = _read(workspace, catalog, name, source)
    if target not in frame.columns:
        raise PartyUnusable("federated.error.no_target", party=name, target=target,
                            columns=", ".join(map(str, frame.columns[:12])))
    frame = frame[frame[target].notna()].reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        raise PartyUnusable("federated.error.too_few_rows", party=name, rows=len(frame),
                            minimum=MIN_ROWS, target=target)
    return Party(name, source, frame)


def _read(workspace: Workspace, catalog: Catalog | None, name: str, source: str
          ) -> pd.DataFrame:
    path = Path(source).expanduser()
    try:
        if path.is_file():
            return read_new_data(path)
        if catalog is not None and not path.exists():
            return load_frame(workspace, catalog.dataset(source))
    except DatensorgfaltError as exc:
        raise PartyUnusable("federated.error.unreadable", party=name, source=source,
                            reason=str(exc)) from exc
    except Exception as exc:  # a file that does not parse: one sentence, not a traceback
        raise PartyUnusable("federated.error.unreadable", party=name, source=source,
                            reason=type(exc).__name__) from exc
    raise PartyUnusable("federated.error.no_source", party=name, source=source)


def harmonize(parties: list[Party]) -> None:
    """The readers type a column of "ja"/"nein" as yes/no values, but not at a party that has
    only one of the two words: such a column becomes yes/no values at every party, so that
    "nein" means the same class everywhere."""
    for name in {c for p in parties for c in p.frame.columns}:
        if not any(name in p.frame.columns and pd.api.types.is_bool_dtype(p.frame[name])
                   for p in parties):
            continue
        for party in parties:
            if name in party.frame.columns and not pd.api.types.is_bool_dtype(
                    party.frame[name]):
                party.frame[name] = _as_bool(party.frame[name])


def _as_bool(series: pd.Series) -> pd.Series:
    def word(value: object) -> object:
        text = str(value).strip().lower()
        if pd.isna(value):
            return None
        if text in TRUE_TOKENS or text == "1":
            return True
        if text in FALSE_TOKENS or text == "0":
            return False
        return value
    converted = series.map(word)
    return converted if converted.map(lambda v: v is None or isinstance(v, bool)).all() \
        else series


def guess_kind(parties: list[Party], target: str) -> str:
    values = pd.concat([p.frame[target] for p in parties], ignore_index=True)
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all() and numbers.nunique() > 10:
        return "regress"
    return "classify"


def check_kind(parties: list[Party], target: str, kind: str) -> None:
    for party in parties:
        values = party.frame[target]
        if kind == "regress" and pd.to_numeric(values, errors="coerce").isna().any():
            raise PartyUnusable("federated.error.not_numeric", party=party.name, target=target)
    if kind == "classify":
        classes = pd.concat([p.frame[target] for p in parties]).astype(str).nunique()
        if classes < 2:
            raise PartyUnusable("federated.error.one_class", target=target)


def prepare(party: Party, folder: Path, target: str, kind: str) -> Party:
    """Split the party's rows (its held-out part never leaves its folder) and write them."""
    folder.mkdir(parents=True, exist_ok=True)
    frame = _plain(party.frame)
    try:
        train, held_out, how = holdout_split(frame, target, kind, None)
    except ValueError:  # too few rows of a class to stratify: a plain random split
        order = np.random.default_rng(20240611).permutation(len(frame))
        cut = max(int(len(frame) * 0.8), 1)
        train, held_out, how = frame.iloc[order[:cut]], frame.iloc[order[cut:]], "random"
    party.folder, party.train, party.held_out, party.split = folder, train, held_out, how
    train.to_parquet(folder / TRAIN_FILE, index=False)
    held_out.to_parquet(folder / HELD_OUT_FILE, index=False)
    return party


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns as plain strings (Parquet refuses mixed Python objects)."""
    out = frame.copy()
    for name in out.columns:
        if out[name].dtype == object:
            out[name] = out[name].map(lambda v: None if pd.isna(v) else str(v))
    return out
