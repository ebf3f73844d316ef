"""Places in a ranking of shares, as the district's own tables give them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.formatting import format_percent


def places(shares: Sequence[float | None]) -> list[int | None]:
    """1, 2, 2, 4 …: the place of each share among the known ones, highest first; equal
    shares as printed (two decimals: 18,49 % and 18,49 %) share a place; None has none."""
    shown = [None if s is None else format_percent(s) for s in shares]
    known = sorted((s for s in shares if s is not None), reverse=True)
    first: dict[str, int] = {}
    for index, share in enumerate(known, start=1):
        first.setdefault(format_percent(share), index)
    return [None if text is None else first[text] for text in shown]
