"""Keeping spreadsheet formulas out of what svodka reads and writes (CSV/formula injection).

A cell that starts with `=`, `+`, `-`, `@` (or a tab/carriage return before one) is run as
a formula by Excel and LibreOffice when an official opens the export: `=cmd|' /C calc'!A0`,
`=HYPERLINK(...)`. Anything a school head or an imported file typed can end up in a cell,
so every exporter passes text cells through `safe_cell`; the importer refuses such names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def looks_like_formula(text: str) -> bool:
    return text.lstrip(" ").startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run becomes inert text (a leading apostrophe, which
    Excel and LibreOffice hide); numbers, dates and None pass unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_cell(value) for value in values]
