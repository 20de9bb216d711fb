"""The whole journey by clicks, from the scan (``scanned``) to the report, in Chromium."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from tests.web.conftest import SLOW, Browsing, Server

pytestmark = pytest.mark.slow


def nav(b: Browsing, name: str) -> None:
    b.page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()


def wait_job_done(b: Browsing, link: str) -> None:
    b.page.get_by_role("link", name=link).wait_for(timeout=SLOW)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has ended its work; only its exit status is left
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_scan_to_report_by_clicks(browsing: Browsing) -> None:
    b, page, base = browsing, browsing.page, browsing.server.base
    # the page shows the progress at once, not after the work (the time itself is measured by
    # benchmarks/web_pages.py, not asserted on a shared machine)
    assert browsing.server.progress_shown_after < 10
    page.goto(base + "/start")
    assert page.locator("ul.summary li").count() >= 4

    nav(b, "Katalog")
    rows = page.locator("#datasets tbody tr")
    total = rows.count()
    assert total > 10
    page.get_by_label("Suche").fill("erp_umsatz")
    page.get_by_role("button", name="Filtern").click()
    assert 0 < rows.count() < total
    b.shot("05-katalog-gefiltert")
    page.locator("#datasets").get_by_role("link", name="erp_umsatz_2021-2025.csv").first.click()

    assert page.locator("h1").inner_text() == "erp_umsatz_2021-2025.csv"
    assert page.locator("details.finding[open]").count() >= 1
    assert page.locator("#sample tbody tr").count() > 0
    page.get_by_label("Beschreibung", exact=True).fill("Umsätze aus dem ERP, monatlich exportiert.")
    page.locator("#save-description").click()
    assert page.get_by_role("status").inner_text() == "Gespeichert."
    description = page.get_by_label("Beschreibung", exact=True).input_value()
    assert description.startswith("Umsätze aus dem ERP")
    page.get_by_label("Lizenz", exact=True).fill("irgendwas-ungültiges")
    page.locator("#save-rights").click()
    assert "irgendwas-ungültiges" in page.locator("#rights-error").inner_text()
    page.get_by_label("Lizenz", exact=True).fill("cc-by/4.0")
    page.get_by_label("Verantwortlich", exact=True).fill("Vertrieb")
    page.locator("#save-rights").click()
    assert page.get_by_label("Lizenz", exact=True).input_value() == "cc-by/4.0"
    b.shot("06-datensatz")

    nav(b, "Datenschutz")
    card = page.locator("section.card", has=page.get_by_role("link", name=re.compile(
        r"^kundenliste\.xlsx")))
    card.first.locator("summary").click()
    card.first.get_by_label("Mindestgruppengröße k").fill("3")
    card.first.get_by_role("button", name="Geschützte Kopie erzeugen").click()
    assert page.locator("h1").inner_text() == "Geschützte Kopie erzeugt"
    b.shot("07-datenschutz-geschuetzt")

    nav(b, "Reifegrad")
    page.locator("input[name=q_S1]").first.check()
    page.locator("#save-answers").click()
    assert "gespeichert" in page.get_by_role("status").inner_text()
    assert page.locator("#readiness-dimensions tbody tr").count() >= 4
    b.shot("08-reifegrad")

    nav(b, "Anwendungsfälle")
    b.shot("09-anwendungsfaelle")
    _start_poc(page, "1s")
    page.locator("#job-progress").wait_for(timeout=10_000)
    job = browsing.server.job()
    assert job["state"] == "running" and job["pid"]
    b.shot("10-versuch-laeuft")
    page.locator("#cancel-job").click()
    page.get_by_role("heading", name=re.compile("abgebrochen")).wait_for()
    assert browsing.server.job()["state"] == "cancelled"
    assert not alive(job["pid"])

    nav(b, "Anwendungsfälle")
    _start_poc(page, "60s")  # the default for five years of sales: time for plots under load
    wait_job_done(b, "Ergebnis des Versuchs ansehen")
    page.get_by_role("link", name="Ergebnis des Versuchs ansehen").click()
    assert page.locator("#verdict").inner_text()
    assert page.locator("#metrics tbody tr").count() >= 1
    assert page.locator("figure img").count() >= 1
    assert page.locator("#model-card").inner_text().strip()
    with page.expect_download() as download:
        page.get_by_role("link", name="Prognose als CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    sales = browsing.server.root / "vertrieb" / "erp_umsatz_2021-2025.csv"
    page.get_by_label("Datei mit neuen Daten").set_input_files(str(sales))
    page.locator("#predict").click()
    assert "vorhergesagt" in page.get_by_role("status").inner_text()
    b.shot("11-versuch-ergebnis")
    _hostile_uploads(browsing, page.url.split("?")[0].rsplit("/", 1)[-1], sales.read_bytes())

    nav(b, "Bericht")
    page.locator("#build-report").click()
    wait_job_done(b, "Bericht herunterladen")
    page.goto(base + "/bericht")
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Bericht als PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    with page.expect_download() as html:
        page.get_by_role("link", name="Bericht als HTML").click()
    assert html.value.suggested_filename.endswith(".html")
    b.shot("12-bericht")


def upload(server: Server, poc_id: str, filename: str, content: bytes) -> tuple[int, str]:
    boundary = "----datensorgfalt" + uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n'
            f"{server.csrf()}\r\n--{boundary}\r\nContent-Disposition: form-data; "
            f'name="file"; filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n')
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    status, html, _ = server.post(f"/versuche/{poc_id}/vorhersage", body, {
        "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return status, html


def _hostile_uploads(browsing: Browsing, poc_id: str, content: bytes) -> None:
    """A file name that climbs out of the folder lands inside the workspace; a file over the
    size limit is refused with a sentence."""
    server = browsing.server
    status, _ = upload(server, poc_id, "../../../ausbruch.csv", content)
    assert status == 303
    assert not (server.root.parent / "ausbruch.csv").exists()
    assert not (server.root / "ausbruch.csv").exists()
    assert list((server.root / ".datensorgfalt" / "uploads").glob("*/ausbruch.csv"))
    status, html = upload(server, poc_id, "gross.csv", b"x" * (21 * 1024 * 1024))
    assert status == 413 and "zu groß" in html
    assert not list((server.root / ".datensorgfalt" / "uploads").glob("*/gross.csv"))


def _start_poc(page, budget: str) -> None:
    page.locator("#poc-sales-forecast").click()
    assert page.locator("h1").inner_text() == "Versuch vorbereiten"
    assert page.get_by_label("Datum").input_value()
    assert page.get_by_label("Zielgröße").input_value()
    page.get_by_label("Zeitbudget").fill(budget)
    page.locator("#run-poc").click()


def test_english_is_remembered(browsing: Browsing) -> None:
    page, base = browsing.page, browsing.server.base
    page.goto(base + "/katalog")
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Catalog: all datasets"
    page.goto(base + "/datenschutz")
    assert page.locator("h1").inner_text() == "Privacy: personal data"
    browsing.shot("13-english")
    page.get_by_label("Language").select_option("de")
    page.get_by_role("button", name="Switch").click()
    assert page.locator("html").get_attribute("lang") == "de"
