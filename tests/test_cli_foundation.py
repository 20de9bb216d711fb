"""init, catalog list/show, languages and error messages through the real CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from datensorgfalt.catalog import Catalog


def test_init_creates_workspace_with_sqlite_catalog(cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".datensorgfalt" / "catalog.sqlite").exists()
    assert "Arbeitsbereich angelegt" in result.output


def test_init_twice_is_harmless(cli, tmp_path: Path) -> None:
    assert cli("init", str(tmp_path)).exit_code == 0
    assert cli("init", str(tmp_path)).exit_code == 0


def test_init_with_postgres_url(cli, tmp_path: Path, postgres) -> None:
    url = postgres.new_database()
    result = cli("init", str(tmp_path), "--db", url, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["db"].startswith("postgresql://postgres")
    assert not (tmp_path / ".datensorgfalt" / "catalog.sqlite").exists()
    listing = cli("catalog", "list", "--json", cwd=tmp_path)
    assert json.loads(listing.output) == []
    Catalog.open(url).close()


def test_catalog_list_empty_json_and_text(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    assert json.loads(cli("catalog", "list", "--json", cwd=tmp_path).output) == []
    assert "noch leer" in cli("catalog", "list", cwd=tmp_path).output


def test_no_workspace_is_a_clear_error(cli, tmp_path: Path) -> None:
    result = cli("catalog", "list", cwd=tmp_path)
    assert result.exit_code == 1
    assert "keinen Arbeitsbereich" in result.output
    assert "Traceback" not in result.output


def test_english_messages(cli, tmp_path: Path) -> None:
    cli("init", str(tmp_path))
    result = cli("--lang", "en", "catalog", "show", "nothing", cwd=tmp_path)
    assert result.exit_code == 1
    assert "No unique dataset" in result.output


def test_english_from_environment(tmp_path: Path) -> None:
    env = {"DATENSORGFALT_LANG": "en", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "datensorgfalt", "--help"],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0
    assert "Create a workspace" in done.stdout


def test_unreachable_catalog_url_exits_1(cli, tmp_path: Path) -> None:
    result = cli("init", str(tmp_path), "--db", "postgresql://x:pw@127.0.0.1:1/db")
    assert result.exit_code == 1
    assert "nicht erreichbar" in result.output
