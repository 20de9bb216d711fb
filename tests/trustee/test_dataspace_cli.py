"""Both sides from the company's workspace against a real trustee process: company A offers
its wear data for AI training to company B; B gets it (hash checked, recorded in its catalog);
a denied purpose is one sentence, exit 1, no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from datensorgfalt.services.scan.runner import scan
from datensorgfalt.workspace import init_workspace
from tests.trustee.conftest import Trustee

WEAR = "Datum;Maschine;Verschleiss\n" + "".join(
    f"2025-03-{d:02d};M{d % 3};{d / 100:.2f}\n" for d in range(1, 29))


@pytest.fixture
def companies(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "a" / "daten"
    data.mkdir(parents=True)
    (data / "verschleiss.csv").write_text(WEAR, "utf-8")
    sender = init_workspace(tmp_path / "a")
    catalog = sender.open_catalog()
    scan(sender, catalog, [data])
    catalog.close()
    init_workspace(tmp_path / "b")
    return {"a": tmp_path / "a", "b": tmp_path / "b"}


def test_offer_catalog_get_status(any_trustee: Trustee, companies: dict[str, Path],
                                  cli) -> None:
    trustee = any_trustee
    owner, consumer = trustee.people["owner"], trustee.people["consumer"]
    offered = cli("dataspace", "offer", "verschleiss.csv", "--trustee", trustee.base,
                  "--token", owner["token"], "--purpose", "KI-Training", "--until",
                  "2099-12-31", "--for", consumer["participant_id"], "--json",
                  cwd=companies["a"])
    assert offered.exit_code == 0, offered.output
    offer = json.loads(offered.stdout)
    listed = cli("dataspace", "catalog", "--trustee", trustee.base, "--token",
                 consumer["token"], "--json")
    assert offer["dataset_id"] in [d["@id"] for d in json.loads(listed.stdout)["dataset"]]

    denied = cli("dataspace", "get", offer["offer_id"], "--trustee", trustee.base, "--token",
                 consumer["token"], "--purpose", "Forschung", "--out", "nein.csv",
                 cwd=companies["b"])
    assert denied.exit_code == 1 and not (companies["b"] / "nein.csv").exists()
    assert "Zweck" in denied.output and "Traceback" not in denied.output

    got = cli("dataspace", "get", offer["offer_id"], "--trustee", trustee.base, "--token",
              consumer["token"], "--purpose", "KI-Training", "--out", "erhalten.csv", "--json",
              cwd=companies["b"])
    assert got.exit_code == 0, got.output
    received = (companies["b"] / "erhalten.csv").read_text("utf-8")
    assert received.splitlines()[1:] == WEAR.splitlines()[1:]

    status = json.loads(cli("dataspace", "status", "--json", cwd=companies["b"]).stdout)
    assert status[-1]["direction"] == "received"
    assert status[-1]["agreement"]["assignee"] == consumer["participant_id"]
    shared = json.loads(cli("dataspace", "status", "--json", cwd=companies["a"]).stdout)
    assert shared[-1]["direction"] == "shared" and shared[-1]["offer_id"] == offer["offer_id"]


def test_third_party_is_refused_and_the_report_shows_both_sides(
        trustee: Trustee, companies: dict[str, Path], cli) -> None:
    owner, consumer = trustee.people["owner"], trustee.people["consumer"]
    offer = json.loads(cli("dataspace", "offer", "verschleiss.csv", "--trustee", trustee.base,
                           "--token", owner["token"], "--purpose", "KI-Training", "--until",
                           "2099-06-30", "--for", consumer["participant_id"], "--json",
                           cwd=companies["a"]).stdout)
    assert offer["partner"] == consumer["name"]
    refused = cli("dataspace", "get", offer["offer_id"], "--trustee", trustee.base, "--token",
                  trustee.people["other"]["token"], "--purpose", "KI-Training", "--out",
                  "x.csv", cwd=companies["b"])
    assert refused.exit_code == 1 and not (companies["b"] / "x.csv").exists()
    assert len(refused.output.strip().splitlines()) == 1 and "freigegeben" in refused.output

    args = ("dataspace", "get", offer["offer_id"], "--trustee", trustee.base, "--token",
            consumer["token"], "--purpose", "KI-Training", "--out", "erhalten.csv")
    assert cli(*args, cwd=companies["b"]).exit_code == 0
    again = cli(*args, cwd=companies["b"])
    assert again.exit_code == 1 and "--overwrite" in again.output
    assert cli(*args, "--overwrite", cwd=companies["b"]).exit_code == 0

    for company, direction, partner in (("a", "geteilt", consumer["name"]),
                                        ("b", "empfangen", owner["name"])):
        made = cli("report", "--json", cwd=companies[company])
        assert made.exit_code == 0, made.output
        html = Path(json.loads(made.stdout)["html"]).read_text("utf-8")
        section = html.split('<section id="sharing">')[1].split("</section>")[0]
        assert "Geteilte und empfangene Daten" in section
        for shown in (direction, partner, "KI-Training", "2099-06-30"):
            assert shown in section, (company, shown)
    shown = cli("dataspace", "status", cwd=companies["b"]).output
    assert shown.startswith("Empfangen: ") and owner["name"] in shown and "2099-06-30" in shown
    received = html.split('<section id="sharing">')[1]
    assert received.count("<tr>") == 2  # the heading and one row: the same offer got twice


def test_an_end_date_in_the_past_is_refused_before_anything_is_offered(
        companies: dict[str, Path], cli) -> None:
    refused = cli("dataspace", "offer", "verschleiss.csv", "--trustee", "http://127.0.0.1:9",
                  "--token", "egal", "--purpose", "KI-Training", "--until", "2020-01-31",
                  cwd=companies["a"])
    assert refused.exit_code == 1
    message = refused.output.strip()
    assert "\n" not in message and "2020-01-31" in message and "Vergangenheit" in message
