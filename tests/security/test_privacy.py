"""`svodka forget`: personal data goes, the school's numbers stay, the audit has no VK id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.clock import FakeClock
from bot.services import privacy
from storage.db import Database
from storage.models import (
    Answer,
    AuditEvent,
    DialogState,
    InboundEvent,
    Invite,
    Official,
    OutboxMessage,
    Person,
    Response,
    ResponseRevision,
    SchoolStaff,
    Throttle,
)
from tests.reliability.population import HEAD_VK_ID, OTHER_VK_ID, populate
from tests.utils import sergokala


async def _forget(db: Database, clock: FakeClock, vk_id: int) -> privacy.Forgotten:
    async with db.sessions.begin() as session:
        return await privacy.forget(session=session, vk_id=vk_id, now=clock.now())


async def _all(db: Database, model: type) -> list:
    async with db.reads() as session:
        return list(await session.scalars(select(model)))


async def test_forget_removes_personal_data_and_keeps_the_numbers(
    db: Database, clock: FakeClock
) -> None:
    await populate(db, clock.now())
    answers_before = {(a.key, a.value) for a in await _all(db, Answer)}

    outcome = await _forget(db, clock, HEAD_VK_ID)

    assert outcome.person and outcome.roles == 2 and outcome.dialogs == 1
    assert outcome.throttles == 1  # `invite:<id>9` belongs to someone else
    people = {p.id: p for p in await _all(db, Person)}
    gone = next(p for p in people.values() if p.forgotten_at is not None)
    assert (gone.vk_id, gone.first_name, gone.last_name) == (None, None, None)
    assert gone.forgotten_at == clock.now() and not gone.reachable
    assert {p.vk_id for p in people.values()} >= {OTHER_VK_ID}
    # Roles gone, the other head untouched.
    assert all(s.person_id != gone.id for s in await _all(db, SchoolStaff))
    assert len(await _all(db, SchoolStaff)) == 1
    assert len(await _all(db, Official)) == 1
    # The school's numbers stay, still attributed to the anonymous row.
    (response,) = await _all(db, Response)
    assert response.author_id == gone.id
    assert {(a.key, a.value) for a in await _all(db, Answer)} == answers_before
    assert (await _all(db, ResponseRevision))[0].author_id == gone.id
    assert (await _all(db, Invite))[0].redeemed_by == gone.id
    # Dialog and throttles keyed by the id are gone; others' stay.
    assert [d.vk_id for d in await _all(db, DialogState)] == [OTHER_VK_ID]
    assert sorted(t.key for t in await _all(db, Throttle)) == [
        f"invite:{HEAD_VK_ID}9",
        f"invite:{OTHER_VK_ID}",
    ]
    # Traces elsewhere: handled update bodies, sent messages' address, audit details.
    events = {e.event_id: e for e in await _all(db, InboundEvent)}
    assert events["ev-head"].payload is None
    assert events["ev-pending"].payload is not None  # not handled yet: must not be lost
    (sent,) = await _all(db, OutboxMessage)
    assert sent.peer_id is None and "Патимат" not in json.dumps(sent.payload, ensure_ascii=False)
    audit = await _all(db, AuditEvent)
    dumped = json.dumps([a.details for a in audit], ensure_ascii=False)
    assert str(HEAD_VK_ID) not in dumped.replace(f"{HEAD_VK_ID}9", "")
    (entry,) = [a for a in audit if a.action == "person.forget"]
    assert entry.details["vk_id_sha256"] == privacy.vk_id_digest(HEAD_VK_ID)


async def test_forget_is_idempotent(db: Database, clock: FakeClock) -> None:
    await populate(db, clock.now())
    first = await _forget(db, clock, HEAD_VK_ID)
    second = await _forget(db, clock, HEAD_VK_ID)
    assert first.changed and not second.changed
    forget_entries = [a for a in await _all(db, AuditEvent) if a.action == "person.forget"]
    assert len(forget_entries) == 1


async def test_forget_of_a_stranger_changes_nothing(db: Database, clock: FakeClock) -> None:
    await populate(db, clock.now())
    outcome = await _forget(db, clock, 999)
    assert not outcome.changed
    assert len(await _all(db, Person)) == 3


async def test_a_forgotten_person_can_come_back_as_new(db: Database, clock: FakeClock) -> None:
    await populate(db, clock.now())
    await _forget(db, clock, HEAD_VK_ID)
    async with db.sessions.begin() as session:
        session.add(Person(vk_id=HEAD_VK_ID, created_at=clock.now()))
    assert len(await _all(db, Person)) == 4


def test_cli_forget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    (tmp_path / "s.xlsx").write_bytes(sergokala.xlsx())
    assert main(["import", "schools", str(tmp_path / "s.xlsx"), "--district", "Д"]) == 0
    assert main(["official", "add", "777", "--district", "Д"]) == 0
    capsys.readouterr()
    assert main(["forget", "777"]) == 0
    assert "ролей снято 1" in capsys.readouterr().out
    assert main(["forget", "777"]) == 0
    assert "ничего не хранится" in capsys.readouterr().out
