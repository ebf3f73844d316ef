"""One-off requests: a campaign of kind "request" with its own questionnaire, audience and
deadline, and one round (period "once") that runs through the same outbox, check-in,
summary and export as the weekly round.

The caller owns the transaction; refusals are RequestError with a Russian message.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.lookups import SchoolNotFound
from bot.domain.questionnaire import Questionnaire, parse_questionnaire
from bot.domain.request_rounds import plan_request
from bot.domain.textnorm import clean
from bot.services.rounds import calendar_of, store_questionnaire
from bot.services.school_lookup import find_school
from bot.texts import requests as texts
from storage.models import Campaign, District, Round, School
from storage.repos import audit, districts, people
from storage.repos import requests as repo
from storage.repos import rounds as rounds_repo

logger = logging.getLogger(__name__)

TITLE_MIN, TITLE_MAX = 3, 300
# Answers after the deadline are still taken (marked late) for this long.
LATE_WINDOW = timedelta(days=7)


class RequestError(ValueError):
    """The request cannot be created as asked; str(error) is Russian."""


@dataclass(frozen=True)
class CreatedRequest:
    campaign_id: int
    round_id: int
    title: str
    schools: int  # how many schools are asked
    reminders_at: tuple[datetime, ...]  # when non-responders will be reminded (may be none)
    unreached: tuple[str, ...]  # asked schools with nobody in the bot to tell


@functools.cache
def builtin_questionnaires() -> dict[str, Questionnaire]:
    """The questionnaires shipped in bot/questionnaires, by id (parsed once per process)."""
    found = {}
    for entry in resources.files("bot").joinpath("questionnaires").iterdir():
        if entry.name.endswith(".toml"):
            questionnaire = parse_questionnaire(entry.read_text("utf-8"), entry.name)
            found[questionnaire.id] = questionnaire
    return dict(sorted(found.items()))


def clean_title(title: str) -> str:
    text = " ".join(clean(title).split())
    if not TITLE_MIN <= len(text) <= TITLE_MAX:
        raise RequestError(texts.TITLE_BAD)
    return text


async def create_request(
    *,
    session: AsyncSession,
    district: District,
    questionnaire: Questionnaire,
    title: str,
    deadline_at: datetime,
    school_ids: Sequence[int] | None,
    created_by: int | None,
    now: datetime,
) -> CreatedRequest:
    """Store the campaign and its round; the planner sends the notices on its next tick."""
    title = clean_title(title)
    if deadline_at <= now:
        raise RequestError(texts.DEADLINE_PAST)
    active = {school.id for school in await districts.schools(session, district.id)}
    audience = None if school_ids is None else sorted(set(school_ids))
    if audience is not None and (not audience or not set(audience) <= active):
        raise RequestError(texts.NO_SCHOOLS)
    questionnaire_id = await store_questionnaire(session, questionnaire, now)
    stored = await rounds_repo.questionnaire(session, questionnaire_id)
    if stored is None or stored.spec != questionnaire.to_dict():
        raise RequestError(
            f"Анкета «{questionnaire.id}» версии {questionnaire.version} уже загружена с "
            "другим содержимым — увеличьте version в файле."
        )
    campaign, round_ = await repo.add(
        session,
        district_id=district.id,
        title=title,
        questionnaire_id=questionnaire_id,
        audience=audience,
        deadline_at=deadline_at,
        created_by=created_by,
        now=now,
    )
    audit.record(
        session,
        action="request_created",
        at=now,
        actor_id=created_by,
        district_id=district.id,
        campaign_id=campaign.id,
        questionnaire=questionnaire.id,
        schools=len(audience) if audience is not None else None,
    )
    logger.info("request %d created in district %d", campaign.id, district.id)
    asked = len(audience) if audience is not None else len(active)
    calendar = calendar_of(district)
    plan = plan_request(
        opens_at=round_.opens_at, deadline_at=deadline_at, tz=calendar.tz, calendar=calendar.days
    )
    unreached = await _unreached(session, district.id, audience)
    return CreatedRequest(campaign.id, round_.id, title, asked, plan.reminders_at, unreached)


async def _unreached(
    session: AsyncSession, district_id: int, audience: Sequence[int] | None
) -> tuple[str, ...]:
    """The asked schools with neither a head nor a deputy in the bot: nobody gets the notice."""
    headless = await people.schools_without(session, district_id=district_id, role="head")
    without_deputy = {
        school.id
        for school in await people.schools_without(session, district_id=district_id, role="deputy")
    }
    return tuple(
        school.short_name or school.name
        for school in headless
        if school.id in without_deputy and (audience is None or school.id in audience)
    )


async def resolve_schools(
    *, session: AsyncSession, district_id: int, parts: Sequence[str]
) -> list[School]:
    """Schools named by parts of their names («Аймаумахи; Бурдеки»), each exactly one."""
    chosen: list[School] = []
    for part in (p for p in (clean(p) for p in parts) if p):
        try:
            school = await find_school(session, part, district_ids=[district_id])
        except SchoolNotFound as missing:
            if not missing.candidates:
                raise RequestError(texts.SCHOOL_NOT_FOUND.format(part=part[:100])) from None
            names = ", ".join(choice.name for choice in missing.candidates[:5])
            raise RequestError(
                texts.SCHOOL_AMBIGUOUS.format(part=part[:100], names=names)
            ) from None
        if school not in chosen:
            chosen.append(school)
    if not chosen:
        raise RequestError(texts.NO_SCHOOLS)
    return chosen


def asks_school(campaign: Campaign, school_id: int) -> bool:
    return campaign.audience is None or school_id in campaign.audience


async def asked_schools(session: AsyncSession, round_: Round) -> list[School]:
    """The district's schools the round asks: all of them, or a request's audience."""
    campaign = await repo.campaign_of(session, round_)
    schools = await districts.schools(session, round_.district_id)
    return [school for school in schools if asks_school(campaign, school.id)]
