"""`svodka forget`: personal data goes, the school's numbers stay, the audit has no VK id."""

from __future__ import annotations

import contextlib
import gzip
import json
import re
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Text, cast, select

from bot.cli import main
from bot.clock import FakeClock
from bot.services import rounds
from bot.services.admin import backup
from bot.services.privacy import forget as privacy
from storage.db import Database
from storage.models import (
    Answer,
    AuditEvent,
    Base,
    DialogState,
    District,
    InboundEvent,
    Invite,
    Official,
    OutboxMessage,
    Person,
    Response,
    ResponseRevision,
    School,
    SchoolStaff,
    Throttle,
)
from tests.fixtures import office_files
from tests.integration.scheduler.world import CHAT_PEER, OFFICIAL_VK, World, head_vk, moscow
from tests.reliability.population import CONTACTS, HEAD_VK_ID, OTHER_VK_ID, populate


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
    # Her contacts from the office's list go too; the other head's stay.
    assert outcome.contacts == 1
    contacts = [(s.head_name, s.phone, s.email) for s in await _all(db, School)]
    assert CONTACTS[0] not in contacts and CONTACTS[1] in contacts
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
    # Not handled yet: the update stays whole, or the person's message would be lost.
    assert events["ev-pending"].payload == {"from_id": HEAD_VK_ID}
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


@pytest.fixture
def cli_district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """District «Д» imported from the sample list (contacts included) by the command line."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    (tmp_path / "s.xlsx").write_bytes(office_files.schools_xlsx())
    assert main(["import", "schools", str(tmp_path / "s.xlsx"), "--district", "Д"]) == 0


@pytest.mark.usefixtures("cli_district")
def test_cli_forget(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["official", "add", "777", "--district", "Д"]) == 0
    capsys.readouterr()
    assert main(["forget", "777"]) == 0
    assert "ролей снято 1" in capsys.readouterr().out
    assert main(["forget", "777"]) == 0
    assert "ничего не хранится" in capsys.readouterr().out


FORGOTTEN_VK = 731_955_028
FIRST, LAST = "Патимат", "Алиева"
# Her school's contacts in the office's list: her full name, a phone, an e-mail.
CONTACT = ("Алиева Патимат Расуловна", "+7 928 731-95-50", "p.aliyeva@example.org")


async def test_forget_leaves_the_person_nowhere_in_the_database(
    world: World, tmp_path: Path
) -> None:
    """A week has mentioned the head everywhere (the prompt and reminders to her, the
    Friday summary in the chat, the Monday escalation to the official), others kept her in
    a draft, an audit entry, an update and a comment; after `forget` neither her id nor her
    name is anywhere: not in any row read as SQL text, not in the SQLite file after a
    checkpoint and VACUUM, not in a backup."""
    await world.seed()
    await _rename_head(world, index=11)
    await _traces_elsewhere(world)
    scheduler = world.scheduler()
    await scheduler.run_due(moscow("2024-10-21 12:00"))
    for school in range(4):
        await world.answer(school)
    await scheduler.run_due(moscow("2024-10-28 09:01"))
    assert f"[id{FORGOTTEN_VK}|{FIRST} {LAST}]" in world.texts(CHAT_PEER)[0]
    assert f"{FIRST} {LAST}" in world.texts(OFFICIAL_VK)[-1]
    assert ", ".join(CONTACT) in world.texts(OFFICIAL_VK)[-1]
    assert _mentions(await _database_text(world.db))  # the check can see her before

    async with world.db.sessions.begin() as session:
        outcome = await privacy.forget(session=session, vk_id=FORGOTTEN_VK, now=world.clock.now())
    assert outcome.person and outcome.scrubbed

    assert _mentions(await _database_text(world.db)) == []
    dump = tmp_path / "after.svodka.gz"
    await backup.dump(world.db, dump)
    assert _mentions(gzip.decompress(dump.read_bytes()).decode()) == []
    if world.db.is_sqlite:
        assert _mentions(await _sqlite_file_text(world.db)) == []
    # Others are untouched: the rest of the summary, another head's mention.
    summary = await _sent_text(world.db, "summary")
    assert "(удалено)" in summary and f"[id{head_vk(10)}|Глава10 Ф]" in summary
    assert "(удалено)" in await _sent_text(world.db, "escalation")


async def _rename_head(world: World, index: int) -> None:
    """Head `index` gets a real-looking id and name, so no other number or text matches."""
    async with world.db.sessions.begin() as session:
        head = await session.scalar(select(Person).where(Person.vk_id == head_vk(index)))
        assert head is not None
        head.vk_id, head.first_name, head.last_name = FORGOTTEN_VK, FIRST, LAST
        school = await session.get(School, world.school_ids[index])
        assert school is not None
        school.head_name, school.phone, school.email = CONTACT
    world.emulator.add_user(FORGOTTEN_VK, FIRST, LAST)


async def _traces_elsewhere(world: World) -> None:
    now = world.clock.now()
    mention = f"[id{FORGOTTEN_VK}|{FIRST} {LAST}]"
    async with world.db.sessions.begin() as session:
        session.add_all(
            [
                DialogState(
                    vk_id=OFFICIAL_VK,
                    state="request:audience",
                    payload={"note": f"напомнить {mention}", "head_vk_ids": [FORGOTTEN_VK, 7]},
                    updated_at=now,
                ),
                AuditEvent(
                    at=now,
                    action="invite.redeem",
                    details={"vk_id": FORGOTTEN_VK, "by": f"{LAST} {FIRST}"},
                ),
                InboundEvent(
                    event_id="ev-handled",
                    received_at=now,
                    processed_at=now,
                    payload={"object": {"message": {"from_id": FORGOTTEN_VK, "text": "1"}}},
                ),
            ]
        )
        district = await session.get(District, world.district_id)
        assert district is not None
        round_ = await rounds.current_round(session, district, now)
        assert round_ is not None
        response = Response(round_id=round_.id, school_id=world.school_ids[5], submitted_at=now)
        session.add(response)
        await session.flush()
        comment = f"{FIRST} {LAST} (id{FORGOTTEN_VK}) в отпуске, отвечает завуч"
        session.add(Answer(response_id=response.id, key="comment", value=comment))


async def _database_text(db: Database) -> str:
    """Every value of every row as SQL renders it as text (numbers too), one per line."""
    lines = []
    async with db.reads() as session:
        for table in Base.metadata.sorted_tables:
            query = select(*(cast(column, Text) for column in table.columns))
            for row in await session.execute(query):
                lines += [value for value in row if value is not None]
    return "\n".join(lines)


async def _sqlite_file_text(db: Database) -> str:
    """The database file's bytes once the WAL is folded in and free pages are dropped."""
    await db.engine.dispose()
    path = Path(db.engine.url.database or "")
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("VACUUM")
    files = (path, path.with_name(path.name + "-wal"))
    return b"".join(p.read_bytes() for p in files if p.exists()).decode(errors="replace")


