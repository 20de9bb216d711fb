"""Hostile input against the running app: script and formula text in cells and file names,
path traversal in the folder picker, a missing CSRF token, a request from another origin or
for another host name, a second job while one runs, the login token on another address."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.processes import free_port
from tests.web.conftest import (
    FORMULA_CELL,
    HOSTILE_NAME,
    SCRIPT_CELL,
    Browsing,
    Server,
    request,
)

pytestmark = pytest.mark.slow


def test_cells_and_file_names_show_as_text(browsing: Browsing) -> None:
    page, base = browsing.page, browsing.server.base
    page.goto(base + "/katalog?q=onerror")
    link = page.locator("#datasets").get_by_role("link", name=HOSTILE_NAME)
    assert link.count() == 1
    link.click()
    assert page.locator("h1").inner_text() == HOSTILE_NAME
    cells = page.locator("#sample td")
    texts = [cells.nth(i).inner_text() for i in range(cells.count())]
    assert SCRIPT_CELL in texts and FORMULA_CELL in texts and "<b>fett</b>" in texts
    assert page.locator("#sample a, #sample b, #sample img, main script").count() == 0
    browsing.shot("20-feindliche-zellen")
    assert browsing.guard.dialogs == []


def test_folder_picker_refuses_paths_outside_the_served_folder(scanned: Server) -> None:
    csrf = scanned.csrf()
    outside = scanned.root.parent
    for typed in ("../", "../../../../etc", "/etc", "vertrieb/../../"):
        status, html, _ = scanned.post("/start/pruefen", {"csrf": csrf, "folder": typed})
        assert status == 400, typed
        assert "außerhalb" in html and "Traceback" not in html
    status, html, _ = scanned.post("/start/durchsuchen", {"csrf": csrf, "folder": str(outside)})
    assert status == 400
    assert scanned.job().get("kind") != "scan" or scanned.job()["state"] != "running"
    status, html, _ = scanned.post("/start/pruefen", {"csrf": csrf, "folder": "vertrieb"})
    assert status == 200 and str(scanned.root / "vertrieb") in html


def test_a_typed_database_password_is_not_shown(scanned: Server) -> None:
    url = "postgresql://anna:Geheim-4711@localhost:5432/lager"
    form = {"csrf": scanned.csrf(), "folder": "vertrieb", "databases": url}
    status, html, _ = scanned.post("/start/pruefen", form)
    assert status == 200 and "postgresql://anna:***@localhost:5432/lager" in html
    assert html.count("Geheim-4711") == 1  # only in the hidden field the scan form sends on
    status, text, _ = scanned.post("/start/pruefen", form, headers={"Accept": "application/json"})
    assert status == 200 and "Geheim-4711" not in text and "anna:***@" in text


def test_forms_without_csrf_token_or_from_another_origin_are_refused(scanned: Server) -> None:
    status, html, _ = scanned.post("/reifegrad", {"q_S1": "4"})
    assert status == 403 and "Formular ist abgelaufen" in html
    status, _, _ = scanned.post("/reifegrad", {"csrf": "falsch", "q_S1": "4"})
    assert status == 403
    status, html, _ = scanned.post("/reifegrad", {"csrf": scanned.csrf(), "q_S1": "4"},
                                   headers={"Origin": "http://angreifer.example"})
    assert status == 403 and "anderen Seite" in html
    status, html, _ = scanned.get("/start", headers={"Host": "angreifer.example"})
    assert status == 403


def test_errors_are_sentences_not_stack_traces(scanned: Server) -> None:
    status, html, _ = scanned.get("/datensatz/gibt-es-nicht")
    assert status == 404 and "Traceback" not in html and 'role="alert"' in html
    status, body, _ = scanned.get("/datensatz/gibt-es-nicht.json")
    assert status == 404 and '"error"' in body
    status, html, _ = scanned.get("/nirgendwo")
    assert status == 404 and "Diese Seite gibt es nicht." in html


def test_a_broken_file_is_a_finding_not_an_error(scanned: Server) -> None:
    status, body, _ = scanned.get("/katalog.json")
    broken = [d for d in json.loads(body)["datasets"] if d["kind"] == "unreadable"]
    assert broken
    for dataset in broken:
        status, html, _ = scanned.get(f"/datensatz/{dataset['id']}")
        assert status == 200 and "Traceback" not in html


def test_privacy_page_lists_the_most_findings_first(scanned: Server) -> None:
    status, body, _ = scanned.get("/datenschutz.json")
    personal = json.loads(body)["personal"]
    assert status == 200 and len(personal) >= 3
    counts = [entry["findings"] for entry in personal]
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    columns = [entry for entry in personal if entry["columns"] and not entry["documents"]]
    assert all(entry["findings"] == sum(c["count"] for c in entry["columns"].values())
               for entry in columns)


def test_a_second_job_while_one_runs_is_refused(scanned: Server) -> None:
    csrf = scanned.csrf()
    first, _, _ = scanned.post("/bericht/erstellen", {"csrf": csrf})
    assert first == 303
    second, html, _ = scanned.post("/bericht/erstellen", {"csrf": csrf})
    assert scanned.job()["state"] == "running"
    assert second == 409 and "läuft schon" in html
    scanned.post("/arbeit/abbrechen", {"csrf": csrf})
    assert scanned.job()["state"] == "cancelled"


def test_another_address_needs_the_login_token(scanned: Server, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "ui.log"
    process = subprocess.Popen([sys.executable, "-m", "datensorgfalt", "ui", str(scanned.root),
                                "--host", "0.0.0.0", "--port", str(port), "--no-browser"],
                               stdout=log.open("wb"), stderr=subprocess.STDOUT)
    try:
        url = _printed_url(log, process)
        token = url.split("token=", 1)[1]
        base = f"http://127.0.0.1:{port}"
        status, html, _ = request(base + "/start")
        assert status == 403 and "melden Sie sich" in html
        status, _, _ = request(base + "/start?token=falsch")
        assert status == 403
        status, _, headers = request(base + f"/start?token={token}")
        assert status == 200 and "ds_token" in headers.get("set-cookie", "")
        status, _, _ = request(base + "/katalog", headers={"Cookie": f"ds_token={token}"})
        assert status == 200
    finally:
        process.terminate()
        process.wait(10)


def _printed_url(log: Path, process: subprocess.Popen) -> str:
    deadline = time.time() + 180
    while time.time() < deadline:
        found = re.search(r"http://\S+token=\S+", log.read_text("utf-8", "replace"))
        if found:
            url = found.group(0)
            base = url.split("/?", 1)[0].replace("0.0.0.0", "127.0.0.1")
            while time.time() < deadline:
                status, _, _ = request(base + "/static/app.css")
                if status == 200:
                    return url
                time.sleep(0.3)
        assert process.poll() is None, log.read_text("utf-8", "replace")
        time.sleep(0.3)
    raise AssertionError("no URL with token printed")
