"""Staging a clean delimited file with pyarrow's CSV reader gives exactly the reader's table;
anything the reader would repair falls back to the reader."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from datensorgfalt.engine.fastcsv import stage_clean_csv
from datensorgfalt.engine.staging import write_parquet
from datensorgfalt.sources.registry import open_location

HEADER = "Belegnr;Datum;Kunde;Betrag\n"


def _rows(n: int) -> str:
    return "".join(f'{i};{i % 28 + 1:02d}.03.2025;"Müller; Söhne {i}";{i},50\n'
                   for i in range(n))


def _reader_table(path: Path, tmp_path: Path):
    target = tmp_path / "reader.parquet"
    write_parquet(path.as_uri(), target)  # no row count: always the reader
    return pq.read_table(target)


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_clean_file_is_staged_like_the_reader(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "belege.csv"
    path.write_text("Export vom 01.04.2025\n" + HEADER + _rows(3000) + '7;;"zwei\nZeilen";\n',
                    encoding)
    expected = _reader_table(path, tmp_path)
    target = tmp_path / "fast.parquet"
    assert stage_clean_csv(open_location(path.as_uri()), target, expected.num_rows)
    fast = pq.read_table(target)
    assert fast.equals(expected)
    assert fast.column("Kunde")[3000].as_py() == "zwei\nZeilen"


@pytest.mark.parametrize("tail", ["\n\n;;;\n", "Erstellt von Admin\n", HEADER, "1;2;3;4;5\n"])
def test_anything_to_repair_goes_to_the_reader(tmp_path: Path, tail: str) -> None:
    path = tmp_path / "belege.csv"
    path.write_text(HEADER + _rows(500) + tail + _rows(500), "utf-8")
    expected = _reader_table(path, tmp_path)
    target = tmp_path / "fast.parquet"
    assert not stage_clean_csv(open_location(path.as_uri()), target, expected.num_rows)
    assert not target.exists()
    staged = tmp_path / "staged.parquet"
    write_parquet(path.as_uri(), staged, expected.num_rows)
    assert pq.read_table(staged).equals(expected)
