"""Geteilt: the demo company offers its press data through a real data trustee and gets a
partner's data; the page (reached by the navigation, in Chromium) and its JSON twin show both
with partner, purpose, end date and agreement."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.trustee.conftest import Trustee, running_trustee
from tests.web.conftest import Browsing, Server
from tests.web.test_accessibility import violations

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trustee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Trustee]:
    found = running_trustee(tmp_path_factory.mktemp("treuhand-web"))
    yield found
    found.stop()


def test_shared_and_received_data_show_on_their_page(browsing: Browsing, trustee: Trustee,
                                                     tmp_path: Path, cli) -> None:
    server: Server = browsing.server
    owner, partner = trustee.people["owner"], trustee.people["consumer"]
    offered = cli("dataspace", "offer", "presse_01.csv", "-w", str(server.root), "--trustee",
                  trustee.base, "--token", owner["token"], "--purpose", "KI-Training",
                  "--until", "2099-03-31", "--for", partner["participant_id"], "--json")
    assert offered.exit_code == 0, offered.output
    theirs = trustee.offer("consumer", os.urandom(2048), purpose="forecasting",
                           assignee=owner["participant_id"], until="2098-01-15")
    got = cli("dataspace", "get", theirs["offer_id"], "-w", str(server.root), "--trustee",
              trustee.base, "--token", owner["token"], "--purpose", "Prognose", "--out",
              str(tmp_path / "von-partner.bin"))
    assert got.exit_code == 0, got.output

    page = browsing.page
    page.goto(server.base + "/start")
    page.get_by_role("navigation").get_by_role("link", name="Geteilt", exact=True).click()
    page.locator("#shared-received").wait_for()
    rows = [page.locator("#shared-received tbody tr").nth(i).inner_text()
            for i in range(page.locator("#shared-received tbody tr").count())]
    shared = next(row for row in rows if row.startswith("geteilt"))
    received = next(row for row in rows if row.startswith("empfangen"))
    for shown in (partner["name"], "KI-Training", "2099-03-31", "presse_01"):
        assert shown in shared, (shown, shared)
    for shown in (partner["name"], "Prognose", "2098-01-15"):
        assert shown in received, (shown, received)
    assert not violations(browsing)
    browsing.shot("geteilt")

    status, body, _ = server.get("/geteilt.json")
    assert status == 200
    twin = json.loads(body)["rows"]
    assert {r["direction"] for r in twin} >= {"shared", "received"}
    assert any(r["agreement"].startswith("urn:uuid:") and r["purpose"] == "Prognose"
               for r in twin if r["direction"] == "received")
