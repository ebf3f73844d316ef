"""Read queries behind /status, /my, /rating, charts and exports.

Each view issues a fixed number of queries whatever the number of schools or weeks: the
roster of a district (schools with their heads) is one query, the answers of a set of
rounds another, and district indicators are a SQL aggregate over `answers.num`.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache, partial
from typing import Any, NamedTuple

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Executable,
    Row,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased

from storage.dml import rowcount
from storage.models import (
    Answer,
    Campaign,
    Chat,
    OutboxMessage,
    Person,
    Response,
    Round,
    School,
    SchoolStaff,
    Throttle,
)
from storage.upsert import insert_ignore


class RosterRow(NamedTuple):
    school_id: int
    name: str
    district_id: int
    head_vk_id: int | None
    head_first_name: str | None
    head_last_name: str | None
    head_reachable: bool | None  # None when the school has no head in the bot


@dataclass(frozen=True)
class ResponseRow:
    round_id: int
    school_id: int
    late: bool
    submitted_at: datetime


class AnswerRow(NamedTuple):
    round_id: int
    school_id: int
    key: str
    value: Any
    num: float | None


@dataclass(frozen=True)
class RoundSums:
    responses: int  # responses with any of the summed answers
    sums: list[tuple[float, float, int]]  # per pair: Σ n, Σ d, responses that gave both


async def _rows(
    session: AsyncSession, statement: Executable, params: Mapping[str, Any]
) -> CursorResult[*tuple[Any, ...]]:
    """Rows from the session's connection: report queries select columns, not entities, and
    need none of the ORM's per-statement setup."""
    connection = await session.connection()
    return await connection.execute(statement, params)


def _pivot(keys: Sequence[str]) -> list[Any]:
    """One response's number for each key, its answers grouped: NULL when not given."""
    return [func.max(case((Answer.key == key, Answer.num))).label(f"k_{key}") for key in keys]


def _lateral(connection: AsyncConnection) -> bool:
    """Pivot each response by a LATERAL subquery (PostgreSQL; see `_sums_query`)."""
    return connection.dialect.name == "postgresql"


def _with_head(query: Select[*tuple[Any, ...]], lateral: bool) -> Select[*tuple[Any, ...]]:
    """The school's head: vk_id, first and last name, reachable (NULLs without one)."""
    if lateral:
        # PostgreSQL: by the (school, role) index. As a join its planner hashes the whole
        # of school_staff for a district's 500 schools (5–80 ms here, against 1 ms).
        head = (
            select(Person.vk_id, Person.first_name, Person.last_name, Person.reachable)
            .join(SchoolStaff, SchoolStaff.person_id == Person.id)
            .where(SchoolStaff.school_id == School.id, SchoolStaff.role == "head")
            .lateral()
        )
        return query.add_columns(*head.c).outerjoin_from(School, head, true())
    return (
        query.add_columns(Person.vk_id, Person.first_name, Person.last_name, Person.reachable)
        .outerjoin(
            SchoolStaff, and_(SchoolStaff.school_id == School.id, SchoolStaff.role == "head")
        )
        .outerjoin(Person, Person.id == SchoolStaff.person_id)
    )


# The report queries are built once, with bound parameters: building a statement costs as
# much as running a small one (bench/README.md).
@lru_cache(maxsize=2)
def _roster_query(lateral: bool) -> Select[Any]:
    query = (
        select(School.id, School.name, School.district_id)
        .where(
            School.district_id.in_(bindparam("district_ids", expanding=True)),
            School.archived_at.is_(None),
        )
        .order_by(School.district_id, School.name)
    )
    return _with_head(query, lateral)


async def roster(session: AsyncSession, *, district_ids: Collection[int]) -> list[RosterRow]:
    """Active schools of the districts with their heads, by district then name."""
    connection = await session.connection()
    query = _roster_query(_lateral(connection))
    result = await connection.execute(query, {"district_ids": list(district_ids)})
    return list(map(RosterRow._make, result))


