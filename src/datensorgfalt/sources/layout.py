"""Where the table sits inside parsed rows: preamble, header rows, width, and ragged rows.

Works on rows (lists of cell strings) from any source - delimited text or a spreadsheet sheet.
Each heuristic is a small named function so it can be read and tested on its own.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from statistics import median

from datensorgfalt.sources.types import is_null

MAX_HEADER_ROWS = 4

_NUMBER = re.compile(r"[+-]?[€$£]?\s?[+-]?(\d[\d.,' ]*)?\d\s?(%|€|\$|£|EUR)?-?")
_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{2,4}")
_TIME = re.compile(r"\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")


def cell_kind(cell: str | None) -> str:
    """empty | number | date | time | datetime | text - a coarse kind for layout decisions."""
    if cell is not None and len(cell) > CACHED_LENGTH:
        return _cell_kind(cell)
    return _cached_cell_kind(cell)


#: Values up to this length are remembered (dialect and layout detection meet the same cells
#: many times); longer ones are not, so the caches stay small.
CACHED_LENGTH = 64


def _cell_kind(cell: str | None) -> str:
    value = (cell or "").strip()
    if not value:
        return "empty"
    if value[0].isalpha() and not value[-1].isdigit() and not is_null(value):
        return "text"  # fast path for words
    if _NUMBER.fullmatch(value):
        return "number"
    if _DATE.fullmatch(value):
        return "date"
    if _TIME.fullmatch(value):
        return "time"
    if _DATE.match(value) and _TIME.search(value):
        return "datetime"
    if is_null(value):
        return "empty"
    return "text"


_cached_cell_kind = lru_cache(maxsize=65_536)(_cell_kind)


#: What the first filled cell of a closing line of an export says: sums, balances, the end.
FOOTER_WORDS = ("summe", "summen", "gesamtsumme", "zwischensumme", "endsumme", "gesamt",
                "insgesamt", "total", "saldo", "endsaldo", "kontostand", "ende der liste",
                "ende der auswertung", "listenende", "anzahl")
FOOTER = re.compile(r"(?:" + "|".join(re.escape(w) for w in FOOTER_WORDS) + r")\b", re.I)


def looks_like_footer(row: list[str]) -> bool:
    """A sum or closing line ("Summe", "Kontostand", "Ende der Liste") by its first filled
    cell; only at the end of a table is such a row taken for a footer."""
    first = next((cell.strip() for cell in row if cell and cell.strip()), "")
    return bool(FOOTER.match(first))


def is_blank(row: list[str]) -> bool:
    return all(not (cell or "").strip() for cell in row)


def fill(row: list[str]) -> int:
    return sum(1 for cell in row if cell and not cell.isspace())


def dominant_width(rows: list[list[str]]) -> int:
    """Most frequent width of non-blank rows; rows wider than one cell are preferred."""
    widths = Counter(len(r) for r in rows if not is_blank(r))
    if not widths:
        return 0
    wide = {w: n for w, n in widths.items() if w > 1}
    if wide and sum(wide.values()) >= 0.2 * sum(widths.values()):
        widths = Counter(wide)
    return max(widths.items(), key=lambda item: (item[1], item[0]))[0]


def conforms(row: list[str], width: int) -> bool:
    """Exactly ``width`` cells, or more whose surplus is empty (trailing delimiters)."""
    return len(row) == width or (len(row) > width and is_blank(row[width:]))


@dataclass
class Profile:
    """What kinds of values each column holds, learned from body rows."""

    kinds: list[Counter] = field(default_factory=list)
    values: list[Counter] = field(default_factory=list)
    median_fill: float = 0.0

    @classmethod
    def learn(cls, rows: list[list[str]], width: int) -> Profile:
        kinds: list[Counter] = []
        values: list[Counter] = []
        for j in range(width):  # column by column, each distinct cell judged once
            kind, value = Counter(), Counter()
            for cell, n in Counter([r[j] for r in rows if len(r) > j]).items():
                kind[cell_kind(cell)] += n
                value[(cell or "").strip()] += n
            kinds.append(kind)
            values.append(value)
        fills = [fill(r) for r in rows] or [0]
        return cls(kinds, values, float(median(fills)))

    def share(self, j: int, kind: str) -> float:
        if j < 0 or j >= len(self.kinds):
            return 0.0
        counts = self.kinds[j]
        total = counts.total()
        return counts[kind] / total if total else 0.0

    def typed_share(self, j: int) -> float:
        """Share of typed values among the non-empty values of column ``j``."""
        if j >= len(self.kinds):
            return 0.0
        counts = self.kinds[j]
        filled = sum(counts.values()) - counts["empty"]
        return (filled - counts["text"]) / filled if filled else 0.0

    def fit(self, row: list[str]) -> float:
        """How well a row's cells match the kinds of their columns (higher is better)."""
        return sum(self.share(j, cell_kind(c)) for j, c in enumerate(row))

    @property
    def dense(self) -> bool:
        return self.median_fill >= 3


