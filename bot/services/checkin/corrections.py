"""`/correct <школа> [неделя]`: the district office opens a school's answers of a week and
goes through the same questions as the head, in the check-in conversation (an office draft).

Here only the school and the week are read from what was typed; access to the school is
decided by the conversation, on this step and every later one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lookups import SchoolNotFound
from bot.domain.past_weeks import unread_week
from bot.domain.permissions import Action, Actor, districts_for
from bot.domain.week_query import WeekError, take_week
from bot.services import school_lookup
from bot.services.checkin.conversation import Intent, Known, Outcome, handle
from bot.texts import corrections as texts
from bot.texts.common import school_choices
from storage.db import Database
from storage.repos import districts as district_repo
from storage.repos import people

# Schools listed when a name matches several.
_AMBIGUOUS_SHOWN = 10


async def start(
    *,
    db: Database,
    known: Known,
    args: str,
    now: datetime,
    admin_ids: Sequence[int],
    vk_name: tuple[str, str] | None = None,
) -> Outcome:
    """`vk_name`: the asker's name in VK, kept for the mark on what they enter if their
    record has none (officials are appointed by VK id)."""
    try:
        week, query = take_week(args)
    except WeekError:
        return Outcome(notice=texts.BAD_WEEK)
    if unread_week(query):
        return Outcome(notice=texts.BAD_WEEK)
    if not query:
        return Outcome(notice=texts.CORRECT_USAGE)
    async with db.reads() as session:
        found = await _school(session, known.actor, query)
    if isinstance(found, str):
        return Outcome(notice=found)
    if vk_name is not None:
        await _remember_name(db, known.actor.vk_id, vk_name, now)
    intent = Intent(command="correct", school_id=found, week=week)
    return await handle(db=db, known=known, intent=intent, now=now, admin_ids=admin_ids)


async def _school(session: AsyncSession, actor: Actor, query: str) -> int | str:
    """The one school of the asker's districts the query names, or why not (Russian)."""
    everything = [d.id for d in await district_repo.list_all(session)]
    granted = districts_for(actor, Action.CORRECT)
    own = everything if granted is None else [d for d in everything if d in granted]
    try:
        return (await school_lookup.find_school(session, query, district_ids=own)).id
    except SchoolNotFound as missing:
        if missing.candidates:
            shown = school_choices(missing.candidates[:_AMBIGUOUS_SHOWN])
            return texts.SCHOOL_AMBIGUOUS.format(schools=shown)
    others = [d for d in everything if d not in own]
    elsewhere = await school_lookup.matches(session, query, district_ids=others) if others else []
    if len(elsewhere) == 1:
        return texts.SCHOOL_OF_OTHER_DISTRICT.format(school=elsewhere[0][0].name)
    return texts.SCHOOL_NOT_FOUND.format(query=query[:100])


async def _remember_name(db: Database, vk_id: int, name: tuple[str, str], now: datetime) -> None:
    async with db.sessions.begin() as session:
        person = await people.get_or_add(session, vk_id=vk_id, now=now)
        if not (person.first_name or person.last_name):
            person.first_name, person.last_name = name[0][:100], name[1][:100]