class StatusRow(NamedTuple):
    """A school on the roster with its head, its contacts and its answers to a round and to
    the round before."""

    school_id: int
    name: str
    head_vk_id: int | None
    head_first_name: str | None
    head_last_name: str | None
    head_reachable: bool | None  # None when the school has no head in the bot
    contact: tuple[str | None, str | None, str | None] | None  # head's name, phone, e-mail
    late: bool | None  # None when the school has not answered
    undelivered: bool  # a message of the round VK refused for good (blocked, not allowed)
    counts: dict[str, int | None]  # the answer's counts; empty when not answered
    values: dict[str, Any]  # the stored values of the `values` keys it answered
    previous: dict[str, int | None] | None  # the counts of the round before; None: none


def _counts_pivot(keys: Sequence[str]) -> list[Any]:
    """One response's answer to each of the int questions `keys` as an integer (stored
    as a float in `answers.num`): NULL when not given."""
    return [
        cast(func.max(case((Answer.key == key, Answer.num))), BigInteger).label(f"n_{key}")
        for key in keys
    ]


def _values_pivot(keys: Sequence[str]) -> list[Any]:
    """One response's stored value of each key, as JSON text (PostgreSQL has no max() of
    jsonb): NULL when not given."""
    return [
        func.max(case((Answer.key == key, cast(Answer.value, Text)))).label(f"v_{key}")
        for key in keys
    ]


@lru_cache(maxsize=32)
def _status_query(keys: tuple[str, ...], values: tuple[str, ...], lateral: bool) -> Select[Any]:
    round_id = bindparam("round_id", type_=Response.round_id.type)
    previous_id = bindparam("previous_id", type_=Response.round_id.type)
    failed = (
        select(OutboxMessage.school_id)
        .where(OutboxMessage.round_id == round_id, OutboxMessage.status == "failed")
        .distinct()
        .subquery()
    )
    schools = select(School.id, School.name).where(
        School.district_id == bindparam("district_id", type_=School.district_id.type),
        School.archived_at.is_(None),
    )
    query = (
        _with_head(schools, lateral)
        .add_columns(School.head_name, School.phone, School.email, failed.c.school_id.is_not(None))
        .outerjoin_from(School, failed, failed.c.school_id == School.id)
        .order_by(School.name)
    )
    now = [*_counts_pivot(keys), *_values_pivot(values)]
    before = _counts_pivot(keys)
    if lateral:  # see _sums_query
        previous = aliased(Response)
        query = (
            query.add_columns(Response.late, previous.id)
            .outerjoin_from(
                School,
                Response,
                and_(Response.school_id == School.id, Response.round_id == round_id),
            )
            .outerjoin_from(
                School,
                previous,
                and_(previous.school_id == School.id, previous.round_id == previous_id),
            )
        )
        if not keys and not values:  # a request's questionnaire may have no numbers
            return query
        answers = select(*now).where(Answer.response_id == Response.id).lateral()
        query = query.add_columns(*answers.c).outerjoin_from(Response, answers, true())
        if not keys:
            return query
        answers_before = select(*before).where(Answer.response_id == previous.id).lateral()
        return query.add_columns(*answers_before.c).outerjoin_from(previous, answers_before, true())
    answered = (
        select(Response.school_id, Response.late, *now)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == round_id)
        .group_by(Response.id, Response.school_id, Response.late)
        .subquery()
    )
    answered_before = (
        select(Response.school_id, Response.id, *before)
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.round_id == previous_id)
        .group_by(Response.id, Response.school_id)
        .subquery()
    )
    return (
        query.add_columns(answered.c.late, answered_before.c.id)
        .add_columns(*list(answered.c)[2:], *list(answered_before.c)[2:])
        .outerjoin_from(School, answered, answered.c.school_id == School.id)
        .outerjoin_from(School, answered_before, answered_before.c.school_id == School.id)
    )


async def district_status(
    session: AsyncSession,
    *,
    district_id: int,
    round_id: int | None,
    keys: Sequence[str],
    values: Sequence[str] = (),
    previous_id: int | None = None,
) -> Iterator[StatusRow]:
    """The district's active schools by name, each with its head, its contacts and its
    answer to the round (its counts of the int questions `keys`, pivoted by the database,
    and the stored `values`) and to the round before (`previous_id`, `keys`' counts): one
    query for a /status. The rows are read in full; each is made as it is taken."""
    connection = await session.connection()
    query = _status_query(tuple(keys), tuple(values), _lateral(connection))
    params = {"district_id": district_id, "round_id": round_id, "previous_id": previous_id}
    return map(partial(_status_row, keys, values), await connection.execute(query, params))


