from __future__ import annotations

import shutil
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from datensorgfalt import i18n
from datensorgfalt.catalog import Catalog
from tests.helpers import shared
from tests.helpers.cli import clean_environment, cli_invoker
from tests.helpers.pg import PostgresCluster


@pytest.fixture(autouse=True)
def ctrl_c_reaches_started_processes() -> None:
    """Every process a test starts inherits this process's Ctrl+C disposition and signal mask.
    In the full suite something run in-process earlier left SIGINT ignored or blocked (both
    Ctrl+C tests then failed in two random orders and passed alone), so each test starts
    with the default again."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL, None):
        signal.signal(signal.SIGINT, signal.default_int_handler)


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
    clean_environment(monkeypatch)
    yield
    i18n.set_language(None)


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch):
    """Run the CLI in-process: ``cli("catalog", "list", "--json")`` -> click Result."""
    return cli_invoker(monkeypatch)


@pytest.fixture(scope="session")
def demo_company(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo company, generated once per test run. Read-only: copy it before changing it.

    What was planted: ``datensorgfalt.demo.load_planted(demo_company)`` -> {id: entry}.
    """
    from datensorgfalt.demo import generate

    root = tmp_path_factory.mktemp("demo") / "demo-firma"
    generate(root)
    return root


@pytest.fixture(scope="session")
def profiled_demo(demo_company: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo company (file dates kept) after ``init``, ``scan``, ``quality`` and
    ``privacy`` through the CLI, once per test run. Tests read it; a test that changes data or
    files makes its own copy of ``demo_company``."""
    from typer.testing import CliRunner

    from datensorgfalt.cli.app import build_app

    root = tmp_path_factory.mktemp("profiled") / "demo-firma"
    shutil.copytree(demo_company, root)
    runner = CliRunner()
    assert runner.invoke(build_app(), ["init", str(root)]).exit_code == 0
    scan = runner.invoke(build_app(), ["scan", "-w", str(root), str(root)])
    assert scan.exit_code in (0, 1), scan.output  # 1: the broken files planted on purpose
    for step in ("quality", "privacy"):
        done = runner.invoke(build_app(), [step, "-w", str(root)])
        assert done.exit_code in (0, 1), done.output  # 1: findings that need a look
    return root


@pytest.fixture(scope="session")
def dcat_shapes():
    """The DCAT-AP.de shapes from ``../shared``; the test is skipped when they are not there."""
    if not shared.shapes_available():
        pytest.skip(shared.MISSING)
    return shared.load_shapes()
