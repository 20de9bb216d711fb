"""JSON twins: what a command prints with ``--json`` is what its service entry point returns.

Each test runs the command through the CLI on one workspace and calls the service directly
on an equivalent fresh workspace (a copy of the same scanned template, so even the run ids
agree), or reads the result back from the catalog. Only what differs between two runs is
normalised: timings, the random PoC id and the temporary folders of the two workspaces.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from datensorgfalt.catalog.serialize import dataset_to_dict
from datensorgfalt.catalog.urls import mask_url
from datensorgfalt.cli.common import open_catalog, to_json
from datensorgfalt.demo import generate
from datensorgfalt.services import poc, privacy, quality, readiness, scan, usecases
from datensorgfalt.services.knowledge import path_of
from datensorgfalt.services.report import build_report
from datensorgfalt.services.scan.convert import convert
from datensorgfalt.workspace import Workspace, init_workspace
from tests.helpers.poc_data import requests

TIMINGS = {"seconds", "seconds_reading"}  # how long a scan or a PoC (and its reading) took


# -- data -----------------------------------------------------------------------------------
def _customers(folder: Path) -> None:
    """A small customer list with personal data and a few quality problems."""
    first = ["Anna", "Ben", "Clara", "David", "Eva", "Felix", "Greta", "Hans", "Ida", "Jonas"]
    last = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer"]
    rows = ["Kundennr;Name;E-Mail;PLZ;Ort;Umsatz;Geburtsjahr"]
    for i in range(60):
        name = f"{first[i % 10]} {last[i % 6]}"
        mail = "" if i == 7 else f"{first[i % 10].lower()}.{i}@beispiel.de"
        rows.append(f"{1000 + i};{name};{mail};{45000 + 17 * i};Essen;{(i * 37) % 900},50;"
                    f"{1950 + i % 50}")
    rows.append(rows[5])  # a duplicate row
    (folder / "kunden.csv").write_text("\n".join(rows) + "\n", "utf-8")


def _requests(folder: Path) -> None:
    """Customer requests with the department that answered them, for a text-routing PoC (its
    candidates are a fixed list; the table search would try as many models as time allows)."""
    requests(n=60).to_csv(folder / "anfragen.csv", index=False)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scanned workspace over ``daten/``; tests copy it, so every test starts the same."""
    base = tmp_path_factory.mktemp("json-twins")
    data = base / "daten"
    data.mkdir()
    _customers(data)
    _requests(data)
    workspace = init_workspace(base / "vorlage")
    catalog = workspace.open_catalog()
    try:
        scan.scan(workspace, catalog, [data])
    finally:
        catalog.close()
    return base


