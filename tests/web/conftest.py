"""The web app in a real browser: Debian's Chromium driven by Playwright against the app
started as a real uvicorn process (``datensorgfalt ui``) on a free loopback port, on a copy of
the demo company with a few hostile files added.

One Chromium for the whole run, one browser context per module; the demo company is scanned
once per run, by clicks (``scanned``). Screenshots go to ``tests/artifacts/web/`` (ignored by
git). Every request the browser makes to another host is aborted and counted: must be 0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.helpers.processes import free_port, stop_process

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "web"
HOSTILE_NAME = "<img src=x onerror=alert(1)>.csv"
SCRIPT_CELL = '<script>alert("x")</script>'
FORMULA_CELL = '=HYPERLINK("http://example.org")'
HOSTILE_ROWS = (f'Bemerkung;Formel;Betrag\n{SCRIPT_CELL};{FORMULA_CELL};12\n'
                '<b>fett</b>;=1+2;13\n<img src=x onerror=alert(2)>;@SUM(A1);14\n')
SLOW = 300_000  # ms: scan, PoC and report on a busy 2-core machine


@dataclass
class Server:
    root: Path
    port: int
    log: Path
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DATENSORGFALT_")}
        src = str(Path(__file__).resolve().parents[2] / "src")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "datensorgfalt", "ui", str(self.root), "--port",
             str(self.port), "--no-browser"], env=env, stdout=self.log.open("wb"),
            stderr=subprocess.STDOUT)
        deadline = time.time() + 180
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"ui ended: {self.log.read_text(errors='replace')}")
            try:
                urllib.request.urlopen(self.base + "/static/app.css", timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("ui did not start in time")

    def stop(self) -> None:
        stop_process(self.process)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, str, dict]:
        return request(self.base + path, headers=headers)

    def post(self, path: str, data: bytes | dict, headers: dict | None = None
             ) -> tuple[int, str, dict]:
        if isinstance(data, dict):
            from urllib.parse import urlencode
            data = urlencode(data, doseq=True).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        return request(self.base + path, data=data, headers=headers)

    def csrf(self) -> str:
        _, html, _ = self.get("/bericht")
        return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]

    def job(self) -> dict:
        return json.loads(self.get("/arbeit.json")[1] or "null") or {}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def request(url: str, data: bytes | None = None, headers: dict | None = None
            ) -> tuple[int, str, dict]:
    opener = urllib.request.build_opener(NoRedirect)
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(req, timeout=60) as response:
            return response.status, response.read().decode("utf-8", "replace"), dict(
                response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)
    except OSError:  # not listening (yet)
        return 0, "", {}


@pytest.fixture(scope="session")
def web_company(demo_company: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web") / "firma"
    shutil.copytree(demo_company, root)
    hostile = root / "fremd"
    hostile.mkdir()
    (hostile / HOSTILE_NAME).write_text(HOSTILE_ROWS, "utf-8")
    return root


@pytest.fixture(scope="session")
def web_server(web_company: Path) -> Iterator[Server]:
    server = Server(web_company, free_port(), web_company.parent / "ui.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = "/usr/bin/chromium fehlt (scripts/system-deps.sh installiert es)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Guard:
    """Aborts and counts every request to a host other than the app."""

    own: str
    foreign: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def route(self, route) -> None:
        url = route.request.url
        if urlparse(url).netloc == self.own or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@dataclass
class Browsing:
    context: object
    page: object
    guard: Guard
    server: Server

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


def open_browsing(browser, server: Server) -> Browsing:
    # bypass_csp: axe-core is injected as a script; the app's own pages need no exception
    context = browser.new_context(locale="de-DE", bypass_csp=True, accept_downloads=True)
    guard = Guard(f"127.0.0.1:{server.port}")
    context.route("**/*", guard.route)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.on("dialog", lambda dialog: (guard.dialogs.append(dialog.message), dialog.dismiss()))
    return Browsing(context, page, guard, server)


@pytest.fixture(scope="session")
def scanned(browser, web_server: Server) -> Server:
    """The demo company scanned by clicks on the start page (once per run)."""
    b = open_browsing(browser, web_server)
    page = b.page
    page.goto(web_server.base + "/")
    b.shot("01-start-leer")
    page.get_by_label("Ordner", exact=True).fill(".")
    page.get_by_role("button", name="Ordner prüfen").click()
    assert page.locator("#resolved").inner_text() == str(web_server.root)
    b.shot("02-ordner-bestaetigen")
    started = time.monotonic()
    page.get_by_role("button", name="Jetzt durchsuchen").click()
    page.locator("#job-progress").wait_for()
    shown_after = time.monotonic() - started
    b.shot("03-durchsuchen-fortschritt")
    page.get_by_role("link", name="Zusammenfassung ansehen").wait_for(timeout=SLOW)
    page.get_by_role("link", name="Zusammenfassung ansehen").click()
    b.shot("04-start-zusammenfassung")
    assert b.guard.foreign == []
    b.context.close()
    web_server.progress_shown_after = shown_after
    return web_server


@contextmanager
def browsing_on(browser, server: Server) -> Iterator[Browsing]:
    """A browser context on ``server``; no request may have gone to another host."""
    b = open_browsing(browser, server)
    yield b
    b.context.close()
    assert b.guard.foreign == [], f"requests to other hosts: {b.guard.foreign}"


@pytest.fixture(scope="module")
def browsing(browser, scanned: Server) -> Iterator[Browsing]:
    with browsing_on(browser, scanned) as b:
        yield b
