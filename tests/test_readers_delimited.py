"""Delimited text: encodings, dialects, layout, ragged rows, bad input, streaming."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from datensorgfalt.sources.base import ReadError
from datensorgfalt.sources.delimited import open_delimited

ROWS = [
    ["Belegnr", "Kunde", "Betrag", "Datum"],
    ["1001", "Müller GmbH", "1.234,50", "02.01.2023"],
    ["1002", "Bäckerei Schön", "99,00", "03.01.2023"],
    ["1003", "Groß & Söhne", "12,75", "04.01.2023"],
    ["1004", "Weiß KG", "7.000,00", "05.01.2023"],
]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def table_text(rows=ROWS, delimiter=";", newline="\n") -> str:
    return newline.join(delimiter.join(r) for r in rows) + newline


def read_all(path: Path) -> tuple[list[str], list[list[str]], object]:
    source = open_delimited(path)
    rows = [list(r.values()) for b in source.batches() for r in b.to_pylist()]
    return source.header, rows, source


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("cp1252", "cp1252"),
        ("utf-16", "utf-16"),  # with BOM
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_each_encoding_reads_umlauts(tmp_path, encoding, expected):
    path = write(tmp_path / "t.csv", table_text(), encoding)
    header, rows, source = read_all(path)
    assert source.dialect["encoding"] == expected
    assert header == ROWS[0]
    assert rows == ROWS[1:]


def test_latin1_only_bytes_fall_back_without_loss(tmp_path):
    # 0x81 is undefined in cp1252, so only latin-1 can decode every byte
    path = tmp_path / "t.csv"
    path.write_bytes("Name;Wert\nM\xfcller;1\nA\x81B;2\n".encode("latin-1"))
    header, rows, source = read_all(path)
    assert source.dialect["encoding"] in ("latin-1", "cp1252")
    assert rows[0] == ["Müller", "1"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_each_delimiter_and_record_delimiter(tmp_path, delimiter, newline):
    rows = [["id", "name", "wert"]] + [[str(i), f"Teil {i}", f"{i}.5"] for i in range(20)]
    path = write(tmp_path / "t.csv", table_text(rows, delimiter, newline))
    header, body, source = read_all(path)
    assert source.dialect["delimiter"] == delimiter
    assert source.dialect["record_delimiter"] == newline
    assert header == rows[0]
    assert body == rows[1:]


def test_quoted_fields_with_delimiters_newlines_and_doubled_quotes(tmp_path):
    text = (
        'id,text,preis\n'
        '1,"Schraube, verzinkt",0.10\n'
        '2,"Mutter ""M8""",0.05\n'
        '3,"zwei\nZeilen",1.00\n'
        '4,einfach,2.00\n'
    )
    header, rows, source = read_all(write(tmp_path / "q.csv", text))
    assert source.dialect["quotechar"] == '"'
    assert rows == [
        ["1", "Schraube, verzinkt", "0.10"],
        ["2", 'Mutter "M8"', "0.05"],
        ["3", "zwei\nZeilen", "1.00"],
        ["4", "einfach", "2.00"],
    ]


def test_backslash_escaping_is_detected(tmp_path):
    lines = ["id,text,n"] + [f'{i},"Rohr 3\\" lang, Typ {i}",{i}' for i in range(10)]
    header, rows, source = read_all(write(tmp_path / "e.csv", "\n".join(lines) + "\n"))
    assert source.dialect["escapechar"] == "\\"
    assert rows[0] == ["0", 'Rohr 3" lang, Typ 0', "0"]


def test_single_quote_as_quote_character(tmp_path):
    lines = ["id,text,n"] + [f"{i},'a, b {i}',{i}" for i in range(10)]
    header, rows, source = read_all(write(tmp_path / "s.csv", "\n".join(lines) + "\n"))
    assert source.dialect["quotechar"] == "'"
    assert rows[3] == ["3", "a, b 3", "3"]