def _status_row(
    keys: Sequence[str], values: Sequence[str], row: Row[*tuple[Any, ...]]
) -> StatusRow:
    numbers_end = 12 + len(keys)
    values_end = numbers_end + len(values)
    contact, failed, late, answered_before = row[6:9], row[9], row[10], row[11]
    return StatusRow(
        school_id=row[0],
        name=row[1],
        head_vk_id=row[2],
        head_first_name=row[3],
        head_last_name=row[4],
        head_reachable=row[5],
        contact=contact if any(part is not None for part in contact) else None,
        late=late,
        undelivered=bool(failed),
        counts={} if late is None else dict(zip(keys, row[12:numbers_end], strict=True)),
        values=_decoded(values, row[numbers_end:values_end]),
        previous=(
            None if answered_before is None else dict(zip(keys, row[values_end:], strict=True))
        ),
    )


_WEEKLY_ROUNDS = (
    select(Round)
    .join(Campaign, Campaign.id == Round.campaign_id)
    .where(
        Round.district_id == bindparam("district_id", type_=Round.district_id.type),
        Campaign.of_kind("weekly"),
        Round.period <= bindparam("upto_period", type_=Round.period.type),
    )
    .order_by(Round.period.desc())
    .limit(bindparam("limit"))
)


async def weekly_rounds(
    session: AsyncSession, *, district_id: int, upto_period: str, limit: int
) -> list[Round]:
    """The district's weekly rounds up to and including `upto_period`, newest first.

    ISO periods ("2024-W43") are zero-padded, so text order is time order.
    """
    params = {"district_id": district_id, "upto_period": upto_period, "limit": limit}
    return list(await session.scalars(_WEEKLY_ROUNDS, params))


async def weekly_rounds_of_period(
    session: AsyncSession, *, periods: Collection[str]
) -> list[Round]:
    """Every district's weekly round of the given periods (the region roll-up)."""
    query = (
        select(Round)
        .join(Campaign, Campaign.id == Round.campaign_id)
        .where(Campaign.of_kind("weekly"), Round.period.in_(list(periods)))
    )
    return list(await session.scalars(query))


async def weekly_rounds_before(
    session: AsyncSession, *, periods: Mapping[int, str]
) -> dict[int, Round]:
    """Each district's latest weekly round before its period in `periods` (district id →
    period): the round a week's change is computed against, for every district at once."""
    if not periods:
        return {}
    # Districts' current weeks differ by at most one (time zones): the latest two rounds
    # before the latest period hold each district's own.
    latest = (
        select(
            Round.id,
            func.row_number()
            .over(partition_by=Round.district_id, order_by=Round.period.desc())
            .label("place"),
        )
        .join(Campaign, Campaign.id == Round.campaign_id)
        .where(
            Campaign.of_kind("weekly"),
            Round.district_id.in_(list(periods)),
            Round.period < max(periods.values()),
        )
        .subquery()
    )
    query = (
        select(Round)
        .join(latest, latest.c.id == Round.id)
        .where(latest.c.place <= 2)
        .order_by(Round.period.desc())
    )
    found: dict[int, Round] = {}
    for round_ in await session.scalars(query):
        if round_.period < periods[round_.district_id]:
            found.setdefault(round_.district_id, round_)
    return found


async def responses(
    session: AsyncSession, *, round_ids: Collection[int], school_id: int | None = None
) -> list[ResponseRow]:
    query = select(
        Response.round_id, Response.school_id, Response.late, Response.submitted_at
    ).where(Response.round_id.in_(list(round_ids)))
    if school_id is not None:
        query = query.where(Response.school_id == school_id)
    return [ResponseRow(*row) for row in await session.execute(query)]


