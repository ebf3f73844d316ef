"""The one school search behind every command that takes a school: `/status <школа>`,
`/reissue`, `/revoke`, `/archive`, the CLI. It searches only where the asker may look (an
official's districts, every district for an admin) and, when a name fits several schools,
says which with their districts: a school of another district is never picked silently."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Collection

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lookups import SchoolChoice, SchoolNotFound
from bot.domain.school_search import find, split_district
from storage.models import School
from storage.repos import districts


async def matches(
    session: AsyncSession,
    text: str,
    *,
    district_ids: Collection[int] | None,
    archived: bool | None = False,
) -> list[tuple[School, str]]:
    """The schools (with their district's name) the text could mean, by full or short name,
    in the districts given (None: in all) or the one of them the text names; active,
    archived (True) or all (None)."""
    rows = await districts.school_names(session, district_ids=district_ids, archived=archived)
    district, text = split_district(text, {row.district for row in rows})
    if district is not None:
        rows = [row for row in rows if row.district == district]
    names = [(row, name) for row in rows for name in (row.name, row.short_name) if name]
    # An admin's search can cover every school in the country: off the event loop.
    found = await asyncio.to_thread(find, text, names)
    loaded = []
    for row, _ in found:  # a handful: the search only reads names
        school = await districts.school(session, row.school_id)
        assert school is not None  # read in this same transaction
        loaded.append((school, row.district))
    return loaded


async def find_school(
    session: AsyncSession,
    text: str,
    *,
    district_ids: Collection[int] | None,
    archived: bool | None = False,
    prefer: Callable[[School], bool] | None = None,
) -> School:
    """The one school the text means; SchoolNotFound with the choices if none or several.
    Of several, the only one `prefer` accepts is taken."""
    found = await matches(session, text, district_ids=district_ids, archived=archived)
    preferred = [pair for pair in found if prefer is not None and prefer(pair[0])]
    for chosen in (found, preferred):
        if len(chosen) == 1:
            return chosen[0][0]
    raise SchoolNotFound(text, [SchoolChoice(school.name, district) for school, district in found])
