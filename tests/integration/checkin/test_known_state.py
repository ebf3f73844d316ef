"""A step trusts the roles and dialog state read at the start of the message, writes the draft
only if it is still the version read, and runs again on fresh reads when it is not."""

from typing import Any

from sqlalchemy import event, select

from bot.clock import FakeClock
from bot.services.access import load_actor
from bot.services.checkin_flow import Draft
from bot.services.dialog import Intent, Known, Outcome, handle
from storage.db import Database
from storage.models import DialogState
from storage.repos import dialogs
from tests.integration.checkin.helpers import HEAD_VK, one_head


async def _known(db: Database) -> Known:
    async with db.reads() as session:
        return Known(await load_actor(session, HEAD_VK, []), await dialogs.peek(session, HEAD_VK))


async def _step(db: Database, clock: FakeClock, text: str, known: Known | None) -> Outcome:
    intent = Intent(text=text)
    return await handle(
        db=db, vk_id=HEAD_VK, admin_ids=[], intent=intent, now=clock.now(), known=known
    )


async def _step_sending(
    db: Database, clock: FakeClock, text: str, known: Known | None
) -> tuple[Outcome, list[str]]:
    """The step's outcome and the SQL statements it sent."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", record)
    try:
        return await _step(db, clock, text, known), statements
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", record)


async def _draft(db: Database) -> tuple[int, Draft]:
    async with db.reads() as session:
        row = (await session.scalars(select(DialogState))).one()
    return row.version, Draft.from_payload(row.payload)


async def test_a_step_on_what_was_read_does_not_read_it_again(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    await handle(db=db, vk_id=HEAD_VK, admin_ids=[], intent=Intent("start"), now=clock.now())
    outcome, statements = await _step_sending(db, clock, "45", await _known(db))
    assert outcome.screens[-1].text.startswith("Вопрос 2 из 10")
    assert not [s for s in statements if s.lstrip().startswith("SELECT") and "dialog_states" in s]
    assert not [s for s in statements if "school_staff" in s]
    version, draft = await _draft(db)
    assert (version, draft.answers["staff_total"]) == (1, 45)


async def test_a_step_without_a_read_reads_roles_and_dialog_in_one_statement(
    db: Database, clock: FakeClock
) -> None:
    # A button press comes without the read a message gets at its start.
    await one_head(db, clock)
    await handle(db=db, vk_id=HEAD_VK, admin_ids=[], intent=Intent("start"), now=clock.now())
    outcome, statements = await _step_sending(db, clock, "45", None)
    assert outcome.screens[-1].text.startswith("Вопрос 2 из 10")
    reads = [s for s in statements if "dialog_states" in s or "school_staff" in s]
    assert len(reads) == 2  # the read, then the draft written back
    assert "dialog_states" in reads[0] and "school_staff" in reads[0]
    assert reads[1].lstrip().startswith("UPDATE dialog_states")


async def test_a_step_on_a_stale_read_runs_again_on_what_was_stored(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    await handle(db=db, vk_id=HEAD_VK, admin_ids=[], intent=Intent("start"), now=clock.now())
    read_before = await _known(db)
    # Another step of the person (question 1) lands between that read and this step.
    await _step(db, clock, "45", None)
    outcome = await _step(db, clock, "40", read_before)
    # Not lost, not applied to question 1 again: «40» answers the question after it.
    assert outcome.screens[-1].text.startswith("Вопрос 3 из 10")
    version, draft = await _draft(db)
    assert version == 2
    assert (draft.answers["staff_total"], draft.answers["staff_registered"]) == (45, 40)
