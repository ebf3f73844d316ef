"""The weekly check-in: which round a school answers now, last week's answers, and submitting.

`submit` keeps one `responses` row per (round, school) holding the current answers and adds
a `response_revisions` row per submission, so the latest version counts and history stays.
The caller's transaction covers the whole submission (the dialog drops its draft in it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.questionnaire import Question, Questionnaire
from bot.domain.rules import check_rules
from bot.domain.weeks import IsoWeek, weeks_anywhere
from bot.services.requests.create import LATE_WINDOW, asks_school
from bot.services.rounds import calendar_of, round_for_week, round_questionnaire
from storage.models import Campaign, District, Round, School, SchoolStaff
from storage.repos import requests as requests_repo
from storage.repos import responses
from storage.repos import rounds as rounds_repo

logger = logging.getLogger(__name__)


class CheckinRefused(Exception):
    """A submission that must not be stored; `reason` is a short code for the log and tests."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class OpenRound:
    round: Round
    questionnaire: Questionnaire
    school: School
    district: District
    campaign: Campaign

    @property
    def request_title(self) -> str | None:
        """The one-off request's title; None for the weekly round."""
        return self.campaign.title if self.campaign.kind == requests_repo.KIND else None


@dataclass(frozen=True)
class SubmitResult:
    response_id: int
    revision: int
    late: bool
    answers: dict[str, Any]
    previous: dict[str, Any] | None  # the school's answers in the round before, if any


async def open_rounds(*, session: AsyncSession, school_id: int, now: datetime) -> list[OpenRound]:
    """Every round the school may answer now: this week's, then one-off requests by deadline."""
    found = await rounds_repo.school_with_open_rounds(session, school_id=school_id, **_window(now))
    if not found or found[0][0].archived_at is not None:
        raise CheckinRefused("no_school", str(school_id))
    answerable = _Answerable.of(found, now)
    opened = answerable.rounds
    if answerable.weekly_unmade:  # the week's first step, before the scheduler's tick
        round_ = await round_for_week(session, answerable.district, answerable.week, now)
        assert round_ is not None
        if not round_.skipped:
            opened = [(await requests_repo.campaign_of(session, round_), round_), *opened]
    return [await _opened(session, c, r, answerable) for c, r in opened]


def _window(now: datetime) -> dict[str, Any]:
    # The weekly rounds of every week `now` may fall in are read before the district's time
    # zone is known (one statement), and its own week is picked in `_Answerable`.
    return {
        "periods": [str(week) for week in weeks_anywhere(now)],
        "opened_by": now,
        "ends_after": now - LATE_WINDOW,
    }


@dataclass(frozen=True)
class _Answerable:
    """What a school may answer now, from the rows of `school_with_open_rounds`."""

    school: School
    district: District
    week: IsoWeek
    rounds: list[tuple[Campaign, Round]]  # this week's round (unless skipped), then requests
    weekly_unmade: bool  # this week has a round, but it is not made yet

    @classmethod
    def of(
        cls, found: Sequence[tuple[School, District, Campaign | None, Round | None]], now: datetime
    ) -> _Answerable:
        school, district = found[0][0], found[0][1]
        calendar = calendar_of(district)
        week = calendar.week_of(now)
        has_weekly = calendar.plan(week) is not None  # none in a week of holidays
        rounds = [
            (c, r)
            for _, _, c, r in found
            if c is not None
            and r is not None
            and (c.kind == requests_repo.KIND or (has_weekly and r.period == str(week)))
        ]
        weekly = next(((c, r) for c, r in rounds if c.kind != requests_repo.KIND), None)
        requests = [
            (c, r) for c, r in rounds if c.kind == requests_repo.KIND and asks_school(c, school.id)
        ]
        opened = [weekly] if weekly is not None and not weekly[1].skipped else []
        return cls(school, district, week, opened + requests, weekly is None and has_weekly)


async def open_round(*, session: AsyncSession, school_id: int, now: datetime) -> OpenRound | None:
    """The weekly round the school answers now; None in a week without one (holidays)."""
    rounds = await open_rounds(session=session, school_id=school_id, now=now)
    return next((o for o in rounds if o.request_title is None), None)


async def _opened(
    session: AsyncSession, campaign: Campaign, round_: Round, answerable: _Answerable
) -> OpenRound:
    questionnaire = await round_questionnaire(session, round_)
    return OpenRound(round_, questionnaire, answerable.school, answerable.district, campaign)


@dataclass(frozen=True)
class SchoolStatus:
    school_id: int
    name: str  # the short name when there is one
    answered: bool  # a response exists in every round open for the school


async def school_statuses(
    *, session: AsyncSession, school_ids: Sequence[int], now: datetime
) -> list[SchoolStatus]:
    """Each school's display name and whether it has answered everything open now."""
    result = []
    for school_id in school_ids:
        opened = await open_rounds(session=session, school_id=school_id, now=now)
        school = await session.get(School, school_id)
        assert school is not None
        answered = bool(opened) and all(
            [
                await is_answered(session=session, round_id=o.round.id, school_id=school_id)
                for o in opened
            ]
        )
        result.append(SchoolStatus(school_id, school.short_name or school.name, answered))
    return result


