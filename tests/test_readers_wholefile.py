"""The whole-file lane reads a large clean UTF-8 file at once and gives exactly the rows and
issues of the chunk lanes and the walker; anything they would judge sends it back to them."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from datensorgfalt.sources import wholefile
from datensorgfalt.sources.delimited import open_delimited

HEADER = "Belegnr;Datum;Kunde;Betrag\n"
ROWS = 24_000  # a little over 1 MB


def body(start: int, n: int) -> str:
    return "".join(f'{i};{i % 28 + 1:02d}.03.2025;"Müller; Söhne {i % 50}";{i},50\n'
                   for i in range(start, start + n))


def read(path: Path) -> tuple[pa.Table, list[tuple[str, dict]]]:
    source = open_delimited(path)
    table = pa.Table.from_batches(list(source.batches()))
    return table, [(i.code, i.values) for i in source.issues]


VARIANTS = {
    "clean": lambda: HEADER + body(0, ROWS),
    "preamble and a line break in a cell": lambda: (
        "Export vom 01.04.2025\n" + HEADER + body(0, ROWS) + '7;;"zwei\nZeilen";1\n'),
    "blank line": lambda: HEADER + body(0, ROWS) + "\n" + body(ROWS, 10),
    "delimiters only": lambda: HEADER + body(0, ROWS) + ";;;\n" + body(ROWS, 10),
    "repeated header": lambda: HEADER + body(0, ROWS) + HEADER + body(ROWS, 10),
    "stray quote": lambda: HEADER + body(0, ROWS) + '5;01.01.2025;Ma"ier;3\n',
    "sum line": lambda: HEADER + body(0, ROWS) + "Summe;;;123.456,00\n",
    "ragged row": lambda: HEADER + body(0, ROWS) + "1;2;3;4;5;6\n" + body(ROWS, 10),
    "empty first cells": lambda: HEADER + body(0, ROWS) + ";01.01.2025;X;3\n",
    "NUL byte": lambda: HEADER + body(0, ROWS) + "9;01.01.2025;A\x00B;3\n",
}


@pytest.mark.parametrize("block", [wholefile.BLOCK_BYTES, 64 << 10])
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_whole_file_lane_reads_like_the_walker(tmp_path, monkeypatch, variant, block):
    """With small blocks the lane has given many pieces when it meets the row it refuses:
    the walker goes on from there."""
    path = tmp_path / "belege.csv"
    path.write_text(VARIANTS[variant](), encoding="utf-8", newline="")
    assert path.stat().st_size >= wholefile.WHOLE_FILE_BYTES
    monkeypatch.setattr(wholefile, "BLOCK_BYTES", block)
    taken, given = [], []
    original = wholefile.whole_file_tables

    def watched(source):
        tables = original(source)
        if tables is None:
            taken.append(False)
            return None
        return counted(tables)

    def counted(tables):
        try:
            for table in tables:
                given.append(table.num_rows)
                yield table
        except wholefile.Refused:
            taken.append(False)
            raise
        taken.append(True)

    monkeypatch.setattr("datensorgfalt.sources.delimited.whole_file_tables", watched)
    whole = read(path)
    monkeypatch.setattr(wholefile, "WHOLE_FILE_BYTES", 1 << 60)
    walked = read(path)
    assert whole[0].equals(walked[0])
    assert whole[1] == walked[1]
    assert taken[0] == (variant in ("clean", "preamble and a line break in a cell"))
    if block < wholefile.BLOCK_BYTES and variant in REFUSED_AT_THE_END:
        assert sum(given) > ROWS // 2  # refused late: most rows came from pyarrow


REFUSED_AT_THE_END = ("blank line", "delimiters only", "repeated header", "sum line",
                      "ragged row", "empty first cells")
