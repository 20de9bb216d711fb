"""Text written into DuckDB as literals comes back exactly as it was."""

from __future__ import annotations

from datensorgfalt.engine import connect, insert_texts

AWKWARD = ["it's", "a\x00b", "\x00", "", "Müller; \"Groß\"", "😀\n\t", "\\x00", "''"]


def test_awkward_texts_survive_the_way_into_a_table() -> None:
    con = connect()
    con.execute("CREATE TEMP TABLE t(a VARCHAR, b VARCHAR)")
    insert_texts(con, "t", [[value, value[::-1]] for value in AWKWARD])
    insert_texts(con, "t", [])
    assert sorted(con.execute("SELECT a, b FROM t").fetchall()) == sorted(
        (v, v[::-1]) for v in AWKWARD)