@pytest.fixture
def twins(template: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two identical copies of the template workspace: one for the CLI, one for the service."""
    copies = []
    for side in ("cli", "service"):  # same folder name: the report names the company after it
        shutil.copytree(template / "vorlage", tmp_path / side / "firma")
        copies.append(tmp_path / side / "firma")
    return copies[0], copies[1]


def _data(template: Path) -> Path:
    return template / "daten"


# -- comparing ------------------------------------------------------------------------------
def printed(result: Any) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def plain(value: Any) -> Any:
    """``value`` as the CLI prints it (dates as ISO text, paths as strings)."""
    return json.loads(to_json(value))


def same(value: Any, *folders: Path) -> Any:
    """``value`` as the CLI prints it, with timings and the twins' folders made equal."""
    text = to_json(value)
    for folder in folders:
        text = text.replace(str(folder), "<twin>")
    return _without_timings(json.loads(text))


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: "<time>" if k in TIMINGS else _without_timings(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


# -- setup commands -------------------------------------------------------------------------
def test_init(cli, tmp_path: Path) -> None:
    shown = printed(cli("init", str(tmp_path / "a"), "--json"))
    workspace = init_workspace(tmp_path / "b")
    direct = {"workspace": workspace.folder, "db": mask_url(workspace.db_url),
              "land": workspace.settings.get("land")}
    assert same(shown, tmp_path / "a") == same(direct, tmp_path / "b")


def test_demo(cli, tmp_path: Path) -> None:
    shown = printed(cli("demo", str(tmp_path / "a"), "--seed", "7", "--json"))
    assert same(shown, tmp_path / "a") == same(generate(tmp_path / "b", seed=7), tmp_path / "b")


def test_convert(cli, template: Path, tmp_path: Path) -> None:
    source = _data(template) / "kunden.csv"
    shown = printed(cli("convert", str(source), str(tmp_path / "a.csv"), "--json"))
    direct = convert(source, tmp_path / "b.csv")
    assert same(shown, tmp_path / "a.csv") == same(direct, tmp_path / "b.csv")
    assert shown["rows"] == 61


# -- catalog --------------------------------------------------------------------------------
def test_scan(cli, template: Path, tmp_path: Path) -> None:
    init_workspace(tmp_path / "a")
    result = cli("scan", str(_data(template)), "-w", str(tmp_path / "a"), "--json")
    workspace = init_workspace(tmp_path / "b")
    with open_catalog(workspace.root) as (ws, catalog):
        direct = scan.scan(ws, catalog, [str(_data(template))])
    assert result.exit_code == direct.exit_code == 0, result.output
    assert same(json.loads(result.stdout)) == same(direct.to_dict())


def test_catalog_list_and_show(cli, twins: tuple[Path, Path]) -> None:
    root, _ = twins
    listed = printed(cli("catalog", "list", "-w", str(root), "--json"))
    dataset_id = listed[0]["id"]
    shown = printed(cli("catalog", "show", dataset_id, "-w", str(root), "--json"))
    with open_catalog(root) as (_, catalog):
        assert listed == plain([dataset_to_dict(d, full=False) for d in catalog.datasets()])
        assert shown == plain(dataset_to_dict(catalog.dataset(dataset_id)))


# -- quality --------------------------------------------------------------------------------
RUNS = {"quality": lambda ws, catalog: quality.run_quality(ws, catalog).as_dict(),
        "privacy": lambda ws, catalog: privacy.scan_privacy(ws, catalog).to_dict()}


@pytest.mark.parametrize("command", [["quality"], ["quality", "run"], ["privacy"],
                                     ["privacy", "run"]])
def test_quality_and_privacy(cli, twins: tuple[Path, Path], command: list[str]) -> None:
    """``quality`` and ``privacy`` alone run their default subcommand ``run``."""
    root, twin = twins
    shown = printed(cli(*command, "-w", str(root), "--json"))
    with open_catalog(twin) as (ws, catalog):
        direct = RUNS[command[0]](ws, catalog)
    assert same(shown) == same(direct)
    assert len(shown["datasets"]) == 2 and shown["run_id"] == direct["run_id"]


def test_quality_show(cli, twins: tuple[Path, Path]) -> None:
    root, _ = twins
    assert cli("quality", "kunden.csv", "-w", str(root)).exit_code == 0  # means quality run
    shown = printed(cli("quality", "-w", str(root), "show", "kunden.csv", "--json"))
    with open_catalog(root) as (_, catalog):
        assert shown == plain(quality.quality_report(catalog, "kunden.csv"))
    assert shown["result"]["findings"]


def test_check(cli, twins: tuple[Path, Path], tmp_path: Path) -> None:
    root, twin = twins
    rules = tmp_path / "regeln.yaml"
    rules.write_text(yaml.safe_dump({"datasets": [{"dataset": "kunden.csv", "checks": [
        {"not_null": "E-Mail"}, {"unique": "Kundennr"}, {"row_count": {"min": 10}},
        {"regex": {"column": "PLZ", "pattern": "\\d{5}"}}]}]}), "utf-8")
    result = cli("check", str(rules), "-w", str(root), "--json")
    with open_catalog(twin) as (ws, catalog):
        direct = quality.as_dicts(quality.run_checks(ws, catalog, rules))
    assert result.exit_code == 1  # E-Mail has a gap, Kundennr a duplicate
    assert same(json.loads(result.stdout)) == same(direct)


# -- privacy, rights ---------------------------------------------------------------------
def test_privacy_text(cli, tmp_path: Path) -> None:
    text = "Bitte an Anna Müller, anna.mueller@beispiel.de, IBAN DE89370400440532013000."
    (tmp_path / "brief.txt").write_text(text, "utf-8")
    result = cli("privacy", "text", str(tmp_path / "brief.txt"), "--json")
    assert result.exit_code == 0, result.output
    shown = [json.loads(line) for line in result.stdout.splitlines()]
    assert shown == [plain(e.to_dict()) for e in privacy.scan_text(text)]
    assert {"EMAIL", "IBAN"} <= {e["type"] for e in shown}


def test_rights_set_import_show(cli, twins: tuple[Path, Path], tmp_path: Path) -> None:
    root, twin = twins
    values = {"licence": "intern", "owner": "Vertrieb", "legal_basis": "Vertrag"}
    shown = printed(cli("rights", "set", "kunden.csv", "--licence", "intern", "--owner",
                        "Vertrieb", "--legal-basis", "Vertrag", "-w", str(root), "--json"))
    file = tmp_path / "rechte.yaml"
    file.write_text(yaml.safe_dump({"datasets": [{"dataset": "anfragen.csv",
                                                  "licence": "CC-BY-4.0"}]}), "utf-8")
    imported = printed(cli("rights", "import", str(file), "-w", str(root), "--json"))
    listed = printed(cli("rights", "show", "-w", str(root), "--json"))
    with open_catalog(twin) as (_, catalog):
        assert same(shown) == same(privacy.set_rights(catalog, "kunden.csv", **values))
        assert same(imported) == same(privacy.import_rights(catalog, file))
    with open_catalog(root) as (_, catalog):
        assert listed == plain(privacy.show_rights(catalog, None))
    assert imported and len(listed) == 2


def test_protect(cli, twins: tuple[Path, Path], tmp_path: Path) -> None:
    root, twin = twins
    out = tmp_path / "geschuetzt"  # one folder for both: the copy's id comes from its place
    shown = printed(cli("protect", "kunden.csv", "--out", str(out), "-k", "3", "-w", str(root),
                        "--json"))
    with open_catalog(twin) as (ws, catalog):
        direct = privacy.protect(ws, catalog, "kunden.csv", out, None, 3, overwrite=True)
    assert same(shown) == same(direct.to_dict())
    assert shown["k"]["target"] == 3


# -- readiness, use cases, PoC, report ------------------------------------------------------
def test_readiness(cli, twins: tuple[Path, Path]) -> None:
    root, twin = twins
    answers = path_of("answers-example.yaml")
    shown = printed(cli("readiness", "--answers", str(answers), "-w", str(root), "--json"))
    with open_catalog(twin) as (ws, catalog):
        direct = readiness.run_readiness(ws, catalog, readiness.load_answers(answers))
    assert same(shown) == same(direct)


def test_usecases(cli, twins: tuple[Path, Path]) -> None:
    root, twin = twins
    shown = printed(cli("usecases", "-w", str(root), "--json"))
    with open_catalog(twin) as (ws, catalog):
        direct = usecases.run_usecases(ws, catalog)
    assert shown and same(shown) == same(direct)


ROUTING = {"kind": "text", "dataset": "anfragen.csv", "text": "Anfrage", "label": "Schlüssel"}


def _poc_id(value: Any) -> Any:
    """A PoC id is random (``poc-text-1a2b3c4d``); the rest of the result is not."""
    return json.loads(json.dumps(value).replace(value["id"], "<poc>"))


def test_poc(cli, twins: tuple[Path, Path]) -> None:
    root, twin = twins
    shown = printed(cli("poc", "text", "--dataset", "anfragen.csv", "--text", "Anfrage",
                        "--label", "Schlüssel", "--budget", "60s", "-w", str(root), "--json"))
    with open_catalog(twin) as (ws, catalog):
        request = poc.PocRequest(**ROUTING, budget=poc.parse_budget("60s"))
        direct = poc.run_poc(ws, catalog, poc.prepare(ws, catalog, request))
    shown, direct = _poc_id(same(shown, root)), _poc_id(same(direct, twin))
    assert shown == {key: direct.get(key) for key in shown}  # the CLI prints a summary
    assert {"id", "kind", "baseline", "model", "met", "sentence"} <= set(shown)


def test_predict(cli, twins: tuple[Path, Path], template: Path, tmp_path: Path) -> None:
    root, _ = twins
    with open_catalog(root) as (ws, catalog):
        # a budget the model finishes in at any load: a PoC stopped by its budget saves no model
        request = poc.PocRequest(**ROUTING, budget=poc.parse_budget("60s"))
        poc_id = poc.run_poc(ws, catalog, poc.prepare(ws, catalog, request))["id"]
    new = _data(template) / "anfragen.csv"
    shown = printed(cli("predict", poc_id, str(new), "--out", str(tmp_path / "a.csv"),
                        "-w", str(root), "--json"))
    direct = poc.predict(Workspace(root), poc_id, new, tmp_path / "b.csv")
    assert same(shown, tmp_path / "a.csv") == same(direct, tmp_path / "b.csv")


def test_report(cli, twins: tuple[Path, Path]) -> None:
    root, twin = twins
    shown = printed(cli("report", "--out", str(root / "bericht"), "-w", str(root), "--json"))
    with open_catalog(twin) as (ws, catalog):
        direct = build_report(ws, catalog, twin / "bericht")
    assert same(shown, root) == same(direct, twin)
