"""``poc image`` on the demo's inspection photos (``ok``/``defekt`` folders), ``predict`` on a
folder of new pictures, and use cases that offer only PoC kinds that exist."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from datensorgfalt.services.knowledge import load
from datensorgfalt.services.poc.experiment import KINDS
from datensorgfalt.workspace import init_workspace
from tests.helpers.cli import clean_environment, cli_invoker


@pytest.fixture(scope="module")
def photos(demo_company: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Only the demo's inspection photos, scanned (fast: no tables)."""
    from datensorgfalt.services.scan.runner import scan

    root = tmp_path_factory.mktemp("bilder") / "pruefung"
    shutil.copytree(demo_company / "bilder" / "pruefung", root / "bilder")
    with pytest.MonkeyPatch.context() as monkeypatch:
        clean_environment(monkeypatch)
        workspace = init_workspace(root)
        catalog = workspace.open_catalog()
        try:
            scan(workspace, catalog, [root])
        finally:
            catalog.close()
    return root


@pytest.fixture(scope="module")
def image_poc(photos: Path) -> dict:
    with pytest.MonkeyPatch.context() as monkeypatch:
        clean_environment(monkeypatch)
        cli = cli_invoker(monkeypatch)
        result = cli("poc", "image", "--dataset", "bilder", "--soll", "Recall>=90%", "--yes",
                     "--json", cwd=photos)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_image_poc_on_the_demo_photos_gives_a_verdict(image_poc: dict) -> None:
    assert image_poc["kind"] == "image"
    assert image_poc["verdict"] in ("met", "not_met", "undecided")
    assert image_poc["met"] is (image_poc["verdict"] == "met")
    assert image_poc["baseline"]["name"] == "Mehrheitsklasse (ok)"
    assert image_poc["baseline"]["metrics"]["recall"] == 0  # the majority never finds a defect
    model = image_poc["model"]["metrics"]
    assert model["recall"] > 0.5 and model["auc"] > 0.8
    assert image_poc["comparison"]["measure"] in ("recall", "macro_f1")
    lo, hi = image_poc["comparison"]["interval"]
    assert lo <= image_poc["comparison"]["difference"] <= hi
    assert image_poc["refit"] is True
    assert image_poc["sentence"]["de"]


def test_predict_sorts_a_folder_of_new_pictures(cli, image_poc: dict, photos: Path,
                                                tmp_path: Path) -> None:
    new = tmp_path / "neu"
    new.mkdir()
    for source in sorted((photos / "bilder" / "defekt").glob("*.png"))[:2] + sorted(
            (photos / "bilder" / "ok").glob("*.png"))[:3]:
        shutil.copy(source, new / source.name)
    out = tmp_path / "sortiert.csv"
    result = cli("predict", image_poc["id"], str(new), "--out", str(out), cwd=photos)
    assert result.exit_code == 0, result.output
    written = pd.read_csv(out)
    assert len(written) == 5 and {"file", "prediction", "proba_ok", "proba_defekt"} <= set(
        written.columns)
    assert set(written["prediction"]) <= {"ok", "defekt"}
    assert ((written["proba_ok"] + written["proba_defekt"]).round(3) == 1).all()


def test_a_table_is_refused_for_an_image_poc_in_one_sentence(cli, tmp_path: Path) -> None:
    folder = tmp_path / "tabelle"
    folder.mkdir()
    pd.DataFrame({"a": range(20), "b": range(20)}).to_csv(folder / "werte.csv", index=False)
    from datensorgfalt.services.scan.runner import scan

    workspace = init_workspace(folder)
    catalog = workspace.open_catalog()
    try:
        scan(workspace, catalog, [folder])
    finally:
        catalog.close()
    result = cli("poc", "image", "--dataset", "werte.csv", "--yes", cwd=folder)
    assert result.exit_code == 1
    assert "kein Bilderordner" in result.output and "Traceback" not in result.output


def test_use_cases_offer_only_poc_kinds_that_exist() -> None:
    offered = {u["poc"]["kind"] for u in load("usecases")["usecases"] if u.get("poc")}
    assert offered <= set(KINDS)
