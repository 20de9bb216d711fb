"""ods and xls are read by their used range: a stray cell far out never builds the box from A1
to it; a sheet with more filled cells than a table has is "Tabellenblatt zu groß"."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.spreadsheet import MAX_FILLED_CELLS, open_workbook

HEADER = ["Nr", "Kunde", "Betrag"]
ROWS = [[i, f"Kunde {i}", i * 1.5] for i in range(1, 51)]


def _cell(value) -> str:
    if isinstance(value, str):
        return (f'<table:table-cell office:value-type="string"><text:p>{value}</text:p>'
                "</table:table-cell>")
    return (f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>")


def write_ods(path: Path, rows_xml: list[str]) -> Path:
    """An ods as LibreOffice writes it (mimetype first, content.xml, manifest)."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Daten">'
        + "".join(rows_xml) + "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def table_rows() -> list[str]:
    return ["<table:table-row>" + "".join(_cell(v) for v in row) + "</table:table-row>"
            for row in [HEADER, *ROWS]]


def expected_rows() -> list[list[str]]:
    return [[str(i), f"Kunde {i}", f"{i * 1.5:g}"] for i in range(1, 51)]


def only_table(path: Path):
    sources = open_workbook(path)
    assert len(sources) == 1
    return sources[0]


def test_ods_with_a_stray_cell_at_the_sheet_end_reads_its_table(tmp_path):
    gap = ('<table:table-row table:number-rows-repeated="1048500">'
           '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    stray = ('<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
             + _cell("vergessen") + "</table:table-row>")
    source = only_table(write_ods(tmp_path / "streuzelle.ods", [*table_rows(), gap, stray]))
    assert source.header == HEADER
    assert list(source.rows()) == expected_rows()
    assert [(i.code, i.values) for i in source.issues] == [("cells-outside-table", {"count": 1})]


def test_ods_without_stray_cells_reads_as_before(tmp_path):
    source = only_table(write_ods(tmp_path / "normal.ods", table_rows()))
    assert source.header == HEADER and list(source.rows()) == expected_rows()
    assert source.issues == []


def test_ods_with_more_filled_cells_than_a_table_is_too_big(tmp_path):
    per_row = 100
    rows = MAX_FILLED_CELLS // per_row + 10
    huge = (f'<table:table-row table:number-rows-repeated="{rows}">'
            f'<table:table-cell table:number-columns-repeated="{per_row}" '
            'office:value-type="float" office:value="1"/></table:table-row>')
    path = write_ods(tmp_path / "riesig.ods", [*table_rows(), huge])
    assert path.stat().st_size < 10_000  # small on disk, millions of cells unpacked
    with pytest.raises(ReadError) as caught:
        open_workbook(path)
    assert caught.value.key == "readers.error.sheet_too_big"
    assert str(caught.value).startswith("Tabellenblatt zu groß")


def test_xls_with_a_stray_cell_in_the_last_row_and_column_reads_its_table(tmp_path):
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("Daten")
    for r, row in enumerate([HEADER, *ROWS]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    sheet.write(65535, 255, "vergessen")  # IV65536, the last cell of a BIFF8 sheet
    path = tmp_path / "streuzelle.xls"
    book.save(str(path))
    source = only_table(path)
    assert source.header == HEADER
    assert list(source.rows()) == expected_rows()
    assert [(i.code, i.values) for i in source.issues] == [("cells-outside-table", {"count": 1})]
