"""The page "Gemeinsam lernen" in Chromium: empty at first with how to start, then the newest
run of learning together (computed for real on the demo customers' data) with its chart, the
verdict per company, the pooled model only for comparison, privacy and what left each company;
its JSON twin; no serious accessibility violations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from datensorgfalt.workspace import init_workspace
from tests.helpers.federated import demo_parties, federated_payload, store_federated
from tests.helpers.processes import free_port
from tests.web.conftest import Browsing, Server, browsing_on
from tests.web.test_accessibility import violations

pytestmark = pytest.mark.slow
PATH = "/gemeinsam-lernen"


@pytest.fixture(scope="module")
def payload(demo_company: Path) -> dict[str, Any]:
    return federated_payload(demo_parties(demo_company))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("gemeinsam") / "firma"
    init_workspace(root).open_catalog().close()
    started = Server(root, free_port(), root.parent / "ui.log")
    started.start()
    yield started
    started.stop()


@pytest.fixture(scope="module")
def browsing(browser, server: Server) -> Iterator[Browsing]:
    with browsing_on(browser, server) as b:
        yield b


def _mae(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def test_learning_together_page_before_and_after_a_run(browsing: Browsing, server: Server,
                                                       payload) -> None:
    page = browsing.page
    page.goto(server.base + "/start")
    page.get_by_role("navigation").get_by_role("link", name="Gemeinsam lernen",
                                               exact=True).click()
    assert page.locator("h1").inner_text() == "Gemeinsam lernen, ohne Daten zu teilen"
    assert "noch kein gemeinsames Lernen" in page.locator("#no-federated").inner_text()
    assert "datensorgfalt federated run" in page.locator("main pre").inner_text()
    assert json.loads(server.get(PATH + ".json")[1]) == {"federated": None}
    assert not violations(browsing)

    catalog = init_workspace(server.root).open_catalog()
    store_federated(catalog, payload)
    catalog.close()
    page.reload()
    nav = page.get_by_role("navigation").get_by_role("link", name="Gemeinsam lernen")
    assert nav.get_attribute("aria-current") == "page"
    chart = page.locator("#federated-chart svg")
    assert chart.count() == 1
    items = page.locator("#federated-parties li")
    assert items.count() == len(payload["parties"])
    verdicts = {"met": "Gemeinsam ist klar besser als allein.",
                "not_met": "Gemeinsam ist hier nicht besser als allein.",
                "undecided": "Ob gemeinsam besser ist, lässt sich noch nicht sagen."}
    table = page.locator("#federated-table")
    for index, party in enumerate(payload["parties"]):
        item = items.nth(index).inner_text()
        assert item.startswith(party["name"])
        assert verdicts[party["verdict"]["verdict"]] in item
        assert f"um {_mae(party['alone'])} daneben, gemeinsam um {_mae(party['together'])}" \
            in item
        row = table.locator("tbody tr").nth(index).inner_text()
        assert _mae(party["alone"]) in row and _mae(party["together"]) in row
        assert party["sentence"].split(":")[0] in row
        assert party["name"] in chart.inner_html()
    pooled = page.locator("#federated-pooled").inner_text()
    assert "nur zum Vergleich; in Wirklichkeit nicht möglich" in pooled
    assert _mae(payload["pooled"]["value"]) in pooled
    assert "Rauschen war aus" in page.locator("#federated-privacy").inner_text()
    assert "Keine einzige Zeile" in page.locator("#federated-sent").inner_text()
    assert f"datensorgfalt predict {payload['id']}" in page.locator("main").inner_text()
    browsing.shot("30-gemeinsam-lernen")
    assert not violations(browsing)

    twin = json.loads(server.get(PATH + ".json")[1])["federated"]
    assert twin["id"] == payload["id"] and twin["result"]["parties"] == payload["parties"]
    assert [(p["name"], p["alone"], p["together"], p["verdict"]) for p in twin["parties"]] == [
        (p["name"], p["alone"], p["together"], p["verdict"]["verdict"])
        for p in payload["parties"]]
    assert twin["pooled"]["note"] == "nur zum Vergleich; in Wirklichkeit nicht möglich"


def test_the_page_in_english(browsing: Browsing, server: Server, payload) -> None:
    page = browsing.page
    page.goto(server.base + PATH)
    page.get_by_label("Sprache").select_option("en")
    page.get_by_role("button", name="Wechseln").click()
    try:
        assert page.locator("h1").inner_text() == "Learning together without sharing data"
        assert page.get_by_role("navigation").get_by_role("link", name="Learn together") \
            .count() == 1
    finally:
        page.get_by_label("Language").select_option("de")
        page.get_by_role("button", name="Switch").click()
