"""Report data for a district, a school and the region, read from storage.

Every function issues a fixed number of queries (no per-school or per-week loops over the
database). District figures are the database's weighted sums (`indicator_sums`); school
figures come from the same stored numbers, so both always agree.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.contacts import Contact
from bot.domain.foreign_messengers import USES, WHICH, answer_keys, foreign_use
from bot.domain.indicators import compute_indicators, sum_indicators
from bot.domain.questionnaire import Questionnaire
from bot.domain.report_data import (
    Author,
    DistrictWeek,
    Head,
    RegionRow,
    SchoolHistory,
    SchoolLine,
    SchoolWeek,
    WeekPoint,
    as_count,
    change_from_sums,
    from_sums,
)
from bot.domain.week_change import WeekChange, week_change
from bot.domain.weeks import IsoWeek
from bot.resources import default_questionnaire
from bot.services.rounds import calendar_of, round_questionnaire
from bot.texts.people import person_name
from storage.models import District, Round
from storage.repos import districts as district_repo
from storage.repos import reports as repo
from storage.repos import responses as responses_repo

HISTORY_WEEKS = 8


async def questionnaire_of(session: AsyncSession, round_: Round | None) -> Questionnaire:
    return await round_questionnaire(session, round_) if round_ else default_questionnaire()


async def district_week(
    *, session: AsyncSession, district: District, now: datetime, week: IsoWeek | None = None
) -> DistrictWeek:
    """Who answered in the district's round of `week` (default: this week) and the figures."""
    calendar = calendar_of(district)
    week = week or calendar.week_of(now)
    rounds = await repo.weekly_rounds(
        session, district_id=district.id, upto_period=str(week), limit=2
    )
    current = rounds[0] if rounds and rounds[0].period == str(week) else None
    previous = next((r for r in rounds if r.period < str(week)), None)
    plan = calendar.plan(week)
    if current is None and plan is None:
        return DistrictWeek(
            district=district.name, period=str(week), tz=district.tz, deadline_at=None,
            schools=(), indicators=(), holiday=True,
        )  # fmt: skip
    deadline = current.deadline_at if current else plan.deadline_at  # type: ignore[union-attr]
    return await _status(session, district, str(week), current, previous, deadline)


async def round_status(*, session: AsyncSession, round_: Round, now: datetime) -> DistrictWeek:
    """The status of one given round: a weekly one with its week's change, a one-off
    request (its period is not a week) on its own."""
    district = await district_repo.get(session, round_.district_id)
    assert district is not None
    try:
        week = IsoWeek.parse(round_.period)
    except ValueError:
        return await _status(session, district, round_.period, round_, None, round_.deadline_at)
    return await district_week(session=session, district=district, now=now, week=week)


async def _status(
    session: AsyncSession,
    district: District,
    period: str,
    current: Round | None,
    previous: Round | None,
    deadline: datetime,
) -> DistrictWeek:
    qn = await questionnaire_of(session, current or previous)
    # The roster only: an archived school's answers stay out of the figures.
    rows = await repo.district_status(
        session,
        district_id=district.id,
        round_id=current.id if current else None,
        keys=sorted({key for pair in _pairs(qn) for key in pair}),
        values=answer_keys(qn),
        previous_id=previous.id if previous else None,
    )
    schools = []
    answers: dict[int, dict[str, int | None]] = {}
    before: dict[int, dict[str, int | None]] = {}
    for row in rows:
        if row.late is not None:
            answers[row.school_id] = row.counts
        if row.previous is not None:
            before[row.school_id] = row.previous
        schools.append(_school_line(row, qn, answers.get(row.school_id)))
    return DistrictWeek(
        district=district.name,
        period=period,
        tz=district.tz,
        deadline_at=deadline,
        schools=tuple(schools),
        indicators=tuple(sum_indicators(qn, (s.values for s in schools if s.answered))),
        # Against last week, over the schools on the roster that answered both weeks.
        change=week_change(qn, answers, before) if previous else None,
        foreign_asked=bool(answer_keys(qn)),
    )


async def _foreign(
    session: AsyncSession, qn: Questionnaire, rounds: list[Round]
) -> dict[int, list[repo.ForeignUse]]:
    """By round, the schools on a roster that use foreign messengers, by name: one query
    for the region's week."""
    if not rounds or not answer_keys(qn):
        return {}
    found: dict[int, list[repo.ForeignUse]] = defaultdict(list)
    for use in await repo.foreign_uses(
        session, round_ids=[r.id for r in rounds], uses=USES, which=WHICH
    ):
        found[use.round_id].append(use)
    return found


def _what(use: repo.ForeignUse) -> str:
    return foreign_use({USES: True, WHICH: use.which}) or ""


def _school_line(
    row: repo.StatusRow, qn: Questionnaire, answers: dict[str, int | None] | None
) -> SchoolLine:
    return SchoolLine(
        school_id=row.school_id,
        name=row.name,
        head=_head(row),
        answered=answers is not None,
        late=bool(row.late),
        undelivered=row.undelivered,
        values=tuple(compute_indicators(qn, answers)) if answers is not None else (),
        contact=Contact(*row.contact) if row.contact else None,
        foreign=foreign_use(row.values) if answers is not None else None,
    )


def _head(row: repo.StatusRow) -> Head | None:
    if row.head_reachable is None:
        return None
    name = " ".join(part for part in (row.head_first_name, row.head_last_name) if part)
    return Head(vk_id=row.head_vk_id, name=name, reachable=row.head_reachable)


