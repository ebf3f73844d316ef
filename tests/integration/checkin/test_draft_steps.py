"""A step that only changes the draft reads the rounds and writes the draft without a
transaction of its own (bot/services/draft_steps.py); a step that would do more runs in
one, having written nothing before."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import event, select

from bot.clock import FakeClock
from bot.domain.weeks import IsoWeek
from bot.services.access import load_actor
from bot.services.checkin import OpenRound, open_rounds, open_rounds_of_schools
from bot.services.checkin_flow import Draft
from bot.services.dialog import Intent, Known, Outcome, handle
from bot.services.draft_steps import DraftSteps, overwrite_drafts, read_open_rounds
from bot.services.rounds import round_for_week
from bot.texts import checkin as texts
from storage.db import Database
from storage.models import DialogState, District, Round
from storage.repos import dialogs
from storage.repos.dialogs import Overwrite
from tests.integration.checkin.helpers import FORM, HEAD_VK, one_head, stored_responses
from tests.utils.factories import make_district

SCHOOLS = (("МКОУ «СОШ № 1»", "СОШ № 1"), ("МКОУ «СОШ № 2»", None))


class Recorded:
    """Draft steps one at a time, recording what they asked for."""

    def __init__(self, db: Database, clock: FakeClock) -> None:
        self.db, self.clock = db, clock
        self.rounds: list[int] = []
        self.overwrites: list[Overwrite] = []
        self.steps = DraftSteps(open_rounds=self._open_rounds, overwrite=self._overwrite)

    async def _open_rounds(self, school_id: int) -> list[OpenRound] | None:
        self.rounds.append(school_id)
        return (await read_open_rounds(self.db, [school_id], self.clock.now()))[school_id]

    async def _overwrite(self, overwrite: Overwrite) -> bool:
        self.overwrites.append(overwrite)
        return (await overwrite_drafts(self.db, [overwrite]))[overwrite]


async def _known(db: Database) -> Known:
    async with db.reads() as session:
        return Known(await load_actor(session, HEAD_VK, []), await dialogs.peek(session, HEAD_VK))


async def _step(
    db: Database, clock: FakeClock, intent: Intent, drafts: Recorded, known: Known | None = None
) -> Outcome:
    """The step with the person as read now, unless `known` says what was read before."""
    known = known or await _known(db)
    return await handle(
        db=db,
        vk_id=HEAD_VK,
        admin_ids=[],
        intent=intent,
        now=clock.now(),
        known=known,
        drafts=drafts.steps,
    )


async def _draft(db: Database) -> tuple[int, Draft]:
    async with db.reads() as session:
        row = (await session.scalars(select(DialogState))).one()
    return row.version, Draft.from_payload(row.payload)


async def _started(db: Database, clock: FakeClock) -> Recorded:
    """A head who has started the check-in (a step in a transaction: it makes the draft)."""
    await one_head(db, clock)
    await handle(db=db, vk_id=HEAD_VK, admin_ids=[], intent=Intent("start"), now=clock.now())
    return Recorded(db, clock)


async def test_an_answer_reads_the_rounds_and_writes_the_draft_in_one_statement_each(
    db: Database, clock: FakeClock
) -> None:
    drafts = await _started(db, clock)
    await _step(db, clock, Intent(text="45"), drafts)  # the first reads the questionnaire too
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    known = await _known(db)
    # PostgreSQL reads outside transactions through a pool of its own (storage/db.py).
    engines = [e.sync_engine for e in (db.engine, db.autocommit) if e is not None]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        outcome = await _step(db, clock, Intent(text="40"), drafts, known)
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
    assert outcome.screens[-1].text.startswith("Вопрос 3 из 10")
    assert len(drafts.rounds) == 2
    assert len(drafts.overwrites) == 2
    assert len(statements) == 2
    assert "FROM schools" in statements[0]
    assert statements[1].lstrip().startswith("UPDATE dialog_states")
    version, draft = await _draft(db)
    assert (version, draft.answers["staff_registered"]) == (2, 40)


async def test_a_draft_changed_since_it_was_read_runs_again_in_a_transaction(
    db: Database, clock: FakeClock
) -> None:
    drafts = await _started(db, clock)
    read_before = await _known(db)
    # Another step of the person (question 1) lands between that read and this step.
    await _step(db, clock, Intent(text="45"), drafts)
    outcome = await _step(db, clock, Intent(text="40"), drafts, read_before)
    # Not lost, not applied to question 1 again: «40» answers the question after it.
    assert outcome.screens[-1].text.startswith("Вопрос 3 из 10")
    assert len(drafts.overwrites) == 2  # the second one found the draft changed
    version, draft = await _draft(db)
    assert version == 2
    assert (draft.answers["staff_total"], draft.answers["staff_registered"]) == (45, 40)


async def test_sending_runs_in_a_transaction_without_writing_the_draft_first(
    db: Database, clock: FakeClock
) -> None:
    drafts = await _started(db, clock)
    review = await _step(db, clock, Intent(text=FORM), drafts)
    assert "Проверьте" in review.screens[-1].text, review.screens[-1].text
    assert len(drafts.overwrites) == 1
    done = await _step(db, clock, Intent("send"), drafts)
    assert len(drafts.overwrites) == 1
    assert done.screens[0].text.startswith("Спасибо"), done.screens[0].text
    [response] = await stored_responses(db)
    assert response.revision == 1
    async with db.reads() as session:
        assert (await session.scalars(select(DialogState))).first() is None


async def test_the_weeks_first_step_makes_its_round_in_a_transaction(
    db: Database, clock: FakeClock
) -> None:
    drafts = await _started(db, clock)
    await _step(db, clock, Intent(text="45"), drafts)
    clock.advance(timedelta(days=7))  # no planning tick has made the new week's round
    outcome = await _step(db, clock, Intent(text="40"), drafts)
    assert outcome.screens[0].text.startswith(texts.NEW_WEEK)
    assert len(drafts.overwrites) == 1  # only last week's answer
    async with db.reads() as session:
        periods = set(await session.scalars(select(Round.period)))
    assert periods == {"2024-W43", "2024-W44"}
    version, draft = await _draft(db)
    assert draft.answers == {} and version == 0


async def test_the_rounds_of_several_schools_read_at_once_are_each_ones_own(
    db: Database, clock: FakeClock
) -> None:
    made = await make_district(db, now=clock.now(), schools=SCHOOLS)
    unplanned = await make_district(db, now=clock.now(), name="Другой район")
    async with db.sessions.begin() as session:
        district = await session.get(District, made.id)
        assert district is not None
        await round_for_week(session, district, IsoWeek(2024, 43), clock.now())
    ids = [*made.school_ids, unplanned.school_ids[0], 999_999]
    async with db.reads() as session:
        together = await open_rounds_of_schools(session=session, school_ids=ids, now=clock.now())
    assert together[unplanned.school_ids[0]] is None  # the week's round is not made yet
    assert together[999_999] is None
    for school_id in made.school_ids:
        async with db.reads() as session:
            alone = await open_rounds(session=session, school_id=school_id, now=clock.now())
        found = together[school_id]
        assert found is not None
        assert [(o.school.id, o.round.id, o.questionnaire.id) for o in found] == [
            (o.school.id, o.round.id, o.questionnaire.id) for o in alone
        ]
        assert len(found) == 1
