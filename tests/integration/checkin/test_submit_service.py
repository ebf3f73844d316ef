"""submit() on both engines: one response per (round, school), history, access, concurrency."""

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.checkin.answers import CheckinRefused, SubmitResult, open_round, submit
from storage.db import Database
from storage.models import Answer
from tests.integration.checkin.helpers import (
    DEPUTY_VK,
    STORED,
    answered_last_week,
    one_head,
    stored_answers,
    stored_responses,
    stored_revisions,
)
from tests.utils.factories import make_district, make_staff


async def _round_id(db: Database, school_id: int, clock: FakeClock) -> int:
    async with db.sessions.begin() as session:
        opened = await open_round(session=session, school_id=school_id, now=clock.now())
    assert opened is not None
    return opened.round.id


async def _submit(
    db: Database, clock: FakeClock, round_id: int, school_id: int, author: int, **changes: object
) -> SubmitResult:
    async with db.sessions.begin() as session:
        return await submit(
            session=session,
            round_id=round_id,
            school_id=school_id,
            author_person_id=author,
            answers={**STORED, **changes},
            now=clock.now(),
        )


async def test_resubmission_keeps_history_and_the_latest_counts(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    round_id = await _round_id(db, setup.school_id, clock)
    first = await _submit(db, clock, round_id, setup.school_id, setup.head_id)
    clock.advance(timedelta(days=4, hours=8))  # Friday 17:00 MSK, past the deadline
    second = await _submit(db, clock, round_id, setup.school_id, setup.head_id, staff_total=46)

    assert (first.revision, first.late, first.previous) == (1, False, None)
    assert (second.revision, second.late) == (2, True)
    [response] = await stored_responses(db)
    assert (response.revision, response.late) == (2, True)
    answers = await stored_answers(db, response.id)
    assert answers["staff_total"] == 46
    assert answers == {**STORED, "staff_total": 46}
    revisions = await stored_revisions(db)
    assert [(r.revision, r.late, r.answers["staff_total"]) for r in revisions] == [
        (1, False, 45),
        (2, True, 46),
    ]


async def test_a_resubmission_keeps_only_the_answers_it_gives(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    round_id = await _round_id(db, setup.school_id, clock)
    await _submit(db, clock, round_id, setup.school_id, setup.head_id, comment="Всё хорошо 👍")
    await _submit(db, clock, round_id, setup.school_id, setup.head_id)

    [response] = await stored_responses(db)
    assert await stored_answers(db, response.id) == STORED


async def test_a_submission_brings_the_answers_of_the_week_before(
    db: Database, clock: FakeClock
) -> None:
    setup = await one_head(db, clock)
    await answered_last_week(db, clock, setup, staff_total=44, comment="Прошлая неделя")
    round_id = await _round_id(db, setup.school_id, clock)

    result = await _submit(db, clock, round_id, setup.school_id, setup.head_id)

    assert result.previous == {**STORED, "staff_total": 44, "comment": "Прошлая неделя"}


async def test_numbers_are_copied_for_sql_sums(db: Database, clock: FakeClock) -> None:
    setup = await one_head(db, clock)
    round_id = await _round_id(db, setup.school_id, clock)
    await _submit(db, clock, round_id, setup.school_id, setup.head_id, comment="ok")
    async with db.reads() as session:
        nums = {k: n for k, n in await session.execute(select(Answer.key, Answer.num))}
    assert nums["students_total"] == 300.0
    assert nums["foreign_messengers"] == 0.0
    assert nums["comment"] is None


async def test_head_and_deputy_at_once_make_one_response(db: Database, clock: FakeClock) -> None:
    setup = await one_head(db, clock)
    deputy = await make_staff(
        db, vk_id=DEPUTY_VK, school_ids=[setup.school_id], now=clock.now(), role="deputy"
    )
    round_id = await _round_id(db, setup.school_id, clock)

    results = await asyncio.gather(
        _submit(db, clock, round_id, setup.school_id, setup.head_id, staff_total=50),
        _submit(db, clock, round_id, setup.school_id, deputy, staff_total=60),
        _submit(db, clock, round_id, setup.school_id, deputy, staff_total=70),
    )

    assert sorted(r.revision for r in results) == [1, 2, 3]
    [response] = await stored_responses(db)
    assert response.revision == 3
    last = max(results, key=lambda r: r.revision)
    answers = await stored_answers(db, response.id)
    assert answers["staff_total"] == last.answers["staff_total"]
    assert [r.revision for r in await stored_revisions(db)] == [1, 2, 3]


async def test_only_staff_of_the_school_may_submit(db: Database, clock: FakeClock) -> None:
    setup = await one_head(db, clock)
    other = await make_district(
        db, now=clock.now(), name="Другой район", schools=[("Школа №2", None)]
    )
    stranger = await make_staff(db, vk_id=300, school_ids=other.school_ids, now=clock.now())
    round_id = await _round_id(db, setup.school_id, clock)
    other_round = await _round_id(db, other.school_ids[0], clock)

    with pytest.raises(CheckinRefused) as refused:
        await _submit(db, clock, round_id, setup.school_id, stranger)
    assert refused.value.reason == "not_staff"
    with pytest.raises(CheckinRefused) as refused:
        await _submit(db, clock, other_round, setup.school_id, setup.head_id)
    assert refused.value.reason == "wrong_round"
    assert await stored_responses(db) == []


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"staff_total": None}, "incomplete"),
        ({"staff_total": "45"}, "bad_value"),
        ({"staff_total": 5000}, "bad_value"),
        ({"foreign_messengers": 1}, "bad_value"),
        ({"staff_registered": 46}, "rule"),
    ],
)
async def test_incomplete_or_wrong_answers_are_refused(
    sqlite_db: Database, clock: FakeClock, changes: dict, reason: str
) -> None:
    setup = await one_head(sqlite_db, clock)
    round_id = await _round_id(sqlite_db, setup.school_id, clock)
    with pytest.raises(CheckinRefused) as refused:
        await _submit(sqlite_db, clock, round_id, setup.school_id, setup.head_id, **changes)
    assert refused.value.reason == reason
