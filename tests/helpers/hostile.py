"""Hostile files, made at test time in a temp folder (nothing big is committed).

Each builder writes one file that once hung or killed the scan, or was read wrong; ``EXPECTED``
says what the scan must make of it: the finding code it gets, or ``None`` when the file must be
cataloged as a table (then with the finding code given in ``READ_WITH``).
"""

from __future__ import annotations

import os
import random
import zipfile
from pathlib import Path

import openpyxl

GOOD_ROWS = 5


def good_csv(folder: Path) -> Path:
    path = folder / "gut.csv"
    lines = ["Kundennr;Name;Betrag"] + [f"{i};Kunde {i};{i},50" for i in range(GOOD_ROWS)]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def good_xlsx(folder: Path) -> Path:
    path = folder / "gut.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Daten"
    sheet.append(["Artikel", "Menge"])
    for i in range(GOOD_ROWS):
        sheet.append([f"A{i}", i])
    book.save(path)
    return path


def stray_cell_xlsx(folder: Path, rows: int = 50, name: str = "streuzelle.xlsx") -> Path:
    """50 rows and one stray cell in XFD1048576: calamine alone asks for 512 GB."""
    path = folder / name
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Liste"
    sheet.append(["Nr", "Name", "Betrag"])
    for i in range(rows):
        sheet.append([i, f"Name {i}", i * 1.5])
    sheet["XFD1048576"] = "verirrt"
    book.save(path)
    return path


def zip_bomb_xlsx(folder: Path, megabytes: int = 300) -> Path:
    """A small xlsx whose sheet XML unpacks to ``megabytes`` (spaces, packed 1000 to 1)."""
    path = folder / "zipbombe.xlsx"
    plain = stray_cell_xlsx(folder, rows=3, name="vorlage.xlsx")
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) \
            as target:
        for info in source.infolist():
            data = source.read(info)
            if not info.filename.startswith("xl/worksheets/"):
                target.writestr(info.filename, data)
                continue
            head, tail = data.split(b"<sheetData>", 1)
            with target.open(info.filename, "w", force_zip64=True) as stream:
                stream.write(head + b"<sheetData>")
                block = b" " * (1024 * 1024)
                for _ in range(megabytes):
                    stream.write(block)
                stream.write(tail)
    plain.unlink()
    return path


def fifo_csv(folder: Path) -> Path:
    path = folder / "leitung.csv"
    os.mkfifo(path)
    return path


def device_csv(folder: Path) -> Path:
    """A link named like a table that leads to /dev/zero (hashing it would never end)."""
    path = folder / "null.csv"
    path.symlink_to("/dev/zero")
    return path


def deep_json(folder: Path, depth: int = 10_000) -> Path:
    path = folder / "tief.json"
    path.write_text("[" * depth + "]" * depth, "utf-8")
    return path


def random_binary_csv(folder: Path) -> Path:
    path = folder / "zufall.csv"
    path.write_bytes(random.Random(12).randbytes(64 * 1024))
    return path


def nul_csv(folder: Path) -> Path:
    path = folder / "nullbytes.csv"
    path.write_bytes(b"Nr;Name;Ort\n1;Meier\x00\x00;Essen\n2;Schulz;Bochum\x00\n3;Kaya;Hagen\n")
    return path


def mixed_encoding_csv(folder: Path) -> Path:
    """ISO-8859-1 (cp1252) with one UTF-8 line appended by another program."""
    path = folder / "gemischt.csv"
    data = "Name;Ort\nMüller;Köln\nWeiß;Gießen\n".encode("cp1252")
    data += "Größe;Düsseldorf\n".encode()
    path.write_bytes(data)
    return path


def wide_row_csv(folder: Path, fields: int = 1_000) -> Path:
    """One line with many more fields than the others."""
    path = folder / "breit.csv"
    lines = ["a,b,c"] + ["1,2,3"] * 20 + [",".join(["x y"] * fields)] + ["4,5,6"] * 5
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def long_line_csv(folder: Path, megabytes: int = 100) -> Path:
    """One line of 100 MB, no line break at all."""
    path = folder / "eine_zeile.csv"
    chunk = ("Wert;" * 200_000).encode()  # 1 MB
    with path.open("wb") as handle:
        for _ in range(megabytes):
            handle.write(chunk)
    return path


#: builder -> finding code the file must get (None: it is read as a table)
EXPECTED = {
    good_csv: None,
    good_xlsx: None,
    stray_cell_xlsx: None,
    zip_bomb_xlsx: "sheet-packed-too-big",
    fifo_csv: "not-regular-file",
    device_csv: "not-regular-file",
    deep_json: "json-too-deep",
    random_binary_csv: "binary",
    nul_csv: None,
    mixed_encoding_csv: None,
}
#: files read as tables, with the finding they must carry
READ_WITH = {
    stray_cell_xlsx: "cells-outside-table",
    nul_csv: "nul-bytes",
    mixed_encoding_csv: "mixed-encoding",
}
#: files that may be read or stopped by the time limit, but never hang the scan
READ_OR_STOPPED = (wide_row_csv, long_line_csv)


def build(folder: Path) -> dict[str, object]:
    """All hostile files in ``folder``; file name -> builder."""
    folder.mkdir(parents=True, exist_ok=True)
    return {builder(folder).name: builder for builder in (*EXPECTED, *READ_OR_STOPPED)}