@lru_cache(maxsize=2)
def _answers_query(of_school: bool) -> Select[Any]:
    query = (
        select(Response.round_id, Response.school_id, Answer.key, Answer.value, Answer.num)
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.round_id.in_(bindparam("round_ids", expanding=True)))
    )
    if of_school:
        query = query.where(Response.school_id == bindparam("school_id"))
    return query


async def answers(
    session: AsyncSession, *, round_ids: Collection[int], school_id: int | None = None
) -> list[AnswerRow]:
    """Stored answers of the rounds (optionally of one school)."""
    query = _answers_query(school_id is not None)
    params: dict[str, Any] = {"round_ids": list(round_ids)}
    if school_id is not None:
        params["school_id"] = school_id
    return list(map(AnswerRow._make, await _rows(session, query, params)))


class SchoolNumbers(NamedTuple):
    """A response as an export reads it: its answers and who sent it."""

    round_id: int
    school_id: int
    late: bool
    numbers: dict[str, int | float | None]  # counts as int, other numbers as float
    values: dict[str, Any]  # the stored values of the `flags` and `values` keys it answered
    by_office: bool  # entered by the district office
    author_vk_id: int | None
    author_first_name: str | None
    author_last_name: str | None
    author_role: str | None  # the author's staff role at the school now, if any


@lru_cache(maxsize=32)
def _school_numbers_query(
    counts: tuple[str, ...],
    numbers: tuple[str, ...],
    flags: tuple[str, ...],
    values: tuple[str, ...],
) -> Select[Any]:
    # No `key IN (…)` on the join: the CASEs pick the keys, and a range scan of the
    # response's answers is cheaper than one index probe per key (both engines).
    answered = (
        select(
            Response.round_id,
            Response.school_id,
            Response.late,
            Response.by_office,
            Response.author_id,
            *_counts_pivot(counts),
            *_pivot(numbers),
            *_counts_pivot(flags),
            *_values_pivot(values),
        )
        .outerjoin(Answer, Answer.response_id == Response.id)
        .where(Response.round_id.in_(bindparam("round_ids", expanding=True)))
        .group_by(
            Response.id,
            Response.round_id,
            Response.school_id,
            Response.late,
            Response.by_office,
            Response.author_id,
        )
        .subquery()
    )
    # The author once a response, not once an answer.
    columns = list(answered.c)
    return (
        select(*columns[:4], Person.vk_id, Person.first_name, Person.last_name, SchoolStaff.role)
        .add_columns(*columns[5:])
        .outerjoin_from(answered, Person, Person.id == answered.c.author_id)
        .outerjoin(
            SchoolStaff,
            and_(
                SchoolStaff.person_id == answered.c.author_id,
                SchoolStaff.school_id == answered.c.school_id,
            ),
        )
    )


async def school_numbers(
    session: AsyncSession,
    *,
    round_ids: Collection[int],
    counts: Sequence[str],
    numbers: Sequence[str] = (),
    flags: Sequence[str] = (),
    values: Sequence[str] = (),
) -> list[SchoolNumbers]:
    """Each response of the rounds as one row: round, school, late, its answers to the int
    questions `counts` (as int) and to the other number questions `numbers`, its answers to
    the yes/no questions `flags` (as bool, read from their numbers) and the stored values of
    other answers (`values`: text, choices, tables), and its author.

    Pivoted by the database, so an export reads one row per school and week, its text
    answers in the same pass over the answers.
    """
    query = _school_numbers_query(tuple(counts), tuple(numbers), tuple(flags), tuple(values))
    result = await _rows(session, query, {"round_ids": list(round_ids)})
    keys = [*counts, *numbers]
    return [_school_numbers_row(keys, flags, values, row) for row in result]


def _school_numbers_row(
    keys: Sequence[str], flags: Sequence[str], values: Sequence[str], row: Row[*tuple[Any, ...]]
) -> SchoolNumbers:
    numbers_end = 8 + len(keys)
    flags_end = numbers_end + len(flags)
    given = zip(flags, row[numbers_end:flags_end], strict=True)
    answers = {key: number == 1 for key, number in given if number is not None}
    answers.update(_decoded(values, row[flags_end:]))
    return SchoolNumbers(
        round_id=row[0],
        school_id=row[1],
        late=row[2],
        numbers=dict(zip(keys, row[8:numbers_end], strict=True)),
        values=answers,
        by_office=row[3],
        author_vk_id=row[4],
        author_first_name=row[5],
        author_last_name=row[6],
        author_role=row[7],
    )


