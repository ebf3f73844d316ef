"""Messages that arrive together have their authors' roles and dialog states read together,
and the answers typed into drafts read their rounds and write the drafts together; each
author still gets their own answer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.clock import FakeClock
from bot.services.checkin_flow import Draft
from storage.db import Database
from storage.repos import dialogs
from tests.utils.factories import make_district, make_staff
from tests.utils.harness import running_bot

HEADS = [101, 102, 103, 104, 105]
ANSWERS = ("41", "42", "43", "44", "45")
SCHOOLS = tuple((f"МКОУ «СОШ № {n}»", f"СОШ № {n}") for n in range(1, len(HEADS) + 1))


async def _answers_at_once(
    db: Database,
    clock: FakeClock,
    tmp_path: Path,
    listeners: dict[str, Callable[..., None]],
) -> None:
    """Heads who started the check-in type their first answers at the same moment, with
    `listeners` on the database's engines meanwhile; each gets their own question 2."""
    # PostgreSQL reads outside transactions through a pool of its own (storage/db.py).
    engines = [e.sync_engine for e in (db.engine, db.autocommit) if e is not None]
    district = await make_district(db, now=clock.now(), schools=SCHOOLS)
    for vk_id, school_id in zip(HEADS, district.school_ids, strict=True):
        await make_staff(db, vk_id=vk_id, school_ids=[school_id], now=clock.now())
    async with running_bot(db, clock, tmp_path) as bot:
        for vk_id in HEADS:
            bot.user(vk_id)
        for vk_id in HEADS:
            await bot.say(vk_id, "Заполнить")
        for engine in engines:
            for name, listener in listeners.items():
                event.listen(engine, name, listener)
        try:
            marks = bot.last_sent_id()
            for vk_id, answer in zip(HEADS, ANSWERS, strict=True):
                await bot.emulator.deliver_message(vk_id, answer)
            await bot.settle()
        finally:
            for engine in engines:
                for name, listener in listeners.items():
                    event.remove(engine, name, listener)
        for vk_id in HEADS:
            [question] = bot.texts(vk_id, marks)
            assert question.startswith("Вопрос 2 из 10"), question


async def test_heads_writing_at_once_are_read_in_one_statement(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    reads: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if "dialog_states.vk_id IN" in statement:
            reads.append(statement)

    await _answers_at_once(db, clock, tmp_path, {"before_cursor_execute": record})
    assert len(reads) == 1


async def test_answers_typed_at_once_share_a_rounds_read_and_a_write_transaction(
    db: Database, clock: FakeClock, tmp_path: Path
) -> None:
    sent: list[tuple[int, str]] = []  # (connection, statement or COMMIT)

    def record(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append((id(conn), statement))

    def commit(conn: Any) -> None:
        sent.append((id(conn), "COMMIT"))

    listeners = {"before_cursor_execute": record, "commit": commit}
    await _answers_at_once(db, clock, tmp_path, listeners)
    assert len([s for _, s in sent if "FROM schools" in s]) == 1
    writes = [(conn, s) for conn, s in sent if s.lstrip().startswith("UPDATE dialog_states")]
    if db.is_sqlite:
        # One transaction: one after another on one connection, no commit between.
        assert len(writes) == len(HEADS)
        on_it = [s for conn, s in sent if conn == writes[0][0]]
        first = on_it.index(writes[0][1])
        assert on_it[first : first + len(HEADS)] == [s for _, s in writes]
    else:
        assert len(writes) == 1  # one statement for all: each is a round trip to the server
    async with db.reads() as session:
        for vk_id, answer in zip(HEADS, ANSWERS, strict=True):
            seen = await dialogs.peek(session, vk_id)
            assert seen is not None
            assert Draft.from_payload(seen.payload).answers == {"staff_total": int(answer)}
