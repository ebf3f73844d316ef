"""How a check-in step that only changes the draft reads and writes: together with the other
such steps of the same moment, outside a transaction of its own.

Under a burst nearly every step is an answer typed or tapped into a draft. Each read its
school's open rounds and wrote the draft in a transaction of its own, and the transaction
with its statements cost half of a step's CPU (bench/README.md, "inbound"). Such a step
needs none: the rounds may be read outside it (each statement of a READ COMMITTED
transaction reads a snapshot of its own anyway; a submission checks its round again in its
own), and the draft is written by one conditional UPDATE. So the steps started together
read the rounds of all their schools in one statement and write their drafts in one
transaction; the composition root (bot/app.py) batches the calls. A batch that fails fails
each of its steps, as a failed transaction failed its one step.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.services.checkin import OpenRound, open_rounds_of_schools
from storage.db import Database
from storage.repos import dialogs
from storage.repos.dialogs import Overwrite

# The school's open rounds, None when answering it needs a write first (or is refused).
OpenRoundsOf = Callable[[int], Awaitable[list[OpenRound] | None]]
# Store a draft over the version read: False when it changed since.
OverwriteDraft = Callable[[Overwrite], Awaitable[bool]]


@dataclass(frozen=True)
class DraftSteps:
    open_rounds: OpenRoundsOf
    overwrite: OverwriteDraft


async def read_open_rounds(
    db: Database, school_ids: Sequence[int], now: datetime
) -> dict[int, list[OpenRound] | None]:
    async with db.read_session() as session:
        return await open_rounds_of_schools(session=session, school_ids=school_ids, now=now)


async def overwrite_drafts(db: Database, overwrites: Sequence[Overwrite]) -> dict[Overwrite, bool]:
    async with db.sessions.begin() as session:
        stored = await dialogs.overwrite_all(session, overwrites)
    return dict(zip(overwrites, stored, strict=True))