def _decoded(keys: Sequence[str], stored: Sequence[str | None]) -> dict[str, Any]:
    """The stored values (JSON text, from `_values_pivot`) of the keys that have one."""
    return {
        key: json.loads(text) for key, text in zip(keys, stored, strict=True) if text is not None
    }


@lru_cache(maxsize=32)
def _sums_query(pairs: tuple[tuple[str, str], ...], on_roster: bool, lateral: bool) -> Select[Any]:
    keys = sorted({key for pair in pairs for key in pair})
    numbers = _pivot(keys)
    of_rounds = Response.round_id.in_(bindparam("round_ids", expanding=True))
    if lateral:
        # PostgreSQL: each response's answers by one index scan. As a grouped join, its
        # planner hashes the whole answers table as soon as the rounds hold a few per cent
        # of it (the region's week: 0,6 s instead of 0,15 s at 12 weeks, worse with more).
        answers = select(*numbers).where(Answer.response_id == Response.id).lateral()
        pivot = select(Response.round_id, *answers.c).join(answers, true()).where(of_rounds)
    else:
        # SQLite: grouped in the order of the index the responses are read by (no sort).
        pivot = (
            select(Response.round_id, *numbers)
            .join(Answer, Answer.response_id == Response.id)
            .where(of_rounds)
            .group_by(Response.round_id, Response.school_id)
        )
    if on_roster:
        pivot = pivot.join(School, School.id == Response.school_id).where(
            School.district_id == bindparam("district_id", type_=School.district_id.type),
            School.archived_at.is_(None),
        )
    inner = pivot.subquery()
    # The CASEs pick the keys (no `key IN (…)`: a probe per key costs more than reading
    # the response's few answers), so a response counts when it gave any of the numbers.
    counted = or_(*(inner.c[f"k_{key}"].is_not(None) for key in keys))
    columns: list[ColumnElement[Any]] = [func.count(case((counted, 1)))]
    for n_key, d_key in pairs:
        n, d = inner.c[f"k_{n_key}"], inner.c[f"k_{d_key}"]
        both = and_(n.is_not(None), d.is_not(None))
        columns += [
            func.coalesce(func.sum(case((both, n))), 0),
            func.coalesce(func.sum(case((both, d))), 0),
            func.count(case((both, 1))),
        ]
    return select(inner.c.round_id, *columns).group_by(inner.c.round_id)


async def indicator_sums(
    session: AsyncSession,
    *,
    round_ids: Collection[int],
    pairs: Sequence[tuple[str, str]],
    roster_of: int | None = None,
) -> dict[int, RoundSums]:
    """Per round, for each (numerator, denominator) pair: Σ n and Σ d over the responses
    that gave both numbers — the weighted district share, computed by the database.

    With `roster_of`, only the answers of schools now on that district's roster count (an
    archived school's stay out, as in the district's /status). The inner query pivots each
    response's answers into one row; the outer one sums.
    """
    if not round_ids or not pairs:
        return {}
    connection = await session.connection()
    lateral = _lateral(connection)
    if lateral:
        # The planner costs the per-response scans high enough to JIT-compile the query:
        # 100–200 ms of compiling for a query that runs in less.
        await connection.exec_driver_sql("SET LOCAL jit = off")
    query = _sums_query(tuple(pairs), roster_of is not None, lateral)
    params: dict[str, Any] = {"round_ids": list(round_ids)}
    if roster_of is not None:
        params["district_id"] = roster_of
    result: dict[int, RoundSums] = {}
    for row in await connection.execute(query, params):
        values = list(row[2:])
        sums = [
            (float(values[i]), float(values[i + 1]), int(values[i + 2]))
            for i in range(0, len(values), 3)
        ]
        result[row[0]] = RoundSums(int(row[1]), sums)
    return result


@dataclass(frozen=True)
class MatchedSums:
    matched: int  # schools that answered both rounds
    # per pair: Σ n and Σ d this week, Σ n and Σ d the week before, schools that gave all four
    sums: list[tuple[float, float, float, float, int]]


