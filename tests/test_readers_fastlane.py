"""The fast lane for clean stretches gives exactly the walker's rows and issues."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from datensorgfalt.sources import fastrows
from datensorgfalt.sources.delimited import open_delimited

NAMES = ["Müller", "Schäfer & Söhne", "Weiß; Groß", 'Der "Nord" Laden', "Öztürk", "Ärzte-Haus"]


def german_number(rng: random.Random) -> str:
    value = rng.randint(-500_000, 5_000_000) / 100
    text = f"{value:,.2f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def quoted(value: str, delimiter: str, always: bool) -> str:
    if always or delimiter in value or '"' in value or "\n" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def body_row(rng: random.Random, i: int, delimiter: str, always: bool, multiline: float) -> str:
    name = rng.choice(NAMES)
    if rng.random() < multiline:
        name += "\nzweite Zeile"
    cells = [str(i), f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2024",
             quoted(name, delimiter, always), german_number(rng), str(rng.randint(0, 9))]
    return delimiter.join(cells)


def write(path: Path, lines: list[str], encoding: str, newline: str) -> Path:
    path.write_bytes(newline.join(lines + [""]).encode(encoding, errors="replace"))
    return path


def table(rng: random.Random, rows: int, delimiter: str = ";", always: bool = False,
          multiline: float = 0.0) -> list[str]:
    header = delimiter.join(["Nr", "Datum", "Kunde", "Betrag", "Klasse"])
    return [header] + [body_row(rng, i, delimiter, always, multiline) for i in range(rows)]


def variants(rng: random.Random) -> dict[str, tuple[list[str], str, str]]:
    """name -> (lines, encoding, newline)"""
    plain = table(rng, 900)
    out = {
        "cp1252-semicolon": (plain, "cp1252", "\r\n"),
        "utf8-bom-comma-quoted": (table(rng, 700, ",", always=True), "utf-8-sig", "\n"),
        "utf16-tab": (table(rng, 500, "\t"), "utf-16", "\r\n"),
        "multiline-fields": (table(rng, 800, multiline=0.05), "utf-8", "\n"),
        "old-mac-newlines": (table(rng, 400), "latin-1", "\r"),
    }
    broken = list(plain)
    broken[500] = broken[500].replace("Müller", 'Mül"ler')  # a stray quote
    broken[610] = broken[610] + ";;überzählig"  # a ragged row
    broken[700:700] = ["", ";;;;"]  # blank rows inside the table
    out["stray-ragged-blank"] = (broken, "cp1252", "\r\n")
    out["blank-rows"] = (plain[:300] + [";;;;", " ; ;;;"] + plain[300:450] + [""] + plain[450:],
                         "utf-8", "\n")
    notes = ["Nr;Menge;Bemerkung"] + [
        f'{i};{i % 7};"Zeile {i}\nnoch eine Zeile"' if i % 50 == 0 else f"{i};{i % 7};kurz"
        for i in range(600)
    ]  # fields over two lines in the last column, so a cut record still has the full width
    out["multiline-last-column"] = (notes, "utf-8", "\n")
    glued = list(plain)
    for i in range(1, len(glued), 37):  # exports glued together keep their byte order marks
        glued[i] = "\ufeff" + glued[i]
    out["bom-inside"] = (glued, "utf-8", "\n")
    out["repeated-header"] = (plain[:400] + plain[:1] + plain[1:50], "utf-8", "\n")
    out["footer"] = (plain + ["", "Summe;;;123,45;", "Erstellt am 01.02.2025"], "utf-8", "\n")
    out["second-table"] = (plain[:300] + ["", "Artikel;Preis", "A-1;2,50", "A-2;3,10"],
                           "utf-8", "\n")
    out["no-header"] = (plain[1:], "cp1252", "\n")
    open_quote = list(plain)
    open_quote[64] = open_quote[64] + ';"offen'  # a quote never closed near a chunk edge
    out["unclosed-quote"] = (open_quote, "utf-8", "\n")
    return out


def read(path: Path, fast: bool) -> tuple[list[list[str]], list[str], list]:
    source = open_delimited(path)
    rows = [row for chunk in source.row_chunks(fast=fast) for row in chunk]
    return rows, source.header, [(i.code, i.severity, i.values) for i in source.issues]


def read_batches(path: Path) -> tuple[list[list[str]], list[str], list]:
    source = open_delimited(path)
    rows = [list(row.values()) for batch in source.batches(rows=500) for row in batch.to_pylist()]
    return rows, source.header, [(i.code, i.severity, i.values) for i in source.issues]


@pytest.mark.parametrize("chunk_lines", [7, 64, 2048])
def test_fast_lane_matches_walker(tmp_path: Path, monkeypatch, chunk_lines: int) -> None:
    monkeypatch.setattr(fastrows, "CHUNK_LINES", chunk_lines)
    monkeypatch.setattr(fastrows, "ARROW_MIN_LINES", 1)  # the arrow lane on small chunks too
    rng = random.Random(chunk_lines)
    for name, (lines, encoding, newline) in variants(rng).items():
        path = write(tmp_path / f"{name}.csv", lines, encoding, newline)
        walked = read(path, fast=False)
        fast = read(path, fast=True)
        assert fast == walked, name
        assert walked[0], name
        assert read_batches(path) == walked, name  # the arrow lane


def test_undecodable_bytes_are_counted_in_the_fast_lane(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(fastrows, "CHUNK_LINES", 100)
    lines = [line.encode("utf-8") for line in table(random.Random(1), 8000)]
    lines[7000] = lines[7000] + b"\xff\xfe"  # bytes UTF-8 cannot decode, below the sample
    path = tmp_path / "kaputt.csv"
    path.write_bytes(b"\n".join(lines) + b"\n")
    walked, fast = read(path, fast=False), read(path, fast=True)
    assert fast == walked
    codes = {code: values for code, _sev, values in fast[2]}
    assert codes["undecodable-bytes"] == {"lines": 1, "line": 7001}


def test_batches_hold_every_row_in_order(tmp_path: Path) -> None:
    lines = table(random.Random(5), 1000, multiline=0.02)
    path = write(tmp_path / "gross.csv", lines, "utf-8", "\n")
    walked, _header, _issues = read(path, fast=False)
    source = open_delimited(path)
    batches = list(source.batches(rows=300))
    assert [b.num_rows for b in batches] == [300, 300, 300, 100]
    values = [list(row.values()) for b in batches for row in b.to_pylist()]
    assert values == walked
