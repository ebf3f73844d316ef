"""Responses (the current answers of a school in a round), their answers and revisions.

`answers.num` is the numeric copy of a value for SQL sums: counts and percents as they
are, «Да»/«Нет» as 1/0 (so SUM counts the schools that said yes), text as NULL.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, delete, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, Person, Response, ResponseRevision, Round, SchoolStaff


async def of_round(session: AsyncSession, round_id: int, school_id: int) -> Response | None:
    query = select(Response).where(Response.round_id == round_id, Response.school_id == school_id)
    return await session.scalar(query)


async def answers_of(session: AsyncSession, response_id: int) -> dict[str, Any]:
    query = select(Answer.key, Answer.value).where(Answer.response_id == response_id)
    return {key: value for key, value in await session.execute(query)}


async def answers_before(
    session: AsyncSession, round_: Round, school_id: int
) -> dict[str, Any] | None:
    """The school's answers in the latest earlier round of the same campaign, if any."""
    params = {
        "school_id": school_id,
        "campaign_id": round_.campaign_id,
        "opens_at": round_.opens_at,
    }
    found = {key: value for key, value in await session.execute(_ANSWERS_BEFORE, params)}
    return found or None


async def claim(
    session: AsyncSession,
    *,
    round_id: int,
    school_id: int,
    author_id: int,
    late: bool,
    now: datetime,
    by_office: bool = False,
) -> tuple[int, int]:
    """(id, revision) of the school's response in the round as this submission leaves it:
    a new row at revision 1, or the row there at its next revision, by this author, late or
    not, at `now`, by the office or not.

    One statement (INSERT … ON CONFLICT DO UPDATE … RETURNING): two submissions at once
    never make two rows and never share a revision — PostgreSQL locks the row it updates,
    SQLite's BEGIN IMMEDIATE serialises writers.
    """
    params = {
        "round_id": round_id,
        "school_id": school_id,
        "author_id": author_id,
        "revision": 1,
        "late": late,
        "by_office": by_office,
        "submitted_at": now,
    }
    claimed = await session.execute(_CLAIM[session.get_bind().dialect.name], params)
    response_id, revision = claimed.one()
    return response_id, revision


async def replace_answers(
    session: AsyncSession, response_id: int, answers: Mapping[str, Any], *, first: bool
) -> None:
    """The response's answers become `answers`; `first`: it was made by this submission
    (revision 1), so it has none to delete."""
    if not first:
        await session.execute(_DELETE_ANSWERS, {"response_id": response_id})
    rows = [{"response_id": response_id, "key": key, "value": value, "num": numeric(value)}
            for key, value in answers.items()]  # fmt: skip
    if rows:
        await session.execute(_INSERT_ANSWERS, rows)


async def add_revision(
    session: AsyncSession,
    *,
    response_id: int,
    revision: int,
    author_id: int,
    answers: Mapping[str, Any],
    late: bool,
    submitted_at: datetime,
    by_office: bool = False,
) -> None:
    row = {
        "response_id": response_id,
        "revision": revision,
        "author_id": author_id,
        "answers": dict(answers),
        "late": late,
        "by_office": by_office,
        "submitted_at": submitted_at,
    }
    await session.execute(_INSERT_REVISION, row)


class AuthorRow(NamedTuple):
    round_id: int
    school_id: int
    by_office: bool
    submitted_at: datetime
    vk_id: int | None
    first_name: str | None
    last_name: str | None
    role: str | None  # the author's staff role at the school now, if any


async def authors(
    session: AsyncSession, *, round_ids: Collection[int], school_id: int | None = None
) -> list[AuthorRow]:
    """Who sent each school's current response in the rounds (or one school's), and when."""
    query = (
        select(
            Response.round_id,
            Response.school_id,
            Response.by_office,
            Response.submitted_at,
            Person.vk_id,
            Person.first_name,
            Person.last_name,
            SchoolStaff.role,
        )
        .outerjoin(Person, Person.id == Response.author_id)
        .outerjoin(
            SchoolStaff,
            and_(
                SchoolStaff.person_id == Response.author_id,
                SchoolStaff.school_id == Response.school_id,
            ),
        )
        .where(Response.round_id.in_(list(round_ids)))
    )
    if school_id is not None:
        query = query.where(Response.school_id == school_id)
    return [AuthorRow(*row) for row in await session.execute(query)]


def numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    return None


# The statements of a submission, built once: every check-in ends with them, and building
# them (and the ORM's unit of work for its rows) was most of a submission's time (py-spy).
def _claim(dialect: Any) -> Any:
    table = Response.__table__
    new_row = dialect.insert(table)
    return new_row.on_conflict_do_update(
        index_elements=[table.c.round_id, table.c.school_id],
        set_={
            "revision": table.c.revision + 1,
            "author_id": new_row.excluded.author_id,
            "late": new_row.excluded.late,
            "by_office": new_row.excluded.by_office,
            "submitted_at": new_row.excluded.submitted_at,
        },
    ).returning(table.c.id, table.c.revision)


_LATEST_BEFORE = (
    select(Response.id)
    .join(Round, Round.id == Response.round_id)
    .where(
        Response.school_id == bindparam("school_id"),
        Round.campaign_id == bindparam("campaign_id"),
        Round.opens_at < bindparam("opens_at", type_=Round.opens_at.type),
    )
    .order_by(Round.opens_at.desc())
    .limit(1)
    .scalar_subquery()
)
_ANSWERS_BEFORE = select(Answer.key, Answer.value).where(Answer.response_id == _LATEST_BEFORE)
_CLAIM = {"postgresql": _claim(postgresql), "sqlite": _claim(sqlite)}
_DELETE_ANSWERS = delete(Answer.__table__).where(
    Answer.__table__.c.response_id == bindparam("response_id")
)
_INSERT_ANSWERS = insert(Answer.__table__)
_INSERT_REVISION = insert(ResponseRevision.__table__)