def test_multi_line_header_is_joined(tmp_path):
    text = "Umsatz;Umsatz;Menge\nnetto;brutto;Stück\n" + "\n".join(
        f"{i},50;{i + 1},19;{i}" for i in range(1, 12)
    )
    header, rows, source = read_all(write(tmp_path / "h.csv", text + "\n"))
    assert header == ["Umsatz netto", "Umsatz brutto", "Menge Stück"]
    assert source.dialect["header_rows"] == 2
    assert len(rows) == 11


def test_preamble_and_footnotes_are_skipped_and_reported(tmp_path):
    text = (
        "Umsatzliste Müller Umformtechnik GmbH\n"
        "Export vom 01.02.2025;;;\n"
        "\n"
        + table_text()
        + "\n"
        "Summe aller Belege: 8.346,25\n"
        "* Beträge in Euro\n"
    )
    header, rows, source = read_all(write(tmp_path / "p.csv", text, "cp1252"))
    assert header == ROWS[0]
    assert rows == ROWS[1:]
    assert source.dialect["preamble_lines"] == 3
    codes = {i.code for i in source.issues}
    assert {"preamble-skipped", "footer-skipped"} <= codes


def test_german_numbers_and_dates_are_reported_in_dialect(tmp_path):
    _header, _rows, source = read_all(write(tmp_path / "de.csv", table_text(), "cp1252"))
    assert source.dialect["decimal_sep"] == ","
    assert source.dialect["thousands_sep"] == "."
    assert source.dialect["date_format"] == "%d.%m.%Y"


def test_no_header_gives_numbered_columns(tmp_path):
    text = "\n".join(f"{i};{i * 2},5;0{i % 9 + 1}.03.2024" for i in range(1, 30)) + "\n"
    header, rows, source = read_all(write(tmp_path / "n.csv", text))
    assert header == ["col_0", "col_1", "col_2"]
    assert rows[0] == ["1", "2,5", "02.03.2024"]
    assert len(rows) == 29


def test_ragged_rows_are_aligned_and_reported(tmp_path):
    rows = [["id", "datum", "menge", "text"]] + [
        [str(i), f"0{i % 9 + 1}.01.2024", str(i * 3), f"Posten {i}"] for i in range(20)
    ]
    lines = [",".join(r) for r in rows]
    lines[5] = "4,05.01.2024,,12,Posten 4"  # one delimiter too many
    lines[8] = "7,08.01.2024,21"  # one cell missing
    lines[10] = "9,01.01.2024,27,Posten 9,,,"  # trailing delimiters
    header, body, source = read_all(write(tmp_path / "r.csv", "\n".join(lines) + "\n"))
    assert all(len(r) == 4 for r in body)
    assert body[4] == ["4", "05.01.2024", "12", "Posten 4"]
    assert body[7][:3] == ["7", "08.01.2024", "21"]
    assert body[9] == ["9", "01.01.2024", "27", "Posten 9"]
    ragged = next(i for i in source.issues if i.code == "ragged-rows")
    assert ragged.values["count"] == 2


def test_stray_quote_does_not_swallow_following_lines(tmp_path):
    lines = ["id,name,wert"] + [f'{i},"Teil {i}",{i}' for i in range(10)]
    lines[3] = '2,"Teil 2,2'  # an opening quote that never closes
    header, rows, _source = read_all(write(tmp_path / "sq.csv", "\n".join(lines) + "\n"))
    assert len(rows) == 10
    assert rows[3] == ["3", "Teil 3", "3"]


def test_second_table_below_is_not_mixed_in(tmp_path):
    first = table_text()
    second = "Artikel;Preis\nA;1\nB;2\nC;3\n"
    header, rows, source = read_all(write(tmp_path / "m.csv", first + "\n" + second))
    assert rows == ROWS[1:]
    assert any(i.code == "further-table-skipped" for i in source.issues)


def test_empty_lines_inside_table_are_skipped(tmp_path):
    text = table_text().replace("\n1002", "\n\n1002")
    header, rows, source = read_all(write(tmp_path / "el.csv", text))
    assert rows == ROWS[1:]


def test_file_with_only_a_header(tmp_path):
    header, rows, _source = read_all(write(tmp_path / "h.csv", "Name;Ort;PLZ\n"))
    assert header == ["Name", "Ort", "PLZ"]
    assert rows == []


