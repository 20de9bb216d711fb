"""Every command, called wrongly, says one German sentence: ``--help``, required arguments
missing or wrong, a read-only place, outputs over originals, folders and unwritable places,
Ctrl-C. Exit code 1 or 2 (130 after Ctrl-C), no traceback, no stray file anywhere."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import typer
import yaml

from datensorgfalt import i18n
from datensorgfalt.cli.app import build_app
from tests.helpers.cli import clean_environment, cli_invoker
from tests.helpers.quality_data import customers, write_customers
from tests.helpers.scan import dataset_count

WRONG = "gibt-es-nicht"


def commands() -> Iterator[tuple[list[str], click.Command]]:
    def walk(command: click.Command, path: list[str]):
        if isinstance(command, click.Group):
            yield path, command
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield path, command
    yield from walk(typer.main.get_command(build_app()), [])


COMMANDS = [(path, command) for path, command in commands() if path]
NAMES = [" ".join(path) for path, _ in COMMANDS]


def unwritable(tmp: Path) -> Path:
    """A folder nothing can be written into (root ignores permission bits: then /proc)."""
    if os.geteuid() != 0:
        folder = tmp / "schreibgeschuetzt"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    return Path("/proc/self")


def files_under(root: Path) -> set[str]:
    """Every file below ``root`` except the catalog's own journal files."""
    return {str(p.relative_to(root)) for p in root.rglob("*")
            if p.is_file() and not p.name.startswith("catalog.sqlite")}


def one_sentence(result, codes: tuple[int, ...] = (1, 2)) -> str:
    """The error text, after checking the exit code, the single ``Fehler:`` line and that no
    traceback and no English click text leaked."""
    output = result.output
    assert result.exit_code in codes, output
    assert "Traceback" not in output and "Error:" not in output and "─ Error" not in output
    assert "Usage:" not in output, output
    lines = [line for line in output.splitlines() if line.startswith("Fehler:")]
    assert len(lines) == 1, output
    return lines[0]