# Archived schools are few: `NOT IN` them is one small hash, where a join to the schools
# probes them once a response.
_ARCHIVED = select(School.id).where(School.archived_at.is_not(None))


def _numbers_of(rounds: str, keys: Sequence[str], lateral: bool, on_roster: bool = False) -> Any:
    """Each response of the rounds bound as `rounds` (with `on_roster`, of schools on a
    roster only): round, school and its numbers."""
    of_rounds: ColumnElement[bool] = Response.round_id.in_(bindparam(rounds, expanding=True))
    if on_roster:
        of_rounds = and_(of_rounds, Response.school_id.not_in(_ARCHIVED))
    if lateral:  # see _sums_query
        answers = select(*_pivot(keys)).where(Answer.response_id == Response.id).lateral()
        query = select(Response.round_id, Response.school_id, *answers.c).join(answers, true())
        return query.where(of_rounds).subquery()
    return (
        select(Response.round_id, Response.school_id, *_pivot(keys))
        .join(Answer, Answer.response_id == Response.id)
        .where(of_rounds)
        .group_by(Response.round_id, Response.school_id)
        .subquery()
    )


@lru_cache(maxsize=8)
def _region_query(
    pairs: tuple[tuple[str, str], ...], flag: str | None, lateral: bool
) -> Select[Any]:
    keys = sorted({key for pair in pairs for key in pair})
    flags = [flag] if flag is not None and flag not in keys else []
    now, before = (
        _numbers_of("current_ids", [*keys, *flags], lateral),
        _numbers_of("previous_ids", keys, lateral, on_roster=True),
    )
    # A school answers only its own district's rounds: the school pairs each district's
    # two rounds. Schools on a roster only, as in a district's /status.
    matched = before.c.school_id.is_not(None)
    counted = or_(*(now.c[f"k_{key}"].is_not(None) for key in keys))
    columns: list[ColumnElement[Any]] = [
        func.count(case((counted, 1))),
        func.count(case((matched, 1))),
        func.count(case((now.c[f"k_{flag}"] == 1, 1))) if flag is not None else literal(0),
    ]
    for n_key, d_key in pairs:
        n, d = now.c[f"k_{n_key}"], now.c[f"k_{d_key}"]
        both = and_(n.is_not(None), d.is_not(None))
        columns += [
            func.coalesce(func.sum(case((both, n))), 0),
            func.coalesce(func.sum(case((both, d))), 0),
            func.count(case((both, 1))),
        ]
        numbers = [n, d, before.c[f"k_{n_key}"], before.c[f"k_{d_key}"]]
        given = and_(matched, *(number.is_not(None) for number in numbers))
        columns += [func.coalesce(func.sum(case((given, number))), 0) for number in numbers]
        columns.append(func.count(case((given, 1))))
    return (
        select(now.c.round_id, *columns)
        .outerjoin_from(now, before, before.c.school_id == now.c.school_id)
        .group_by(now.c.round_id)
    )


class RegionSums(NamedTuple):
    """A district's week in the region: its sums, its change and its «Да» to a question."""

    sums: RoundSums  # as `indicator_sums` gives them
    matched: MatchedSums  # over the schools on a roster that answered the week before too
    flagged: int  # responses that said «Да» to the yes/no question asked about (any school)


async def region_sums(
    session: AsyncSession,
    *,
    current_ids: Collection[int],
    previous_ids: Collection[int],
    pairs: Sequence[tuple[str, str]],
    flag: str | None = None,
) -> dict[int, RegionSums]:
    """Per round of `current_ids`: its sums as `indicator_sums` gives them, and over the
    schools on a roster that also answered a round of `previous_ids` (each district's week
    before), for each (numerator, denominator) pair, the sums of both weeks over the schools
    that gave both numbers both weeks — every district's change at once, as `week_change`
    computes it for one — and its responses that said «Да» to the yes/no question `flag`.
    Each week's answers are pivoted once."""
    if not current_ids or not pairs:
        return {}
    connection = await session.connection()
    lateral = _lateral(connection)
    if lateral:
        await connection.exec_driver_sql("SET LOCAL jit = off")  # see indicator_sums
    query = _region_query(tuple(pairs), flag, lateral)
    params = {"current_ids": list(current_ids), "previous_ids": list(previous_ids)}
    result: dict[int, RegionSums] = {}
    for row in await connection.execute(query, params):
        values = [float(value) for value in row[4:]]
        per_pair = [values[i : i + 8] for i in range(0, len(values), 8)]
        result[row[0]] = RegionSums(
            RoundSums(int(row[1]), [(n, d, int(count)) for n, d, count, *_ in per_pair]),
            MatchedSums(
                int(row[2]), [(n, d, pn, pd, int(count)) for *_, n, d, pn, pd, count in per_pair]
            ),
            int(row[3]),
        )
    return result


