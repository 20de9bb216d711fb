"""The app's safety rules without a browser: the folder picker's limits, upload names, the
host and origin checks, the description's length."""

from __future__ import annotations

from pathlib import Path

import pytest

from datensorgfalt.catalog import Catalog
from datensorgfalt.services.scan.describe import DescriptionTooLong, describe
from datensorgfalt.web.security import (
    PathRefused,
    Refused,
    TooLarge,
    WebSettings,
    check_host,
    check_length,
    check_origin,
    resolve_folder,
    upload_name,
)
from tests.helpers.company import add_dataset


def test_folder_picker_resolves_inside_the_served_folder(tmp_path: Path) -> None:
    (tmp_path / "vertrieb").mkdir()
    assert resolve_folder(tmp_path, "vertrieb") == tmp_path / "vertrieb"
    assert resolve_folder(tmp_path, str(tmp_path)) == tmp_path
    assert resolve_folder(tmp_path, "vertrieb/../vertrieb/.") == tmp_path / "vertrieb"
    for typed in ("..", "../etc", "/etc", "vertrieb/../../", "", "a\x00b"):
        with pytest.raises(PathRefused):
            resolve_folder(tmp_path, typed)


def test_a_link_out_of_the_served_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "firma"
    root.mkdir()
    (root / "abkuerzung").symlink_to(tmp_path)
    with pytest.raises(PathRefused) as refused:
        resolve_folder(root, "abkuerzung")
    assert str(tmp_path) in str(refused.value)


@pytest.mark.parametrize("name,expected", [
    ("../../etc/passwd", "passwd"), ("..\\..\\boot.ini", "boot.ini"),
    ("umsatz 2025.csv", "umsatz 2025.csv"), ("<script>x</script>.csv", "script_.csv"),
    ("Größe.xlsx", "Größe.xlsx")])
def test_upload_names_lose_their_path(name: str, expected: str) -> None:
    assert upload_name(name) == expected


@pytest.mark.parametrize("name", ["", "..", "/", "...", "../"])
def test_upload_names_without_a_file_name_are_refused(name: str) -> None:
    with pytest.raises(PathRefused):
        upload_name(name)


def test_only_our_host_names_and_origin_are_served(tmp_path: Path) -> None:
    local = WebSettings(tmp_path)
    check_host(local, "127.0.0.1:8765")
    check_host(local, "localhost:8765")
    check_host(local, "[::1]:8765")
    with pytest.raises(Refused):
        check_host(local, "angreifer.example:8765")
    check_origin(None, "127.0.0.1:8765")
    check_origin("http://127.0.0.1:8765", "127.0.0.1:8765")
    for origin in ("http://angreifer.example", "null", "http://127.0.0.1:9999"):
        with pytest.raises(Refused):
            check_origin(origin, "127.0.0.1:8765")


def test_bodies_over_the_upload_limit_or_without_length_are_refused(tmp_path: Path) -> None:
    settings = WebSettings(tmp_path, max_upload=1024 * 1024)
    check_length(settings, "0")
    check_length(settings, str(1024 * 1024))
    for length in (None, "", "-1", "abc", str(2 * 1024 * 1024)):
        with pytest.raises(TooLarge):
            check_length(settings, length)


def test_description_is_kept_and_limited(tmp_path: Path) -> None:
    catalog = Catalog.open(f"sqlite:///{tmp_path / 'c.sqlite'}")
    dataset_id = add_dataset(catalog, "vertrieb/umsatz.csv")
    assert describe(catalog, dataset_id, "  Umsätze <b>je Monat</b> ")["description"] == \
        "Umsätze <b>je Monat</b>"
    assert catalog.dataset(dataset_id).details["description"] == "Umsätze <b>je Monat</b>"
    with pytest.raises(DescriptionTooLong):
        describe(catalog, dataset_id, "x" * 5000)
    describe(catalog, dataset_id, "")
    assert "description" not in catalog.dataset(dataset_id).details
    catalog.close()