async def district_trend(
    *, session: AsyncSession, district: District, now: datetime, weeks: int
) -> tuple[Questionnaire, list[WeekPoint]]:
    """The district's indicators over its last `weeks` rounds, oldest first."""
    upto = calendar_of(district).week_of(now)
    rounds = await repo.weekly_rounds(
        session, district_id=district.id, upto_period=str(upto), limit=weeks
    )
    qn = await questionnaire_of(session, rounds[0] if rounds else None)
    sums = await repo.indicator_sums(session, round_ids=[r.id for r in rounds], pairs=_pairs(qn))
    points = [
        WeekPoint(
            period=r.period,
            indicators=from_sums(qn.indicators, _sums_of(sums, r)),
            answered=sums[r.id].responses if r.id in sums else 0,
        )
        for r in reversed(rounds)
    ]
    return qn, points


async def school_history(
    *,
    session: AsyncSession,
    school_id: int,
    now: datetime,
    week: IsoWeek | None = None,
    weeks: int = HISTORY_WEEKS,
) -> SchoolHistory:
    """One school: its answers of `week` (default this week) and its last `weeks` weeks."""
    school = await repo.school(session, school_id)
    assert school is not None
    district = await district_repo.get(session, school.district_id)
    assert district is not None
    week = week or calendar_of(district).week_of(now)
    rounds = await repo.weekly_rounds(
        session, district_id=district.id, upto_period=str(week), limit=weeks
    )
    qn = await questionnaire_of(session, rounds[0] if rounds else None)
    round_ids = [r.id for r in rounds]
    late = {
        r.round_id: r.late
        for r in await repo.responses(session, round_ids=round_ids, school_id=school_id)
    }
    answers: dict[int, dict[str, object]] = defaultdict(dict)
    numbers: dict[int, dict[str, object]] = defaultdict(dict)
    for row in await repo.answers(session, round_ids=round_ids, school_id=school_id):
        answers[row.round_id][row.key] = row.value
        numbers[row.round_id][row.key] = as_count(row.num)
    authors = {
        row.round_id: author_of(row, district.tz)
        for row in await responses_repo.authors(session, round_ids=round_ids, school_id=school_id)
    }
    history = [
        SchoolWeek(
            period=r.period,
            answers=answers[r.id] if r.id in late else None,
            values=tuple(compute_indicators(qn, numbers[r.id])) if r.id in late else (),
            late=late.get(r.id, False),
            author=authors.get(r.id),
        )
        for r in rounds
    ]
    if not rounds or rounds[0].period != str(week):
        history.insert(0, SchoolWeek(period=str(week), answers=None))
    return SchoolHistory(
        school=school.name,
        district=district.name,
        weeks=tuple(history),
        questionnaire=qn,
        contact=Contact(school.head_name, school.phone, school.email),
    )


def author_of(row: responses_repo.AuthorRow, tz: str) -> Author:
    """Who sent a response and when, as reports show it."""
    name = person_name(row.first_name, row.last_name, row.vk_id)
    return Author(name, row.role, row.by_office, row.submitted_at, tz)


async def region_rows(
    *, session: AsyncSession, now: datetime, week: IsoWeek | None = None
) -> list[RegionRow]:
    """Every district's `week` (default: each its current week) side by side (admins'
    /status region)."""
    all_districts = await district_repo.list_all(session)
    periods = {d.id: str(week or calendar_of(d).week_of(now)) for d in all_districts}
    rounds = {
        r.district_id: r
        for r in await repo.weekly_rounds_of_period(session, periods=set(periods.values()))
        if periods.get(r.district_id) == r.period
    }
    previous = await repo.weekly_rounds_before(session, periods=periods)
    qn = default_questionnaire()
    current_ids = [r.id for r in rounds.values()]
    # The change by the rule of a district's /status, summed by the database: a region's
    # schools are too many to read one by one.
    sums = await repo.region_sums(
        session,
        current_ids=current_ids,
        previous_ids=[r.id for r in previous.values()],
        pairs=_pairs(qn),
        flag=USES if USES in answer_keys(qn) else None,
    )
    answered = await repo.response_counts(
        session, round_ids=[*current_ids, *(r.id for r in previous.values())]
    )
    # The schools' names are read only in the weeks where some said they use them.
    foreign = await _foreign(
        session, qn, [r for r in rounds.values() if r.id in sums and sums[r.id].flagged]
    )
    counts = await repo.school_counts(session)
    rows = []
    for district in all_districts:
        round_ = rounds.get(district.id)
        week_sums = sums.get(round_.id) if round_ else None
        found, matched = (week_sums.sums, week_sums.matched) if week_sums else (None, None)
        before = previous.get(district.id)
        rows.append(
            RegionRow(
                district=district.name,
                period=periods[district.id],
                schools=counts.get(district.id, 0),
                answered=found.responses if found else 0,
                indicators=from_sums(qn.indicators, found.sums if found else None),
                change=_region_change(qn, round_, before, matched, answered),
                foreign=tuple(
                    (use.school, _what(use)) for use in foreign.get(round_.id if round_ else 0, [])
                ),
            )
        )
    return rows


def _region_change(
    qn: Questionnaire,
    round_: Round | None,
    before: Round | None,
    matched: repo.MatchedSums | None,
    answered: dict[int, int],
) -> WeekChange | None:
    if round_ is None or before is None:
        return None
    return change_from_sums(
        qn.indicators,
        answered=answered.get(round_.id, 0),
        answered_before=answered.get(before.id, 0),
        matched=matched.matched if matched else 0,
        sums=matched.sums if matched else [(0.0, 0.0, 0.0, 0.0, 0)] * len(qn.indicators),
    )


def _pairs(qn: Questionnaire) -> list[tuple[str, str]]:
    return [(ind.numerator, ind.denominator) for ind in qn.indicators]


def _sums_of(
    sums: dict[int, repo.RoundSums], round_: Round | None
) -> list[tuple[float, float, int]] | None:
    found = sums.get(round_.id) if round_ is not None else None
    return found.sums if found else None
