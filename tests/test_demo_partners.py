"""The demo's three customers with machine data (for learning together): files the reader
parses, unequal sizes, a few gaps, outside Müller's own scan, and a shared relationship that a
small company learns much better together than alone."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from datensorgfalt.demo.landscape import Landscape
from datensorgfalt.demo.partners import (
    HEADER,
    PARTNER_DIR,
    PARTNERS,
    README,
    TARGET,
    WEAR_RATE,
    write_partners,
)
from datensorgfalt.engine import typed_file_frame
from datensorgfalt.services.scan.discover import discover

NUMERIC = [c for c in HEADER if c not in ("werkstoff", TARGET)]


@pytest.fixture(scope="module")
def frames(demo_company: Path) -> dict[str, pd.DataFrame]:
    return {p.name: typed_file_frame(demo_company / p.file) for p in PARTNERS}


def test_every_customer_file_parses_with_typed_columns(frames, demo_company: Path) -> None:
    for partner in PARTNERS:
        frame = frames[partner.name]
        assert list(frame.columns) == list(HEADER)
        assert len(frame) == partner.rows
        for column in NUMERIC + [TARGET]:
            assert pd.api.types.is_numeric_dtype(frame[column]), (partner.name, column)
        assert set(frame["werkstoff"].dropna()) <= set(WEAR_RATE)
        assert frame[TARGET].notna().all() and (frame[TARGET] > 0).all()
        gaps = frame.drop(columns=TARGET).isna().mean()
        assert 0 < gaps.max() < 0.1, (partner.name, gaps.to_dict())  # here and there
    # two German Excel exports and one controller export: the reader handles both
    first_lines = [(demo_company / p.file).read_text("utf-8").splitlines()[1] for p in PARTNERS]
    assert ";" in first_lines[0] and "," in first_lines[0]
    assert ";" not in first_lines[-1] and "." in first_lines[-1]


def test_sizes_are_unequal(frames) -> None:
    sizes = sorted(len(f) for f in frames.values())
    assert len(set(sizes)) == 3 and sizes[-1] >= 10 * sizes[0]


def test_the_customer_data_is_not_the_company_own(demo_company: Path) -> None:
    """Müller's scan does not take the customers' rows into its catalog: they stand for the
    customers' own machines (the listing of the demo knows them, the scan does not)."""
    found = discover([str(demo_company)])
    assert not [u.path for u in found.units if u.path and PARTNER_DIR in u.path.parts]
    listed = (demo_company / ".demo/files.txt").read_text("utf-8").splitlines()
    assert {p.file for p in PARTNERS} | {README} <= set(listed)
    assert "datensorgfalt federated run" in (demo_company / README).read_text("utf-8")


def test_same_seed_same_bytes_other_seed_other_rows(tmp_path: Path, demo_company: Path) -> None:
    again, other = tmp_path / "again", tmp_path / "other"
    write_partners(Landscape(again, 42))
    write_partners(Landscape(other, 7))
    for partner in PARTNERS:
        data = (demo_company / partner.file).read_bytes()
        assert (again / partner.file).read_bytes() == data
        assert (other / partner.file).read_bytes() != data


def _model() -> object:
    layout = make_column_transformer(
        ("passthrough", NUMERIC),
        (OneHotEncoder(handle_unknown="ignore", sparse_output=False), ["werkstoff"]))
    return make_pipeline(layout, HistGradientBoostingRegressor(max_iter=150, random_state=0))


def _mae(train: pd.DataFrame, test: pd.DataFrame) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = _model().fit(train.drop(columns=TARGET).fillna({"werkstoff": "?"}),
                             train[TARGET])
        guess = model.predict(test.drop(columns=TARGET).fillna({"werkstoff": "?"}))
    return float(np.mean(np.abs(guess - test[TARGET].to_numpy())))


def test_together_helps_the_smallest_company_clearly(frames) -> None:
    """A quick fit: the smallest company's own rows against all companies' rows, judged on
    the smallest company's held-out rows (three different splits)."""
    smallest = min(frames, key=lambda name: len(frames[name]))
    alone, pooled = [], []
    for seed in range(3):
        parts = {}
        for name, frame in frames.items():
            order = np.random.default_rng(seed).permutation(len(frame))
            cut = int(len(frame) * 0.75)
            parts[name] = frame.iloc[order[:cut]], frame.iloc[order[cut:]]
        train, test = parts[smallest]
        alone.append(_mae(train, test))
        pooled.append(_mae(pd.concat([tr for tr, _ in parts.values()]), test))
    assert np.mean(pooled) < 0.75 * np.mean(alone), (alone, pooled)
    # the relationship is real: far better than guessing the smallest company's mean
    train, test = parts[smallest]
    assert np.mean(pooled) < 0.5 * float(np.mean(np.abs(test[TARGET] - train[TARGET].mean())))