def is_sparse(row: list[str], profile: Profile) -> bool:
    """Only one or two cells filled where table rows usually fill many: a title or a note."""
    return profile.dense and fill(row) <= max(1, int(profile.median_fill / 3))


def header_votes(row: list[str], profile: Profile) -> tuple[float, int]:
    """(votes for 'this row names the columns', strong votes from typed columns)."""
    votes, strong = 0.0, 0
    for j, cell in enumerate(row):
        value = (cell or "").strip()
        if not value:
            continue
        if cell_kind(value) != "text":
            votes -= 1
        elif profile.typed_share(j) >= 0.7:
            votes, strong = votes + 1, strong + 1
        elif j < len(profile.values) and profile.values[j][value] > 1:
            votes -= 1
        elif j < len(profile.values) and profile.values[j][value] == 1:
            continue
        else:
            votes += 0.25
    return votes, strong


_YEAR = re.compile(r"(19|20)\d\d")


def years_as_names(row: list[str], profile: Profile) -> bool:
    """'Land;2019;2020;2021': rising years name the columns of a statistical table, when the
    values below them are no years."""
    cells = [(c or "").strip() for c in row]
    years = [(j, c) for j, c in enumerate(cells) if _YEAR.fullmatch(c)]
    named = dict(years)
    if len(years) < 2 or any(cell_kind(c) not in ("text", "empty")
                             for j, c in enumerate(cells) if j not in named):
        return False
    values = [int(v) for _j, v in years]
    if values != sorted(set(values)):
        return False
    for j, _v in years:
        column = profile.values[j] if j < len(profile.values) else Counter()
        filled = sum(n for v, n in column.items() if v)
        if sum(n for v, n in column.items() if _YEAR.fullmatch(v)) > filled / 2:
            return False  # a column of years (or of nothing) below
    return True


def header_possible(row: list[str]) -> bool:
    """What ``looks_like_header`` asks of a row before it looks at the columns below: few
    typed cells, or years naming the columns. A row failing this is no header whatever the
    rows below hold (their profile need not be learned)."""
    cells = [(c or "").strip() for c in row]
    typed = sum(1 for c in row if cell_kind(c) not in ("text", "empty"))
    if typed <= fill(row) / 4:
        return True
    years = {j for j, c in enumerate(cells) if _YEAR.fullmatch(c)}
    return len(years) >= 2 and all(cell_kind(c) in ("text", "empty")
                                   for j, c in enumerate(cells) if j not in years)


def looks_like_header(row: list[str], profile: Profile, first: bool) -> bool:
    if first and years_as_names(row, profile):
        return True
    votes, strong = header_votes(row, profile)
    typed = sum(1 for c in row if cell_kind(c) not in ("text", "empty"))
    if typed > fill(row) / 4 or votes <= 0:
        return False
    return first or strong > 0