async def is_answered(*, session: AsyncSession, round_id: int, school_id: int) -> bool:
    return await responses.of_round(session, round_id, school_id) is not None


async def current_answers(
    *, session: AsyncSession, round_id: int, school_id: int
) -> dict[str, Any] | None:
    """What the school has submitted in this round so far; None if nothing yet."""
    response = await responses.of_round(session, round_id, school_id)
    return None if response is None else await responses.answers_of(session, response.id)


async def previous_answers(
    *, session: AsyncSession, round_: Round, school_id: int
) -> dict[str, Any] | None:
    """The school's answers in the latest earlier round of the campaign (for prefill)."""
    return await responses.answers_before(session, round_, school_id)


async def submit(
    *,
    session: AsyncSession,
    round_id: int,
    school_id: int,
    author_person_id: int,
    answers: Mapping[str, Any],
    now: datetime,
    by_office: bool = False,
) -> SubmitResult:
    """Store a complete answer set as the school's current response in the round.

    Refused (CheckinRefused) when the author is not head or deputy of the school, the round
    is not one of the school's district, or the answers are incomplete or inconsistent.
    `by_office`: the author is of the district office, entering the answers for the school
    (the caller has checked they may); a correction keeps whether the answer came late.
    """
    round_ = await session.get(Round, round_id)
    school = await session.get(School, school_id)
    if round_ is None or school is None or round_.district_id != school.district_id:
        raise CheckinRefused("wrong_round", f"round {round_id}, school {school_id}")
    if round_.skipped:
        raise CheckinRefused("skipped_round", str(round_id))
    if not asks_school(await requests_repo.campaign_of(session, round_), school_id):
        raise CheckinRefused("not_asked", f"round {round_id}, school {school_id}")
    if not by_office:
        await _require_staff(session, author_person_id, school_id)
    questionnaire = await round_questionnaire(session, round_)
    clean = complete_answers(questionnaire, answers)
    late = now > round_.deadline_at
    if by_office and (existing := await responses.of_round(session, round_id, school_id)):
        late = existing.late

    response_id, revision = await responses.claim(
        session,
        round_id=round_id,
        school_id=school_id,
        author_id=author_person_id,
        late=late,
        now=now,
        by_office=by_office,
    )
    await responses.replace_answers(session, response_id, clean, first=revision == 1)
    await responses.add_revision(
        session,
        response_id=response_id,
        revision=revision,
        author_id=author_person_id,
        answers=clean,
        late=late,
        submitted_at=now,
        by_office=by_office,
    )
    logger.info(
        "response %d: round %d, school %d, revision %d%s",
        response_id,
        round_id,
        school_id,
        revision,
        " (late)" if late else "",
    )
    previous = await previous_answers(session=session, round_=round_, school_id=school_id)
    return SubmitResult(response_id, revision, late, clean, previous)


def missing_questions(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Question]:
    """Applicable questions not answered yet (a skipped optional one counts as answered)."""
    return [q for q in questionnaire.applicable(answers) if q.key not in answers]


def complete_answers(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to the applicable questions, checked; CheckinRefused if not a full set."""
    clean: dict[str, Any] = {}
    for question in questionnaire.applicable(answers):
        value = answers.get(question.key)
        if value is None:
            if question.required:
                raise CheckinRefused("incomplete", question.key)
            continue
        if not value_fits(question, value):
            raise CheckinRefused("bad_value", question.key)
        clean[question.key] = value
    if violations := check_rules(questionnaire, clean):
        raise CheckinRefused("rule", violations[0].key)
    return clean


def value_fits(question: Question, value: Any) -> bool:
    """The value has the question's type and bounds: the dialog stores only parsed answers,
    so a mismatch means a changed questionnaire or a tampered draft."""
    match question.type:
        case "int" | "percent":
            numeric = isinstance(value, int | float) and not isinstance(value, bool)
            if question.type == "int":
                numeric = numeric and isinstance(value, int)
            lo, hi = question.bounds
            return numeric and lo <= value <= hi
        case "yes_no":
            return isinstance(value, bool)
        case "choice":
            return value in question.choices
        case "file":
            return isinstance(value, list)
        case _:
            return isinstance(value, str) and len(value) <= question.text_limit


async def _require_staff(session: AsyncSession, person_id: int, school_id: int) -> None:
    params = {"person_id": person_id, "school_id": school_id}
    if await session.scalar(_STAFF_OF_SCHOOL, params) is None:
        raise CheckinRefused("not_staff", f"person {person_id}, school {school_id}")


# Built once: every submission checks it (see storage/repos/responses.py).
_STAFF_OF_SCHOOL = select(SchoolStaff.id).where(
    SchoolStaff.person_id == bindparam("person_id"),
    SchoolStaff.school_id == bindparam("school_id"),
)
