"""Document folders: pdf, docx, eml and txt give their text and language; broken ones become
findings."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import docx

from datensorgfalt.sources.documents import extract_text, guess_language
from tests.helpers.scan import run_scan


def write_pdf(path: Path, text: str) -> None:
    """A minimal, valid one-page PDF with ``text`` (offsets computed, not copied)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    path.write_bytes(bytes(out))


def _documents(folder: Path) -> None:
    folder.mkdir(parents=True)
    write_pdf(folder / "angebot.pdf", "Sehr geehrte Damen und Herren, wir senden Ihnen das "
              "Angebot und bitten um eine Antwort")
    document = docx.Document()
    document.add_paragraph("Dear customer, thank you for your order. We will ship it "
                           "to you in the next week and send the invoice.")
    document.save(folder / "order.docx")
    message = EmailMessage()
    message["From"] = "Max Mustermann <max@kunde.de>"
    message["To"] = "vertrieb@firma.de"
    message["Subject"] = "Anfrage Flansche"
    message.set_content("Guten Tag, wir bitten um ein Angebot für 200 Flansche. "
                        "Mit freundlichen Grüßen, Max Mustermann, Tel. 0201 987654")
    (folder / "anfrage.eml").write_bytes(bytes(message))
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4\nnicht wirklich ein pdf")


def test_extract_text_of_each_format(tmp_path: Path) -> None:
    _documents(tmp_path / "docs")
    assert "Angebot" in extract_text(tmp_path / "docs" / "angebot.pdf")
    assert "thank you" in extract_text(tmp_path / "docs" / "order.docx")
    mail = extract_text(tmp_path / "docs" / "anfrage.eml")
    assert "max@kunde.de" in mail and "0201 987654" in mail
    assert guess_language(mail) == "de"
    assert guess_language("the quick brown fox and the dog") == "en"
    assert guess_language("12345 67890") is None


def test_document_folder_dataset(catalog, tmp_path: Path) -> None:
    _documents(tmp_path / "share" / "anfragen")
    report = run_scan(catalog, tmp_path, tmp_path / "share")
    assert report.failed == 1 and report.failures[0]["code"] == "document-broken"
    folder = catalog.datasets()[0]
    assert folder.kind == "documents" and folder.details["count"] == 3
    assert folder.details["languages"] == {"de": 2, "en": 1}
    assert folder.details["formats"] == {"pdf": 1, "docx": 1, "eml": 1}
    assert {f.code for f in folder.findings} == {"document-broken"}
    texts = {Path(d["path"]).name: Path(d["text_path"]).read_text("utf-8")
             for d in folder.details["documents"]}
    assert "max@kunde.de" in texts["anfrage.eml"]
    again = run_scan(catalog, tmp_path, tmp_path / "share")
    assert again.unchanged == 0 and again.changed == 1  # a folder with a broken file is re-read