#: A row with more surplus or missing cells than this is not searched cell by cell: the
#: overflow goes into its last column (or empty cells are added at the end), in linear time.
MAX_FIT_STEPS = 16


def fit_row(row: list[str], width: int, profile: Profile, joiner: str) -> list[str]:
    """Bring a ragged row to ``width`` cells: drop trailing empties, then remove a stray empty
    cell, merge two cells split by an unquoted delimiter, or insert a missing cell - whichever
    fits the column kinds best (ties: at the end of the row). Each step weighs all its options
    in one pass over the row; rows far off the width are cut without a search."""
    if len(row) == width:
        return row
    cells = list(row)
    trailing = len(cells) > width and is_blank(cells[width:])
    if abs(len(cells) - width) > MAX_FIT_STEPS or width <= 0:
        if trailing or width <= 0:
            return cells[:width]
        if len(cells) > width:
            return cells[: width - 1] + [joiner.join(cells[width - 1 :])]
        return cells + [""] * (width - len(cells))
    while len(cells) > width:
        cells = _best_shorter(cells, joiner, profile)
    if trailing:  # trailing delimiters, unless a stray empty cell further left fits better
        return max([row[:width], cells], key=profile.fit)
    while len(cells) < width:
        cells = _best_longer(cells, profile)
    return cells


def _shifted_sums(kinds: list[str], profile: Profile, shift: int) -> list[float]:
    """``sums[i]``: fit of the cells from ``i`` on if each sat ``shift`` columns further right."""
    sums = [0.0] * (len(kinds) + 1)
    for i in range(len(kinds) - 1, -1, -1):
        sums[i] = sums[i + 1] + profile.share(i + shift, kinds[i])
    return sums


def _best_shorter(cells: list[str], joiner: str, profile: Profile) -> list[str]:
    """The row one cell shorter (an empty cell dropped or two cells merged) that fits best;
    options in the order: drops from the right, then merges from the right (first best wins)."""
    kinds = [cell_kind(c) for c in cells]
    prefix = [0.0]
    for j, kind in enumerate(kinds):
        prefix.append(prefix[-1] + profile.share(j, kind))
    moved = _shifted_sums(kinds, profile, -1)  # cells after a removal sit one column left
    best, best_score = None, float("-inf")
    for j in range(len(cells) - 1, -1, -1):
        if not (cells[j] or "").strip():
            score = prefix[j] + moved[j + 1]
            if score > best_score + 1e-9:
                best, best_score = cells[:j] + cells[j + 1 :], score
    for j in range(len(cells) - 2, -1, -1):
        if not (cells[j] or "").strip() and not (cells[j + 1] or "").strip():
            continue  # two empty cells are no value split in two (dropping one covers them)
        merged = f"{cells[j]}{joiner}{cells[j + 1]}"
        score = prefix[j] + profile.share(j, cell_kind(merged)) + moved[j + 2]
        if score > best_score + 1e-9:
            best, best_score = cells[:j] + [merged] + cells[j + 2 :], score
    return best if best is not None else cells[:-1]


def _best_longer(cells: list[str], profile: Profile) -> list[str]:
    """The row with one empty cell inserted where it fits best (ties: at the end)."""
    kinds = [cell_kind(c) for c in cells]
    prefix = [0.0]
    for j, kind in enumerate(kinds):
        prefix.append(prefix[-1] + profile.share(j, kind))
    moved = _shifted_sums(kinds, profile, 1)  # cells after an insertion sit one column right
    best_j, best_score = len(cells), float("-inf")
    for j in range(len(cells), -1, -1):
        score = prefix[j] + profile.share(j, "empty") + moved[j]
        if score > best_score + 1e-9:
            best_j, best_score = j, score
    return cells[:best_j] + [""] + cells[best_j:]