def _mentions(found: str) -> list[str]:
    """The id (as a number of its own), each part of the name, the phone and the e-mail,
    plain and as JSON escapes them."""
    words = {FIRST, LAST, *CONTACT[0].split(), *CONTACT[1:]}
    needles = [re.escape(n) for word in words for n in {word, json.dumps(word)[1:-1]}]
    pattern = re.compile(rf"(?<!\d){FORGOTTEN_VK}(?!\d)|{'|'.join(needles)}")
    return [match.group(0) for match in pattern.finditer(found)]


async def _sent_text(db: Database, kind: str) -> str:
    async with db.reads() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == kind))
    assert row is not None
    return "\n".join(row.payload["texts"])


async def test_forget_a_head_who_never_joined_by_their_school(world: World) -> None:
    """Only the office's list knows her: her name, phone and e-mail reach the officials'
    escalation; forgetting the school's contact removes them from the school and every text."""
    await world.seed()
    async with world.db.sessions.begin() as session:
        school = await session.get(School, world.school_ids[11])
        assert school is not None
        school.head_name, school.phone, school.email = CONTACT
    scheduler = world.scheduler()
    await scheduler.run_due(moscow("2024-10-28 09:01"))
    assert ", ".join(CONTACT) in world.texts(OFFICIAL_VK)[-1]

    async with world.db.sessions.begin() as session:
        school = await session.get(School, world.school_ids[11])
        assert school is not None
        outcome = await privacy.forget_contact(
            session=session, school=school, now=world.clock.now()
        )
        again = await privacy.forget_contact(session=session, school=school, now=world.clock.now())
    assert (outcome.contacts, outcome.scrubbed > 0, again.changed) == (1, True, False)
    text = await _database_text(world.db)
    assert [part for part in (*CONTACT[0].split(), *CONTACT[1:]) if part in text] == []
    assert "(удалено)" in await _sent_text(world.db, "escalation")


@pytest.mark.usefixtures("cli_district")
def test_cli_forget_by_school(capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["forget", "--school", "Дегвинская", "--district", "Д"]) == 0
    assert (
        "Контакты руководителя школы МКОУ «Дегвинская СОШ» (ФИО, телефон, e-mail) удалены"
        in capsys.readouterr().out
    )
    assert main(["forget", "--school", "Дегвинская", "--district", "Д"]) == 0
    assert "удалять нечего" in capsys.readouterr().out
    assert main(["forget"]) == 2
    assert main(["forget", "777", "--school", "Дегвинская", "--district", "Д"]) == 2
