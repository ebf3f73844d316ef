"""The number of rows an INSERT, UPDATE or DELETE run through a session touched."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """`AsyncSession.execute` is typed to return a `Result`; for an INSERT, UPDATE or DELETE
    it returns the `CursorResult` that carries the count."""
    return cast("CursorResult[Any]", result).rowcount