@pytest.fixture(scope="module")
def company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scanned folder with one table and its quality result (built once per module)."""
    from datensorgfalt.services.quality import run_quality
    from datensorgfalt.services.scan.runner import scan
    from datensorgfalt.workspace import init_workspace

    root = tmp_path_factory.mktemp("errors") / "firma"
    (root / "daten").mkdir(parents=True)
    write_customers(root / "daten" / "kunden.csv", customers(60))
    with pytest.MonkeyPatch.context() as monkeypatch:
        clean_environment(monkeypatch)
        workspace = init_workspace(root)
        catalog = workspace.open_catalog()
        try:
            scan(workspace, catalog, [root / "daten"])
            run_quality(workspace, catalog)
        finally:
            catalog.close()
    return root


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=NAMES)
def test_help_of_every_command_is_worded(cli, path: list[str], command: click.Command) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    known = i18n.keys("de")
    for text in [command.help, *(getattr(p, "help", None) for p in command.params)]:
        assert text not in known, f"raw text key {text!r} in the help of {' '.join(path)}"


REQUIRED = [(path, command) for path, command in COMMANDS
            if not isinstance(command, click.Group) and any(p.required for p in command.params)]


@pytest.mark.parametrize(("path", "command"), REQUIRED,
                         ids=[" ".join(p) for p, _ in REQUIRED])
def test_missing_and_wrong_arguments(cli, company: Path, path: list[str],
                                     command: click.Command) -> None:
    before = files_under(company)
    missing = cli(*path, cwd=company)
    assert one_sentence(missing, (2,))
    wrong: list[str] = []
    for param in command.params:
        if param.required:
            wrong += [WRONG] if isinstance(param, click.Argument) else [param.opts[0], WRONG]
    assert one_sentence(cli(*path, *wrong, cwd=company))
    assert files_under(company) == before


def test_unknown_option_command_and_bad_number(cli, company: Path) -> None:
    assert "--bogus" in one_sentence(cli("catalog", "list", "--bogus", cwd=company), (2,))
    assert "nope" in one_sentence(cli("nope", cwd=company), (2,))
    assert "--horizon" in one_sentence(cli("poc", "--horizon", "x", cwd=company), (2,))


def test_unknown_language_is_refused(monkeypatch, capsys) -> None:
    from datensorgfalt.cli.app import main

    monkeypatch.setattr(sys, "argv", ["datensorgfalt", "--lang", "fr", "catalog", "list"])
    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == 2
    printed = capsys.readouterr()
    assert printed.err.startswith("Fehler: Die Sprache „fr“ gibt es nicht") and not printed.out


def test_read_only_places(cli, tmp_path: Path) -> None:
    locked = unwritable(tmp_path)
    assert str(locked.resolve()) in one_sentence(cli("init", str(locked)))
    data = tmp_path / "daten"
    data.mkdir()
    write_customers(data / "kunden.csv", customers(20))
    before = files_under(tmp_path)
    one_sentence(cli("scan", str(data), cwd=locked))
    one_sentence(cli("catalog", "list", "-w", str(locked)))
    assert files_under(tmp_path) == before


def test_file_where_a_folder_is_expected(cli, tmp_path: Path) -> None:
    blocker = tmp_path / "datei"
    blocker.write_text("x", "utf-8")
    assert "datei" in one_sentence(cli("init", str(blocker / "sub")))
    assert files_under(tmp_path) == {"datei"}


def outputs(company: Path, target: Path) -> list[list[str]]:
    original = company / "daten" / "kunden.csv"
    return [
        ["convert", str(original), str(target)],
        ["quality", "show", "kunden.csv", "--cells", str(target)],
        ["catalog", "export", "--out", str(target)],
        ["protect", "kunden.csv", "--write-plan", str(target)],
        ["predict", WRONG, str(original), "--out", str(target)],
    ]


def test_outputs_never_over_originals_into_folders_or_unwritable_places(
        cli, company: Path, tmp_path: Path) -> None:
    original = company / "daten" / "kunden.csv"
    content = original.read_bytes()
    folder = tmp_path / "ordner"
    folder.mkdir()
    before = files_under(company) | {f"tmp/{name}" for name in files_under(tmp_path)}
    for target in (original, folder, unwritable(tmp_path) / "x.csv", Path("/proc/x.csv")):
        for args in outputs(company, target):
            one_sentence(cli(*args, cwd=company))
    report = cli("report", "--out", str(original), cwd=company)
    assert "Ordner erwartet" in one_sentence(report)
    assert original.read_bytes() == content
    after = files_under(company) | {f"tmp/{name}" for name in files_under(tmp_path)}
    assert after == before
    assert not list(company.parent.glob("*.part")) and not list(tmp_path.glob("*.part"))


def test_check_uses_the_workspace_and_reports_errors_apart(cli, company: Path,
                                                           tmp_path: Path) -> None:
    elsewhere = tmp_path / "regeln"
    elsewhere.mkdir()
    rules = elsewhere / "regeln.yaml"
    rules.write_text(yaml.safe_dump({"datasets": [
        {"dataset": "kunden.csv", "checks": [{"not_null": "Kundennr"}]}]}), "utf-8")
    passed = cli("check", str(rules), "--json", cwd=company)
    assert passed.exit_code == 0, passed.output
    assert [r["status"] for r in json.loads(passed.stdout)] == ["passed"]
    rules.write_text(yaml.safe_dump({"datasets": [
        {"dataset": "kunden.csv", "checks": [{"not_null": "Kundennr"}]},
        {"dataset": WRONG, "checks": [{"not_null": "x"}]}]}), "utf-8")
    shown = cli("check", str(rules), cwd=company)
    assert shown.exit_code == 2, shown.output
    assert "1 von 2 Regeln bestanden, 0 verletzt" in shown.output
    assert "nicht prüfen" in shown.output


def test_init_twice_says_it_exists(cli, tmp_path: Path) -> None:
    assert "angelegt" in cli("init", str(tmp_path)).output
    again = cli("init", str(tmp_path))
    assert again.exit_code == 0 and "gibt es schon" in again.output
    assert "angelegt" not in again.output


def test_unexpected_error_is_one_sentence_with_debug_hint(company: Path, tmp_path: Path,
                                                          monkeypatch) -> None:
    """A fault nobody foresaw (here: a quality result whose findings are not a list)."""
    from datensorgfalt.catalog import Catalog, Result

    root = tmp_path / "kopie"
    shutil.copytree(company, root)
    catalog = Catalog.open(f"sqlite:///{root / '.datensorgfalt' / 'catalog.sqlite'}")
    try:
        with catalog.session() as session:
            for result in session.query(Result).filter_by(kind="quality"):
                result.payload = {**result.payload, "findings": 5}
    finally:
        catalog.close()
    cli = cli_invoker(monkeypatch)
    text = one_sentence(cli("quality", "show", "kunden.csv", cwd=root), (1,))
    assert "--debug" in text
    with pytest.raises(TypeError):
        cli("--debug", "quality", "show", "kunden.csv", cwd=root)


def test_library_warnings_stay_quiet_without_debug(tmp_path: Path) -> None:
    folder = tmp_path / "akten"
    folder.mkdir()
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>"
                                        b"\nendobj\nxref\n0 1\ntrailer\n<< /Root 1 0 R >>\n"
                                        b"startxref\n9999\n%%EOF\n")
    (folder / "brief.txt").write_text("Sehr geehrte Damen und Herren", "utf-8")
    done = subprocess.run([sys.executable, "-m", "datensorgfalt", "scan", str(folder), "--json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 1, done.stderr
    assert "startxref" not in done.stderr and "Warning" not in done.stderr, done.stderr
    failures = json.loads(done.stdout)["failures"]
    assert [Path(f["location"]).name for f in failures] == ["kaputt.pdf"]


def test_ctrl_c_says_what_was_kept_and_records_the_run_as_interrupted(tmp_path: Path) -> None:
    share = tmp_path / "ablage"
    share.mkdir()
    for index in range(400):
        (share / f"liste_{index:03d}.csv").write_text(f"Nr;Wert\n{index};{index * 2}\n", "utf-8")
    db = tmp_path / ".datensorgfalt" / "catalog.sqlite"
    process = subprocess.Popen([sys.executable, "-m", "datensorgfalt", "scan", str(share)],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while dataset_count(db) < 5 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "Fehler: Abgebrochen; was bis dahin fertig war, steht im Katalog" in stderr
    with sqlite3.connect(db) as conn:
        status, summary = conn.execute(
            "SELECT status, summary FROM runs WHERE command = 'scan'").fetchone()
    assert status == "interrupted"
    assert json.loads(summary).get("ok") is False
