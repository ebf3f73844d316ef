"""Plan every district's due outbox rows, one transaction per district.

Most ticks find everything planned already. A district is first planned on a read session,
which takes no lock; only when that wants to write (a new row, the week's round) is it
planned again in a write transaction. So an idle tick opens no write transaction at all,
and on SQLite does not hold check-ins behind the write lock while it reads.
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.services.outbox.planning import plan_district
from storage.db import Database, WriteInReadSession
from storage.repos import districts, outbox

logger = logging.getLogger(__name__)


async def plan(*, db: Database, now: datetime, mail: bool = False) -> int:
    """Insert what is due by `now`; safe to run twice or on several instances at once.
    E-mail rows are planned only with `mail` (SMTP is configured)."""
    async with db.reads() as session:
        district_ids = [district.id for district in await districts.list_all(session)]
    inserted = 0
    for district_id in district_ids:
        # One district's failure (a broken schedule, say) must not stop the others.
        try:
            if await _nothing_due(db, district_id, now, mail):
                continue
            async with db.sessions.begin() as session:
                await outbox.lock_planning(session, district_id)
                district = await districts.get(session, district_id)
                if district is not None:
                    inserted += await plan_district(
                        session=session, district=district, now=now, mail=mail
                    )
        except Exception:
            logger.exception("planning failed for district %d", district_id)
    return inserted


async def _nothing_due(db: Database, district_id: int, now: datetime, mail: bool) -> bool:
    try:
        async with db.reads() as session:
            district = await districts.get(session, district_id)
            if district is not None:
                await plan_district(session=session, district=district, now=now, mail=mail)
    except WriteInReadSession:
        return False
    return True
