"""A step that only moves the draft runs on reads and writes the draft if nobody changed it;
a step that raced another step of the same person runs again on what the other stored."""

from typing import Any

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.services import dialog
from bot.services.checkin_flow import Draft
from bot.services.dialog import Intent, Outcome, handle
from storage.db import Database
from storage.models import DialogState
from tests.integration.checkin.helpers import HEAD_VK, one_head


async def _step(db: Database, clock: FakeClock, **intent: Any) -> Outcome:
    return await handle(
        db=db, vk_id=HEAD_VK, admin_ids=[], intent=Intent(**intent), now=clock.now()
    )


async def _draft(db: Database) -> tuple[int, Draft]:
    async with db.reads() as session:
        row = (await session.scalars(select(DialogState))).one()
    return row.version, Draft.from_payload(row.payload)


async def test_answers_move_the_draft_one_version_each(db: Database, clock: FakeClock) -> None:
    await one_head(db, clock)
    await _step(db, clock, command="start")
    started, _ = await _draft(db)
    outcome = await _step(db, clock, text="45")
    assert outcome.screens[-1].text.startswith("Вопрос 2 из 10")
    await _step(db, clock, text="40")
    version, draft = await _draft(db)
    assert version == started + 2
    assert (draft.answers["staff_total"], draft.answers["staff_registered"]) == (45, 40)


async def test_a_step_that_raced_another_runs_again(
    db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await one_head(db, clock)
    await _step(db, clock, command="start")
    read_step = dialog._Conversation.step
    raced = False

    async def step_then_race(self: Any, intent: Intent) -> Outcome:
        nonlocal raced
        outcome = await read_step(self, intent)
        if self.on_reads and not raced:
            raced = True
            # Another instance answers question 1 between this step's reads and its write.
            await _step(db, clock, text="45")
        return outcome

    monkeypatch.setattr(dialog._Conversation, "step", step_then_race)
    outcome = await _step(db, clock, text="40")
    # Not lost, not applied to question 1 again: «40» answers the question after the other's.
    assert outcome.screens[-1].text.startswith("Вопрос 3 из 10")
    _, draft = await _draft(db)
    assert (draft.answers["staff_total"], draft.answers["staff_registered"]) == (45, 40)