def test_huge_field_is_read(tmp_path):
    big = "x" * 3_000_000
    header, rows, _source = read_all(write(tmp_path / "big.csv", f'id,text\n1,"{big}"\n2,kurz\n'))
    assert rows[0][1] == big
    assert rows[1] == ["2", "kurz"]


def test_large_file_streams_in_bounded_batches(tmp_path):
    path = tmp_path / "gross.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id;wert;datum\n")
        for i in range(200_000):
            handle.write(f"{i};{i % 1000},5;01.02.2024\n")
    source = open_delimited(path)
    sizes = [batch.num_rows for batch in source.batches(rows=50_000)]
    assert max(sizes) <= 50_000
    assert sum(sizes) == 200_000


@pytest.mark.parametrize(
    "content, key",
    [
        (b"", "readers.error.empty"),
        (b"PK\x03\x04" + bytes(range(256)) * 4, "readers.error.binary"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "readers.error.binary"),
        (bytes(range(256)) * 20, "readers.error.binary"),
    ],
)
def test_unreadable_files_raise_read_error_with_message(tmp_path, content, key):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ReadError) as caught:
        open_delimited(path)
    assert caught.value.key == key
    assert str(path) in str(caught.value)


def test_vanished_file(tmp_path):
    with pytest.raises(ReadError) as caught:
        open_delimited(tmp_path / "weg.csv")
    assert caught.value.key == "readers.error.vanished"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read everything")
def test_unreadable_permissions(tmp_path):
    path = write(tmp_path / "geheim.csv", table_text())
    path.chmod(0)
    with pytest.raises(ReadError) as caught:
        open_delimited(path)
    assert caught.value.key == "readers.error.permission"


def test_undecodable_bytes_are_replaced_and_reported(tmp_path):
    # UTF-8 in the sample, one cp1252 line far below it
    path = tmp_path / "mix.csv"
    body = "".join(f"{i};Größe {i};{i},5\n" for i in range(20_000)).encode()
    path.write_bytes(b"id;name;wert\n" + body + b"99;Gr\xf6\xdfe;1,0\n")
    source = open_delimited(path)
    assert source.dialect["encoding"] == "utf-8"
    rows = [r for b in source.batches() for r in b.to_pylist()]
    assert len(rows) == 20_001
    assert rows[-1]["name"] == "Gr\ufffd\ufffde"
    assert any(i.code == "undecodable-bytes" for i in source.issues)