@dataclass
class Layout:
    width: int
    start: int  # index of the first header (or data) row among all rows
    header_rows: list[list[str]]
    header: list[str]
    profile: Profile
    padding: int = 0  # empty columns right of the table on every row (Excel's used range)

    @property
    def preamble(self) -> int:
        return self.start


def _near_width(row: list[str], width: int) -> bool:
    """A header or first row may be a little ragged, but not a one-cell title line."""
    cells = len(row) if len(row) <= width else max(width, fill(row))
    return width <= 1 or (cells > 1 and cells >= width - max(1, width // 4))


def table_start(rows: list[list[str]], width: int, profile: Profile) -> int:
    """First row that is followed by rows of the table's width (titles and notes above it are
    preamble)."""
    for i, row in enumerate(rows):
        if is_blank(row) or is_sparse(row, profile) or not _near_width(row, width):
            continue
        following = [r for r in rows[i + 1 : i + 8] if not is_blank(r)][:3]
        if conforms(row, width) and not following:
            return i
        if following and sum(conforms(r, width) for r in following) >= min(2, len(following)):
            return i
    return next((i for i, r in enumerate(rows) if not is_blank(r)), 0)


def spread_group_titles(row: list[str]) -> list[str]:
    """An upper header row from merged cells ('Umsatz' over 'netto' and 'brutto') leaves the
    cells right of a title empty: they belong to that title."""
    filled, current = [], ""
    for cell in row:
        current = (cell or "").strip() or current
        filled.append(current)
    return filled


_RULE = re.compile(r"[-=_+|:. ]*[-=_]{3,}[-=_+|:. ]*")


def is_rule(row: list[str]) -> bool:
    """A line drawn with dashes or equals signs between header and data."""
    filled = [(c or "").strip() for c in row if (c or "").strip()]
    return bool(filled) and all(_RULE.fullmatch(c) for c in filled)


def column_names(header_rows: list[list[str]], width: int) -> list[str]:
    """Join several header rows per column; unnamed columns become col_0, col_1, ..."""
    header_rows = [r for r in header_rows if not is_rule(r)]
    if len(header_rows) > 1:
        header_rows = [spread_group_titles(r) for r in header_rows[:-1]] + header_rows[-1:]
    names: list[str] = []
    seen: Counter = Counter()
    for j in range(width):
        parts = [(r[j] or "").strip() for r in header_rows if j < len(r)]
        name = " ".join(p for p in parts if p) or f"col_{j}"
        seen[name] += 1
        names.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return names


#: How far below the first table-like row a header may still be found.
MAX_PREAMBLE_SCAN = 15


def header_below_preamble(rows: list[list[str]], start: int, width: int) -> int:
    """The row a header further down starts the table at, when the rows above it are no part
    of the table: neither data (their cells do not fit the column kinds below the header) nor an
    upper header row (directly above, fully named, not a sentence split at the delimiter).
    Titles with delimiters in them, metadata lines and export stamps are then preamble."""
    for c in range(start + 1, min(len(rows), start + MAX_PREAMBLE_SCAN + 1)):
        row = rows[c]
        if not conforms(row, width) or fill(row) < min(2, width) or width < 2:
            continue
        if c + 1 < len(rows) and is_blank(rows[c + 1]):
            continue  # a header sits right above its data (or its unit line), no gap between
        if not header_possible(row):
            continue  # a data row: no header, whatever the rows below it hold
        below = [r for r in rows[c + 1 : c + 201] if conforms(r, width) and not is_blank(r)]
        if len(below) < 2:
            continue
        profile = Profile.learn(below, width)
        if not looks_like_header(row, profile, first=True):
            continue
        typical = sum(profile.fit(r[:width]) for r in below) / len(below)
        above = [i for i in range(start, c) if not is_blank(rows[i])]
        if not any(_belongs_to_table(rows, i, c, profile, typical, width) for i in above):
            return c
    return start


def _belongs_to_table(rows: list[list[str]], i: int, header: int, profile: Profile,
                      typical: float, width: int) -> bool:
    row = rows[i]
    if not conforms(row, width):
        return False
    if profile.fit(row[:width]) >= 0.6 * typical:
        return True  # a data row above the header-like row: no preamble here
    upper_header = i == header - 1 and fill(row) >= fill(rows[header]) / 2 and all(
        cell_kind(c) in ("text", "empty") for c in row
    )
    return upper_header and not reads_as_prose(row, rows[header])


def reads_as_prose(row: list[str], header: list[str]) -> bool:
    """A sentence cut at its commas: most cells after the first begin with a space, where the
    header's cells do not ("Export erstellt am Montag, 3. Februar 2025, Benutzer Admin")."""

    def spaced(cells: list[str]) -> float:
        filled = [c for c in cells[1:] if (c or "").strip()]
        return sum(c[:1].isspace() for c in filled) / len(filled) if filled else 0.0

    return spaced(row) >= 0.5 and spaced(header) < 0.5


def detect_layout(rows: list[list[str]], joiner: str = ",") -> Layout:
    """Preamble, header rows and width of the table in ``rows`` (a sample of the source)."""
    width = dominant_width(rows)
    body = [r for r in rows if conforms(r, width) and not is_blank(r)]
    profile = Profile.learn(body[1:] or body, width)
    start = table_start(rows, width, profile)
    start = header_below_preamble(rows, start, width)
    enough = len(rows) > start + 3 * MAX_HEADER_ROWS
    below = rows[start + MAX_HEADER_ROWS :] if enough else rows[start + 1 :]
    profile = Profile.learn([r for r in below if conforms(r, width)], width)
    header_rows: list[list[str]] = []
    i = start
    while i < len(rows) and len(header_rows) < MAX_HEADER_ROWS:
        row = fit_row(rows[i], width, profile, joiner)
        ruled = bool(header_rows) and is_rule(row)  # '|Name|Ort|' then '-----------' below
        if not ruled and not looks_like_header(row, profile, first=not header_rows):
            break
        header_rows.append(row)
        i += 1
    padding = empty_right_columns(rows[start:i], rows[i:], width) if header_rows else 0
    if padding:
        width -= padding
        header_rows = [r[:width] for r in header_rows]
        profile = Profile.learn([r[:width] for r in below if conforms(r, width)], width)
    return Layout(width, start, header_rows, column_names(header_rows, width), profile, padding)


def _padded_table(header_rows: list[list[str]], rows: list[list[str]],
                  width: int) -> list[list[str]]:
    """Header and body rows when every one of them has the table's width (rules and notes of a
    single cell aside), else nothing: cells of ragged rows may belong to any column."""
    body = [r for r in rows if not is_blank(r) and len(r) > 1]
    header_rows = [r for r in header_rows if len(r) > 1]
    if len(body) < 3 or not all(conforms(r, width) for r in header_rows + body):
        return []
    return header_rows + body


def empty_left_columns(header_rows: list[list[str]], rows: list[list[str]], width: int) -> int:
    """How many columns at the left are empty in the header rows and every row of the table
    (a list printed between bars, '|  4711|Text|', or a report indented by one tab)."""
    table = _padded_table(header_rows, rows, width)
    empty = 0
    while table and empty < width - 1 and all(
        not (r[empty] or "").strip() for r in table
    ):
        empty += 1
    return empty


def empty_right_columns(header_rows: list[list[str]], rows: list[list[str]], width: int) -> int:
    """How many columns at the right are empty in the header rows (as written) and every row of
    the table: the delimiters a spreadsheet writes for its used range, no columns of the table."""
    table = _padded_table(header_rows, rows, width)
    if not table:
        return 0
    empty = 0
    while empty < width - 1 and all(
        len(r) <= width - 1 - empty or not (r[width - 1 - empty] or "").strip() for r in table
    ):
        empty += 1
    return empty