async def response_counts(session: AsyncSession, *, round_ids: Collection[int]) -> dict[int, int]:
    """Responses per round from schools on a roster."""
    query = (
        select(Response.round_id, func.count())
        .where(Response.round_id.in_(list(round_ids)), Response.school_id.not_in(_ARCHIVED))
        .group_by(Response.round_id)
    )
    return {round_id: count for round_id, count in await session.execute(query)}


class ForeignUse(NamedTuple):
    round_id: int
    school_id: int
    school: str
    which: Any  # the stored answer to the `which` question; None when not given


async def foreign_uses(
    session: AsyncSession, *, round_ids: Collection[int], uses: str, which: str
) -> list[ForeignUse]:
    """Every response of the rounds from a school on a roster that answered «Да» to the
    yes/no question `uses`, with its answer to `which`, by school name."""
    said = aliased(Answer)
    query = (
        select(Response.round_id, School.id, School.name, said.value)
        .join(Answer, Answer.response_id == Response.id)
        .join(School, School.id == Response.school_id)
        .outerjoin(said, and_(said.response_id == Response.id, said.key == which))
        .where(
            Response.round_id.in_(list(round_ids)),
            Answer.key == uses,
            Answer.num == 1,
            School.archived_at.is_(None),
        )
        .order_by(School.name)
    )
    return list(map(ForeignUse._make, await session.execute(query)))


async def school_counts(session: AsyncSession) -> dict[int, int]:
    """Active schools per district."""
    query = (
        select(School.district_id, func.count())
        .where(School.archived_at.is_(None))
        .group_by(School.district_id)
    )
    return {district_id: count for district_id, count in await session.execute(query)}


async def school_staff_recipients(
    session: AsyncSession, *, school_ids: Collection[int]
) -> list[tuple[int, int, bool]]:
    """(school_id, vk_id, reachable) of every head and deputy of the schools."""
    query = (
        select(SchoolStaff.school_id, Person.vk_id, Person.reachable)
        .join(Person, Person.id == SchoolStaff.person_id)
        .where(SchoolStaff.school_id.in_(list(school_ids)), Person.vk_id.is_not(None))
        .order_by(SchoolStaff.school_id, SchoolStaff.role)
    )
    return [tuple(row) for row in await session.execute(query)]  # type: ignore[misc]


async def chat_by_peer(session: AsyncSession, peer_id: int) -> Chat | None:
    return await session.scalar(select(Chat).where(Chat.peer_id == peer_id))


async def school(session: AsyncSession, school_id: int) -> School | None:
    return await session.get(School, school_id)


async def take_window(
    session: AsyncSession, *, key: str, now: datetime, window: timedelta
) -> datetime | None:
    """Claim a once-per-`window` slot atomically; None if claimed, else when it frees up.

    The conditional UPDATE is the whole check, so two officials pressing at once (or two
    bot instances) cannot both pass.
    """
    await insert_ignore(
        session,
        Throttle,
        [{"key": key, "count": 0, "window_start": now - window, "blocked_until": None}],
        ["key"],
    )
    claimed = await session.execute(
        update(Throttle)
        .where(Throttle.key == key, Throttle.window_start <= now - window)
        .values(window_start=now, count=Throttle.count + 1)
    )
    if rowcount(claimed):
        return None
    started = await session.scalar(select(Throttle.window_start).where(Throttle.key == key))
    assert started is not None
    return started + window