def test_original_is_never_modified(tmp_path):
    path = write(tmp_path / "orig.csv", table_text(), "cp1252")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    mtime = path.stat().st_mtime_ns
    read_all(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == mtime


@pytest.mark.slow
def test_memory_stays_flat_while_streaming(tmp_path):
    import tracemalloc

    path = tmp_path / "flach.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("id;text;wert\n")
        for i in range(120_000):
            handle.write(f'{i};"Zeile {i} mit etwas Text, damit sie breit ist";{i % 977},25\n')
    size = path.stat().st_size
    source = open_delimited(path)
    tracemalloc.start()
    rows = 0
    for batch in source.batches(rows=1_000):
        rows += batch.num_rows
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == 120_000
    assert peak < size / 4, f"peak {peak} bytes for a file of {size} bytes"


def test_title_above_a_narrow_table(tmp_path):
    text = "Lagerbestand\nStand 01.03.2024\nTeil;Menge\nBlech;12\nRohr;7\nWinkel;3\n"
    header, rows, source = read_all(write(tmp_path / "schmal.csv", text))
    assert header == ["Teil", "Menge"]
    assert rows == [["Blech", "12"], ["Rohr", "7"], ["Winkel", "3"]]
    assert source.dialect["preamble_lines"] == 2


def test_unescaped_quote_inside_a_quoted_field_is_kept(tmp_path):
    lines = ["id,text,n"] + [f"{i},'Teil {i}, rund',{i}" for i in range(10)]
    lines[4] = "3,'Men's Stiefel, wasserdicht',3"
    header, rows, source = read_all(write(tmp_path / "apo.csv", "\n".join(lines) + "\n"))
    assert source.dialect["quotechar"] == "'"
    assert rows[3] == ["3", "Men's Stiefel, wasserdicht", "3"]
    assert any(i.code == "stray-quotes-repaired" for i in source.issues)


def test_stray_empty_cell_is_removed_where_it_fits_the_columns(tmp_path):
    rows = [["datum", "zeit", "menge", "text", "bemerkung"]] + [
        [f"0{i % 9 + 1}.01.2024", f"1{i % 10}:00", str(i), f"Posten {i}", ""] for i in range(20)
    ]
    lines = [",".join(r) for r in rows]
    lines[6] = "06.01.2024,15:00,,5,Posten 5,"  # an extra delimiter after the time
    header, body, _source = read_all(write(tmp_path / "leer.csv", "\n".join(lines) + "\n"))
    assert body[5] == ["06.01.2024", "15:00", "5", "Posten 5", ""]


def test_semicolon_wins_over_decimal_commas_without_header(tmp_path):
    text = "1,5;2,5\n3,25;4,75\n10,5;7,1\n2,0;3,3\n"
    header, rows, source = read_all(write(tmp_path / "zahlen.csv", text))
    assert source.dialect["delimiter"] == ";"
    assert header == ["col_0", "col_1"]
    assert rows[0] == ["1,5", "2,5"]


def test_excel_separator_line_names_the_delimiter(tmp_path):
    text = "sep=;\r\n" + table_text(newline="\r\n")
    header, rows, source = read_all(write(tmp_path / "excel.csv", text, "utf-8-sig"))
    assert source.dialect["delimiter"] == ";"
    assert source.dialect["separator_line"] is True
    assert header == ROWS[0]
    assert rows == ROWS[1:]


def test_a_line_with_many_more_fields_is_fitted_without_losing_values(tmp_path):
    # one line of 1,000 fields among rows of three: fitted in linear time, its values kept
    body = ["a,b,c"] + [f"{i},Teil {i},{i}.5" for i in range(40)]
    wide = ",".join(f"x{i}" for i in range(1000))
    path = write(tmp_path / "t.csv", "\n".join(body[:20] + [wide] + body[20:]) + "\n")
    header, rows, source = read_all(path)
    assert header == ["a", "b", "c"]
    assert len(rows) == 41 and all(len(r) == 3 for r in rows)
    fitted = next(r for r in rows if r[0] == "x0")
    assert ",".join(fitted).split(",") == wide.split(",")
    assert any(i.code == "ragged-rows" for i in source.issues)


def test_a_header_longer_than_the_sample_does_not_set_the_width(tmp_path):
    # a 50,000-name header (bigger than the first sample) over rows of nine values
    header = ",".join(f"spalte{i}" for i in range(50_000))
    body = "\n".join(",".join(str((i * j) % 97) for j in range(9)) for i in range(300))
    path = write(tmp_path / "t.csv", header + "\n" + body + "\n")
    names, rows, _source = read_all(path)
    assert len(names) == 9 and len(rows) == 300
    assert rows[1] == [str(j % 97) for j in range(9)]


# --- real exports: preambles, titles, unit lines (issue 12) ---------------------------------


def test_a_preamble_sentence_with_the_delimiter_is_not_a_header_row(tmp_path):
    text = ("Export erstellt am Montag, 3. Februar 2025, Benutzer Admin, Mandant 100\n"
            "Nr,Name,Betrag,Datum\n1,Meier,12.5,2025-01-02\n2,Schulz,7.25,2025-01-03\n"
            "3,Koch,99.0,2025-01-04\n")
    header, rows, source = read_all(write(tmp_path / "t.csv", text))
    assert header == ["Nr", "Name", "Betrag", "Datum"]
    assert rows[0] == ["1", "Meier", "12.5", "2025-01-02"] and len(rows) == 3
    assert source.dialect["preamble_lines"] == 1


def test_a_datev_extf_line_above_the_header_is_preamble(tmp_path):
    names = ["Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Konto",
             "Gegenkonto (ohne BU-Schlüssel)", "Belegdatum", "Belegfeld 1", "Buchungstext"]
    extf = ('"EXTF";700;21;"Buchungsstapel";13;20250203120512345;;"RE";"Admin";"";1000;10001;'
            '20250101;4;20250101;20250131;"Buchungen Januar"')
    body = [f'{i},50;"S";"EUR";"8400";"{10000 + i}";"0{i}01";"RE-{i}";"Erlöse 19 %"'
            for i in range(1, 9)]
    path = write(tmp_path / "EXTF_Buchungsstapel.csv",
                 "\r\n".join([extf, ";".join(names), *body]) + "\r\n", "cp1252")
    header, rows, _source = read_all(path)
    assert header == names
    assert rows[0] == ["1,50", "S", "EUR", "8400", "10001", "0101", "RE-1", "Erlöse 19 %"]
    assert len(rows) == 8


@pytest.mark.parametrize("gap", ["", ";;", ";"])
def test_title_then_empty_line_then_header_keeps_the_rows(tmp_path, gap):
    text = f"Kundenliste Stand 03.02.2025{';' if gap else ''}\n{gap}\nNr;Name;Notiz\n" + \
        "1;Meier;\n2;Schulz;\n3;Koch;ruft an\n4;Weiß;\n"
    header, rows, _source = read_all(write(tmp_path / "t.csv", text))
    assert header == ["Nr", "Name", "Notiz"]
    assert rows == [["1", "Meier", ""], ["2", "Schulz", ""], ["3", "Koch", "ruft an"],
                    ["4", "Weiß", ""]]


def test_fully_quoted_semicolons_with_a_line_break_in_the_last_field(tmp_path):
    text = ('"Datum";"Betrag";"Verwendungszweck"\r\n'
            '"03.02.2025";"-12,50";"Miete Januar - Lager\r\nRest"\r\n'
            '"04.02.2025";"-7,00";"Strom - Abschlag Februar"\r\n'
            '"05.02.2025";"100,00";"Gutschrift - RE 17\nvom 02.02."\r\n')
    header, rows, source = read_all(write(tmp_path / "t.csv", text, "cp1252"))
    assert source.dialect["delimiter"] == ";"
    assert source.dialect["decimal_sep"] == ","
    assert header == ["Datum", "Betrag", "Verwendungszweck"]
    assert rows[0] == ["03.02.2025", "-12,50", "Miete Januar - Lager\r\nRest"]
    assert rows[2][2] == "Gutschrift - RE 17\nvom 02.02."


@pytest.mark.parametrize("names", [["Probe 1", "Probe 2", "12 mm", "24 mm"],
                                   ["2_ 3", "4_ 5", "Lauf 2", "10 µm"]])
def test_a_single_header_with_digits_in_its_names_stays_one_row(tmp_path, names):
    body = [[f"{(i * 7 + j) % 50},{j}" for j in range(4)] for i in range(12)]
    header, rows, source = read_all(write(tmp_path / "t.csv", table_text([names, *body])))
    assert header == names
    assert rows == body
    assert source.dialect["header_rows"] == 1


def test_lab_export_with_metadata_lines_and_a_unit_line(tmp_path):
    meta = ("Messprotokoll Reaktor R2;;;\nGerät: Multi 3630 IDS; SN 19051234;;\n"
            "Operator;A. Groß;;\n;;;\n")
    head = "Zeit;Temperatur;pH;Leitfähigkeit\n[s];[°C];[-];[mS/cm]\n"
    body = [[str(i * 10), f"2{i % 5},{i}", f"7,{i % 9}", f"1,{i:02d}"] for i in range(15)]
    header, rows, _source = read_all(write(tmp_path / "t.csv", meta + head + table_text(body)))
    assert header == ["Zeit [s]", "Temperatur [°C]", "pH [-]", "Leitfähigkeit [mS/cm]"]
    assert rows == body


def test_empty_columns_right_of_an_excel_table_are_dropped(tmp_path):
    body = [[str(i), f"Kunde {i}", f"{i},5", ""] for i in range(3000)]
    text = table_text([["Nr", "Name", "Umsatz", "Notiz"], *body]).replace("\n", ";;\n")
    header, rows, _source = read_all(write(tmp_path / "t.csv", text + ";;;;;\n"))
    assert header == ["Nr", "Name", "Umsatz", "Notiz"]
    assert rows == body


def test_years_name_the_columns_of_a_statistical_table(tmp_path):
    body = [["Bayern", "32066,0", "37893,7", "24446,1"], ["Berlin", "1234,5", "2345,6", "3456,7"],
            ["Hessen", "999,1", "1000,2", "1001,3"]]
    text = "Bruttoinlandsprodukt in Mio. EUR\n" + table_text([["Land", "2021", "2022", "2023"],
                                                           *body])
    header, rows, _source = read_all(write(tmp_path / "t.csv", text))
    assert header == ["Land", "2021", "2022", "2023"]
    assert rows == body


def test_a_list_printed_between_bars_with_rules(tmp_path):
    rule = "-" * 40
    lines = ["03.02.2025      Dynamische Listenausgabe      1", "", rule,
             "|Belegnr  |Datum     |    Betrag|Text     |", rule]
    lines += [f"|{100 + i:<9}|0{i}.02.2025|{i * 3},50-|Miete {i}  |" for i in range(1, 8)]
    header, rows, _source = read_all(write(tmp_path / "t.txt", "\n".join([*lines, rule]) + "\n"))
    assert header == ["Belegnr", "Datum", "Betrag", "Text"]
    assert len(rows) == 7
    assert [c.strip() for c in rows[0]] == ["101", "01.02.2025", "3,50-", "Miete 1"]


def test_timestamps_keep_their_colons_inside_the_values(tmp_path):
    body = [[f"2012-01-01 {h:02d}:00:00", f"79{h:02d}.5{h}"] for h in range(24)]
    header, rows, source = read_all(write(tmp_path / "t.csv", table_text([["ds", "y"], *body],
                                                                        ",")))
    assert source.dialect["delimiter"] == ","
    assert header == ["ds", "y"] and rows == body


def test_dos_export_in_code_page_850_keeps_its_umlauts(tmp_path):
    rows = [["Kdnr", "Name", "Ort"], ["10001", "Jürgen Müller", "Düsseldorf"],
            ["10002", "Özlem Weiß", "Köln"], ["10003", "Anna Schäfer", "Görlitz"]]
    path = tmp_path / "kunden_dos.csv"
    path.write_bytes("".join(";".join(r) + "\r\n" for r in rows).encode("cp850"))
    source = open_delimited(path)
    assert source.dialect["encoding"] == "cp850"
    assert source.header == rows[0] and list(source.rows()) == rows[1:]


def test_windows_export_with_german_quotes_stays_cp1252(tmp_path):
    rows = [["Nr", "Text"], ["1", "„Angebot“ gültig bis März"], ["2", "Größe 5 €"]]
    path = tmp_path / "texte.csv"
    path.write_bytes("".join(";".join(r) + "\r\n" for r in rows).encode("cp1252"))
    assert open_delimited(path).dialect["encoding"] == "cp1252"


@pytest.mark.parametrize("rows", [3, 3000])  # the walker alone, and the fast lanes
def test_sum_and_end_lines_below_an_accounting_export_are_no_data(tmp_path, rows):
    body = [f"{i % 28 + 1:02d}.01.2025;RE{1000 + i};Büromaterial;{i},50" for i in range(rows)]
    lines = ["Belegdatum;Belegnr;Text;Betrag", *body[: rows // 2],
             "Gesamt;RE9;Zwischenposten;1,00",  # inside the table: a data row
             *body[rows // 2:], "Summe;;;12.345,67", "Ende der Liste"]
    path = tmp_path / "journal.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252") + b"\r\n")
    source = open_delimited(path)
    read = list(source.rows())
    assert len(read) == rows + 1 and read[-1][1] == f"RE{1000 + rows - 1}"
    assert ["Gesamt", "RE9", "Zwischenposten", "1,00"] in read
    footer = [i for i in source.issues if i.code == "footer-skipped"]
    assert footer and footer[0].values["count"] == 2
