"""The district summary and the officials' escalation (plain version; the reports feature
replaces this module with the full builder, keeping these two signatures).

Any round: a weekly one is titled by its week; a one-off request by its title and deadline,
counting only the schools it asked."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.formatting import format_percent, plural_ru
from bot.domain.indicators import aggregate_indicators
from bot.services.rounds import round_questionnaire
from bot.texts import requests as request_texts
from bot.texts import schedule as texts
from storage.models import Answer, District, Person, Response, Round, School, SchoolStaff
from storage.repos import districts
from storage.repos import outbox as outbox_repo
from storage.repos import requests as requests_repo


async def summary_text(*, session: AsyncSession, round_: Round, now: datetime, late: bool) -> str:
    district = await _district(session, round_)
    campaign = await requests_repo.campaign_of(session, round_)
    schools = await asked_schools(session, round_)
    answers = await _answer_sets(session, round_.id)
    answers = {school.id: answers[school.id] for school in schools if school.id in answers}
    lines = []
    if late:
        lines += [texts.SUMMARY_LATE, ""]
    if campaign.kind == requests_repo.KIND:
        deadline = request_texts.deadline_label(round_.deadline_at, ZoneInfo(district.tz))
        title = request_texts.SUMMARY_TITLE.format(
            title=campaign.title, district=district.name, deadline=deadline
        )
    else:
        week = texts.week_label(round_.period)
        title = texts.SUMMARY_TITLE.format(week=week, district=district.name)
    lines.append(title)
    lines.append(_answered_line(len(answers), len(schools)))
    questionnaire = await round_questionnaire(session, round_)
    values = aggregate_indicators(questionnaire, answers.values()) if answers else []
    if values:
        lines += ["", texts.INDICATORS_TITLE]
        for value in values:
            lines.append(
                texts.INDICATOR_LINE.format(label=value.label, value=format_percent(value.ratio))
            )
    table_rows = sum(
        len(value)
        for found in answers.values()
        for value in found.values()
        if isinstance(value, list)
    )
    if table_rows:
        lines.append(request_texts.ROWS_TOTAL.format(n=table_rows))
    missing = [school for school in schools if school.id not in answers]
    lines.append("")
    if missing:
        lines.append(texts.MISSING_TITLE)
        lines += await _missing_lines(session, round_, missing)
    else:
        lines.append(texts.ALL_ANSWERED)
    return "\n".join(lines)


async def escalation_text(*, session: AsyncSession, round_: Round, now: datetime) -> str:
    """Empty when every school answered: then there is nothing to escalate."""
    schools = await asked_schools(session, round_)
    answered = await outbox_repo.answered_schools(session, round_.id)
    missing = [school for school in schools if school.id not in answered]
    if not missing:
        return ""
    title = texts.ESCALATION_TITLE.format(
        week=texts.week_label(round_.period),
        missing=len(missing),
        total=len(schools),
        schools=plural_ru(len(schools), texts.SCHOOL_FORMS),
    )
    lines = [title, *await _missing_lines(session, round_, missing), "", texts.ESCALATION_HINT]
    return "\n".join(lines)


async def asked_schools(session: AsyncSession, round_: Round) -> list[School]:
    """The district's schools the round asks: all of them, or a request's audience."""
    campaign = await requests_repo.campaign_of(session, round_)
    schools = await districts.schools(session, round_.district_id)
    if campaign.audience is None:
        return schools
    return [school for school in schools if school.id in campaign.audience]


def _answered_line(answered: int, total: int) -> str:
    return texts.ANSWERED.format(
        answered=answered, total=total, schools=plural_ru(total, texts.SCHOOL_FORMS)
    )


async def _missing_lines(session: AsyncSession, round_: Round, missing: list[School]) -> list[str]:
    heads = await _heads(session, [school.id for school in missing])
    undelivered = await outbox_repo.failed_schools(session, round_.id)
    lines = []
    for school in missing:
        head = heads.get(school.id)
        who = texts.mention(head.vk_id, head.first_name, head.last_name) if head else texts.NO_HEAD
        mark = texts.UNDELIVERED_MARK if school.id in undelivered else ""
        name = school.short_name or school.name
        lines.append(texts.MISSING_LINE.format(school=name, head=who) + mark)
    return lines


async def _heads(session: AsyncSession, school_ids: list[int]) -> dict[int, Person]:
    query = (
        select(SchoolStaff.school_id, Person)
        .join(Person, Person.id == SchoolStaff.person_id)
        .where(
            SchoolStaff.school_id.in_(school_ids),
            SchoolStaff.role == "head",
            Person.vk_id.is_not(None),
        )
    )
    return {school_id: person for school_id, person in await session.execute(query)}


async def _answer_sets(session: AsyncSession, round_id: int) -> dict[int, dict[str, Any]]:
    query = (
        select(Response.school_id, Answer.key, Answer.value)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_id)
    )
    sets: dict[int, dict[str, Any]] = {}
    for school_id, key, value in await session.execute(query):
        sets.setdefault(school_id, {})[key] = value
    answered = await outbox_repo.answered_schools(session, round_id)
    for school_id in answered:  # a response with no answers yet still counts as answered
        sets.setdefault(school_id, {})
    return sets


async def _district(session: AsyncSession, round_: Round) -> District:
    district = await districts.get(session, round_.district_id)
    assert district is not None
    return district
