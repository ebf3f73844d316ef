"""The region table's order, chosen by a column link (`?sort=<column>&order=desc`): sorted on
the server, so the page needs no script."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.web.dashboard import RegionLine

BY_NAME = "district"
BY_ANSWERED = "answered"


@dataclass(frozen=True)
class RegionOrder:
    lines: list[RegionLine]
    column: str
    descending: bool

    def link(self, column: str) -> str:
        """The query that sorts by `column`; the column sorted now flips its direction."""
        descending = not self.descending if column == self.column else column != BY_NAME
        return f"?sort={column}&order={'desc' if descending else 'asc'}"

    def mark(self, column: str) -> str:
        if column != self.column:
            return ""
        return " ↓" if self.descending else " ↑"


def sort_region(lines: Sequence[RegionLine], column: str, order: str) -> RegionOrder:
    """Rows by the district's name (default), its share of schools that answered, or an
    indicator; a district without a figure goes last whichever the direction."""
    keys = {value.key for line in lines for value in line.row.indicators}
    if column not in keys | {BY_ANSWERED}:
        column = BY_NAME
    descending = order == "desc"
    if column == BY_NAME:
        ordered = sorted(lines, key=lambda line: line.row.district.casefold(), reverse=descending)
        return RegionOrder(ordered, column, descending)
    known = [(line, value) for line in lines if (value := _figure(line, column)) is not None]
    unknown = [line for line in lines if _figure(line, column) is None]
    known.sort(key=lambda pair: pair[1], reverse=descending)
    return RegionOrder([line for line, _ in known] + unknown, column, descending)


def _figure(line: RegionLine, column: str) -> float | None:
    row = line.row
    if column == BY_ANSWERED:
        return row.answered / row.schools if row.schools else None
    return next((v.ratio for v in row.indicators if v.key == column), None)
