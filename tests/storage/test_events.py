"""The inbound events' deduplication record, on both engines."""

from datetime import UTC, datetime

from sqlalchemy import select

from storage.db import Database
from storage.models import InboundEvent
from storage.repos import events

NOW = datetime(2024, 10, 21, 6, 0, tzinfo=UTC)


async def test_only_ids_never_seen_are_new_and_stored_with_their_payload(db: Database) -> None:
    async with db.sessions.begin() as session:
        first = await events.claim_new(session, [("a", {"n": 1}), ("b", {"n": 2})], NOW)
    async with db.sessions.begin() as session:
        again = await events.claim_new(
            session, [("b", {"n": 20}), ("c", {"n": 3}), ("c", {"n": 3})], NOW
        )
        assert await events.claim_new(session, [], NOW) == set()
    assert (first, again) == ({"a", "b"}, {"c"})
    async with db.reads() as session:
        stored = {e.event_id: e.payload for e in await session.scalars(select(InboundEvent))}
    assert stored == {"a": {"n": 1}, "b": {"n": 2}, "c": {"n": 3}}  # the first «b» kept
