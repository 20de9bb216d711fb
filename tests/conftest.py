from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datensorgfalt import i18n
from datensorgfalt.catalog import Catalog
from tests.pg import PostgresCluster


def _find_shared() -> Path:
    """``../shared`` beside the checkout (tests may read it; the tool never needs it)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "shared" / "ARCHITECTURE.md").exists():
            return folder / "shared"
    return Path(__file__).resolve().parents[2] / "shared"


SHARED = _find_shared()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster()
    try:
        cluster.start()
    except Exception as exc:  # the tests that need it must fail, not skip
        cluster.stop()
        pytest.fail(f"PostgreSQL-Testserver konnte nicht starten: {exc}", pytrace=False)
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty catalog URL: a SQLite file, and a database on the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalog.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def catalog(catalog_url: str) -> Iterator[Catalog]:
    store = Catalog.open(catalog_url)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def german(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts in German, whatever the developer's environment says."""
    monkeypatch.delenv("DATENSORGFALT_LANG", raising=False)
    monkeypatch.delenv("DATENSORGFALT_DB", raising=False)
    monkeypatch.delenv("DATENSORGFALT_WORKSPACE", raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process: ``cli("catalog", "list", "--json")`` -> click Result."""
    from datensorgfalt.cli.app import build_app, main  # noqa: F401

    runner = CliRunner()

    def invoke(*args: str, cwd: Path | None = None, input: str | None = None):
        if cwd is not None:
            monkeypatch.chdir(cwd)
        lang = None
        if "--lang" in args:
            lang = args[args.index("--lang") + 1]
        i18n.set_language(lang)
        return runner.invoke(build_app(), list(args), input=input, catch_exceptions=False)

    return invoke


def file_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (to prove originals were not modified)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".datensorgfalt" not in p.parts
    }


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company, generated once per test run. Read-only: copy it before changing it.

    What was planted: ``datensorgfalt.demo.load_planted(demo_company)`` -> {id: entry}.
    """
    from datensorgfalt.demo import generate

    root = tmp_path_factory.mktemp("demo") / "demo-firma"
    generate(root)
    return root
