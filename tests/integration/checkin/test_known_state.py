"""A step starts from the roles and dialog state read for the update, writes the draft only
if it is still the version read, and runs again on what is stored when it is not."""

from sqlalchemy import select

from bot.clock import FakeClock
from bot.services.access import load_person
from bot.services.checkin.conversation import Intent, Known, Outcome, handle
from bot.services.checkin.flow import Draft
from storage.db import Database
from storage.models import DialogState
from tests.integration.checkin.helpers import HEAD_VK, one_head


async def _known(db: Database) -> Known:
    return Known(*await load_person(db=db, vk_id=HEAD_VK, peer_id=HEAD_VK, admin_ids=[]))


async def _step(db: Database, clock: FakeClock, intent: Intent, known: Known) -> Outcome:
    return await handle(db=db, known=known, intent=intent, now=clock.now(), admin_ids=[])


async def _draft(db: Database) -> tuple[int, Draft]:
    async with db.reads() as session:
        row = (await session.scalars(select(DialogState))).one()
    return row.version, Draft.from_payload(row.payload)


async def test_a_step_on_a_stale_read_runs_again_on_what_was_stored(
    db: Database, clock: FakeClock
) -> None:
    await one_head(db, clock)
    await _step(db, clock, Intent("start"), await _known(db))
    read_before = await _known(db)
    # Another step of the person (question 1) lands between that read and this step.
    await _step(db, clock, Intent(text="45"), await _known(db))
    outcome = await _step(db, clock, Intent(text="40"), read_before)
    # Not lost, not applied to question 1 again: «40» answers the question after it.
    assert outcome.screens[-1].text.startswith("Вопрос 3 из 10")
    version, draft = await _draft(db)
    assert version == 2
    assert (draft.answers["staff_total"], draft.answers["staff_registered"]) == (45, 40)
