"""Wide tables are profiled in batches that fit the memory limit; a table that could not be
checked gets no grade, the same in the run, in ``quality show`` and in JSON."""

from __future__ import annotations

import json
import random
from pathlib import Path

import duckdb
import pytest

from datensorgfalt.engine import connect
from datensorgfalt.engine.staging import write_parquet
from datensorgfalt.services.quality.context import beside, in_batches
from datensorgfalt.services.quality.profile import profile_parquet
from datensorgfalt.workspace import init_workspace


def _wide_csv(path: Path, columns: int = 80, rows: int = 20) -> None:
    rng = random.Random(5)
    lines = [";".join(f"Messwert_{i}" for i in range(columns))]
    lines += [";".join(f"{rng.uniform(1, 100):.2f}".replace(".", ",") for _ in range(columns))
              for _ in range(rows)]
    path.write_text("\n".join(lines) + "\n", "utf-8")


def test_eighty_numeric_columns_are_profiled_and_graded(tmp_path: Path, cli) -> None:
    root = tmp_path / "labor"
    init_workspace(root)
    _wide_csv(root / "messung.csv")
    assert cli("scan", "messung.csv", "--json", cwd=root).exit_code == 0
    run = cli("quality", "--json", cwd=root)
    assert run.exit_code == 0, run.output
    outcome = json.loads(run.stdout)["datasets"][0]
    assert outcome["error"] is None and outcome["score"] is not None
    result = json.loads(cli("quality", "show", outcome["dataset_id"], "--json",
                            cwd=root).stdout)["result"]
    assert result["rows"] == 20 and len(result["columns"]) == 80
    assert all(c["type"] == "decimal" and c["parsed"] == 20 and c["min"] < c["max"]
               for c in result["columns"].values())


def test_a_batch_too_big_for_the_memory_limit_is_split(tmp_path: Path) -> None:
    _wide_csv(tmp_path / "messung.csv", columns=48)
    staged = tmp_path / "messung.parquet"
    write_parquet((tmp_path / "messung.csv").as_uri(), staged)
    con = connect(memory_limit="64MB", threads=2)
    try:
        profile = profile_parquet(staged, con=con)
    finally:
        con.close()
    assert len(profile.payload["columns"]) == 48 and profile.payload["score"] is not None

    sizes: list[int] = []

    def run(batch: list[int]) -> int:
        sizes.append(len(batch))
        if len(batch) > 3:
            raise duckdb.OutOfMemoryException("zu groß")
        return sum(batch)

    done = in_batches(list(range(10)), run, size=8)
    assert [b for b, _ in done] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    assert sum(total for _, total in done) == 45 and sizes[0] == 8


def test_a_query_beside_runs_on_a_second_connection() -> None:
    con = connect(threads=2)
    try:
        con.execute("CREATE VIEW src AS SELECT range AS v FROM range(1000)")
        con.execute("CREATE TEMP TABLE mine AS SELECT 1 AS x")
        with beside(con, lambda second: second.execute("SELECT sum(v) FROM src")
                    .fetchone()[0]) as total:
            assert con.execute("SELECT x FROM mine").fetchone()[0] == 1
        assert total.result() == 499500

        def slow(second: duckdb.DuckDBPyConnection) -> int:
            return second.execute("SELECT count(*) FROM range(30000000) t(a) "
                                  "WHERE hash(a) % 7 = 0").fetchone()[0]

        with pytest.raises(KeyError), beside(con, slow) as pending:
            raise KeyError("the caller failed")
        assert pending.done()  # interrupted or finished: no query is left running
    finally:
        con.close()


def test_a_table_that_could_not_be_checked_gets_no_grade(tmp_path: Path, cli) -> None:
    root = tmp_path / "firma"
    init_workspace(root)
    _wide_csv(root / "messung.csv", columns=3)
    assert cli("scan", "messung.csv", "--json", cwd=root).exit_code == 0
    (root / "messung.csv").unlink()
    outcome = json.loads(cli("quality", "--json", cwd=root).stdout)["datasets"][0]
    assert outcome["score"] is None and outcome["error"]
    shown = json.loads(cli("quality", "show", outcome["dataset_id"], "--json", cwd=root).stdout)
    assert shown["result"]["score"] is None and shown["result"]["scores"] == {}
    assert shown["history"][-1]["score"] is None
    text = cli("quality", "show", outcome["dataset_id"], cwd=root).output
    assert "Keine Gesamtnote" in text and "von 100" not in text
