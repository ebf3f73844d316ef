"""Forged buttons, hostile arguments and replayed or out-of-order steps in the check-in dialog:
never a crash, never invalid data stored, never another school's or district's data shown.

A button's payload comes back from the phone unchanged — or not: anyone can send any payload
with a message. So every payload is treated as typed text would be.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import handlers.checkin
from bot.clock import FakeClock
from bot.resources import default_questionnaire
from bot.services.access import load_person
from bot.services.checkin.conversation import Intent, Known, handle
from bot.services.checkin.flow import Draft
from bot.texts import checkin as texts
from bot.texts import common
from handlers.checkin import COMMANDS, parse_intent
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import Answer, DialogState, Response
from tests.integration.checkin.helpers import (
    HEAD_VK,
    STORED,
    TYPED,
    button,
    stored_answers,
    stored_responses,
)
from tests.utils.factories import make_district, make_staff
from tests.utils.harness import BotHarness, running_bot

OTHER_VK = 200
OTHER_SCHOOL = "МКОУ «Чужая СОШ»"
HOSTILE = [
    '"}); API.messages.send({"peer_id": 200, "message": "x", "random_id": 1});',
    "return API.users.get({});",
    "'; DROP TABLE answers; --",
    "1 OR 1=1",
    "\x00",
    "\u202e\u200b\ufeff",
    '=HYPERLINK("http://x")',
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "ё" * 10_000,
    "🙂" * 50,
]
KEYS = [question.key for question in default_questionnaire().questions]


async def _two_districts(db: Database, now: datetime) -> tuple[int, int]:
    """Our head runs one school; another district's head runs OTHER_SCHOOL."""
    ours = await make_district(db, now=now)
    theirs = await make_district(
        db, now=now, name="Другой район", schools=((OTHER_SCHOOL, "Чужая"),)
    )
    await make_staff(db, vk_id=HEAD_VK, school_ids=ours.school_ids, now=now)
    await make_staff(db, vk_id=OTHER_VK, school_ids=theirs.school_ids, now=now, first_name="Зоя")
    return ours.school_ids[0], theirs.school_ids[0]


async def _assert_nothing_foreign_or_invalid(db: Database, ours: int) -> None:
    async with db.reads() as session:
        responses = list(await session.scalars(select(Response)))
        answers = list(await session.scalars(select(Answer)))
        states = list(await session.scalars(select(DialogState)))
    assert {response.school_id for response in responses} <= {ours}
    assert {answer.key for answer in answers} <= set(KEYS)
    for state in states:
        draft = Draft.from_payload(state.payload or {})
        if draft is not None:
            assert draft.school_id == ours, "a draft for a school the person does not run"
            assert set(draft.answers) <= set(KEYS)


FORGED: list[Any] = [
    {"c": "school", "s": "OTHER"},  # another district's school
    {"c": "start", "s": "OTHER"},
    {"c": "school", "s": "OTHER", "r": 1},  # and a round, which no payload may choose
    {"c": "school", "s": str},  # the school id as a string
    {"c": "school", "s": True},
    {"c": "school", "s": -1},
    {"c": "school", "s": 2**70},  # beyond BIGINT
    {"c": "school", "s": 1e300},
    {"c": "edit", "k": "'; DROP TABLE answers; --"},
    {"c": "prev", "k": "students_total"},  # a question that is not on screen
    {"c": "send"},  # sending before anything was answered
    {"c": ["start"]},
    {"c": "start", "k": {"$ne": None}},
    '"}); API.messages.send({',
    "not json at all",
    "[]",
    "x" * 255,
]


def _forged(payload: Any, ours: int, theirs: int) -> Any:
    if not isinstance(payload, dict):
        return payload
    school = {"OTHER": theirs, str: str(ours)}.get(payload.get("s"), payload.get("s"))
    return {**payload, **({"s": school} if "s" in payload else {})}


async def test_forged_buttons_are_refused_and_nothing_leaks(db: Database, clock: FakeClock) -> None:
    ours, theirs = await _two_districts(db, clock.now())
    async with running_bot(db, clock) as bot:
        bot.emulator.flood_limit = 1_000  # the same refusal many times: not VK's flood control
        bot.user(HEAD_VK)
        replies: list[dict[str, Any]] = []
        for payload in FORGED:
            forged = _forged(payload, ours, theirs)
            text = json.dumps(forged) if not isinstance(forged, str) else forged
            replies += await bot.say(HEAD_VK, "Заполнить", payload=forged)
            replies += await bot.press(HEAD_VK, forged) if isinstance(forged, dict) else []
            assert replies, f"no answer to {text!r}"
        # The dialog still works after all that: the forged steps left no broken state.
        review = await _answer_to_review(bot)
        [thanks] = await bot.press(HEAD_VK, button(review, texts.SEND))
        sent = bot.emulator.sent_items()
    texts_sent = [item["text"] for item in sent]
    assert texts.NOT_YOUR_SCHOOL in texts_sent, "the other district's school was not refused"
    assert not [t for t in texts_sent if "Чужая" in t], "another district's school was shown"
    assert common.SOMETHING_WENT_WRONG not in texts_sent, "a handler crashed"
    assert {item["peer_id"] for item in sent} == {HEAD_VK}
    assert thanks["text"].startswith("Спасибо!")
    await _assert_nothing_foreign_or_invalid(db, ours)


CHAT_PEER = 2_000_000_001
# Callback-button events a client can forge, answered by the catch-all: other features'
# payloads (their buttons are text buttons, so they never come as a press), a command that
# is not a string, no command, JSON that is not an object.
STALE_PAYLOADS: list[Any] = [
    *({"c": "adm", "a": action} for action in ("unbound", "districts", "help")),
    {"c": "adm"},
    {"c": "onb_yes"},
    *({"c": "rq", "v": value} for value in ("1", ["x"])),
    {"c": "rq"},
    *({"c": command} for command in (1, None, True, 1.5, ["send"], {"c": "send"})),
    *({"c": command} for command in ("garbage", "x" * 250, "SEND", " send")),
    {},
    {"x": "garbage"},
    *("garbage", "[1, 2]", "42", "null", [], ["send"], 7),
]
# The check-in's own buttons pressed out of place, answered by the check-in.
CHECKIN_PAYLOADS: list[Any] = [
    *({"c": command} for command in ("send", "fix", "review", "back")),
    {"c": "edit", "k": "x"},
    {"c": "school", "s": -1},
    {"c": "start", "s": "1"},
    {"c": "prev", "k": 5},
]
# (payload, peer, answered by the catch-all): in a group chat even the check-in's are stale.
FORGED_PRESSES: list[tuple[Any, int, bool]] = [
    *((payload, HEAD_VK, True) for payload in STALE_PAYLOADS),
    *((payload, CHAT_PEER, True) for payload in ({"c": "send"}, {"c": "fix"}, {"c": "adm"}, {})),
    *((payload, HEAD_VK, False) for payload in CHECKIN_PAYLOADS),
]


async def test_every_button_press_is_answered_once(sqlite_db: Database, clock: FakeClock) -> None:
    """A press nobody answers keeps the VK client's spinner turning."""
    await _two_districts(sqlite_db, clock.now())
    async with running_bot(sqlite_db, clock) as bot:
        bot.emulator.flood_limit = 1_000
        bot.user(HEAD_VK)
        await bot.say(HEAD_VK, "Заполнить")
        pressed = []
        for payload, peer, stale in FORGED_PRESSES:
            event = await bot.emulator.press_button(HEAD_VK, peer, payload, 0)
            pressed.append((event["event_id"], payload, stale))
            await bot.settle()  # one at a time: 39 at once would be shed as a flood
        calls = bot.emulator.calls_log("messages.sendMessageEventAnswer")
        texts_sent = bot.texts(HEAD_VK)
    answers: dict[str, list[dict[str, Any]]] = {}
    for call in calls:
        answers.setdefault(call["params"]["event_id"], []).append(call["params"])
    unanswered = [payload for event_id, payload, _ in pressed if event_id not in answers]
    assert unanswered == [], f"{len(unanswered)} of {len(pressed)} presses left spinning"
    assert all(len(answers[event_id]) == 1 for event_id, _, _ in pressed)
    snackbar = {"type": "show_snackbar", "text": common.STALE_BUTTON}
    for event_id, payload, stale in pressed:
        shown = json.loads(answers[event_id][0].get("event_data") or "{}")
        assert (shown == snackbar) is stale, payload
    assert common.SOMETHING_WENT_WRONG not in texts_sent


async def test_a_press_whose_step_fails_is_answered_once(
    sqlite_db: Database, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _two_districts(sqlite_db, clock.now())

    async def failing_step(**_: Any) -> None:
        raise RuntimeError("the database is gone")

    monkeypatch.setattr(handlers.checkin, "handle", failing_step)
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        event = await bot.emulator.press_button(HEAD_VK, HEAD_VK, {"c": "send"}, 0)
        await bot.settle()
        calls = bot.emulator.calls_log("messages.sendMessageEventAnswer")
    [answered] = [c["params"] for c in calls if c["params"]["event_id"] == event["event_id"]]
    snackbar = {"type": "show_snackbar", "text": common.BUTTON_FAILED}
    assert json.loads(answered["event_data"]) == snackbar


async def test_replayed_and_out_of_order_button_presses_change_nothing(
    sqlite_db: Database, clock: FakeClock
) -> None:
    ours, _ = await _two_districts(sqlite_db, clock.now())
    async with running_bot(sqlite_db, clock) as bot:
        bot.user(HEAD_VK)
        screens = [(await bot.say(HEAD_VK, "Заполнить"))[-1]]
        for answer in TYPED[:3]:
            screens.append((await bot.say(HEAD_VK, answer))[-1])
        # Every button shown so far, pressed again, newest first: stale "back"/"skip"/"prev"
        # name a question no longer on screen.
        for screen in reversed(screens):
            for label in (texts.SKIP, texts.BACK):
                with _no_such_button():
                    await bot.press(HEAD_VK, button(screen, label))
        # The same update delivered twice (VK retries): handled once.
        updates = bot.emulator.longpoll._updates[-4:]
        for update in updates:
            await bot.emulator.longpoll.push(dict(update))
        await bot.settle()
        review = await _answer_to_review(bot)
        [thanks] = await bot.press(HEAD_VK, button(review, texts.SEND))
        replayed_send = await bot.press(HEAD_VK, button(review, texts.SEND))
        texts_sent = bot.texts(HEAD_VK)
    assert thanks["text"].startswith("Спасибо!")
    assert not [item for item in replayed_send if item["text"].startswith("Спасибо!")]
    assert common.SOMETHING_WENT_WRONG not in texts_sent
    [response] = await stored_responses(sqlite_db)
    assert await stored_answers(sqlite_db, response.id) == STORED
    await _assert_nothing_foreign_or_invalid(sqlite_db, ours)


async def _answer_to_review(bot: BotHarness) -> dict[str, Any]:
    """Resume the check-in wherever it is and answer each question shown until the review."""
    screen = (await bot.say(HEAD_VK, "Заполнить"))[-1]
    while question := re.search(r"Вопрос (\d+) из", screen["text"]):
        number = int(question[1])
        if number <= len(TYPED):
            screen = (await bot.say(HEAD_VK, TYPED[number - 1]))[-1]
        else:
            screen = (await bot.say(HEAD_VK, texts.SKIP, payload=button(screen, texts.SKIP)))[-1]
    return screen


class _no_such_button:  # noqa: N801 — reads as a context manager at the call site
    """Pressing a label a screen does not have is the test's own miss, not the bot's."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, *_rest: object) -> bool:
        return kind is AssertionError


# --- Any intent at the service, any text through the parser ----------------------------------

PAYLOADS = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.sampled_from(HOSTILE),
    st.dictionaries(
        st.sampled_from(["c", "s", "k", "r"]),
        st.one_of(
            st.sampled_from(sorted(COMMANDS)),
            st.integers(min_value=-(2**80), max_value=2**80),
            st.text(max_size=30),
            st.sampled_from(HOSTILE),
            st.sampled_from(KEYS),
            st.booleans(),
            st.floats(),
            st.none(),
        ),
        max_size=4,
    ).map(json.dumps),
)
TEXTS = st.one_of(st.text(max_size=200), st.sampled_from(HOSTILE + TYPED + ["Заполнить"]))


class _Loop:
    """One event loop and one migrated database shared by every hypothesis example."""

    def __init__(self, tmp_path: Path) -> None:
        self.loop = asyncio.new_event_loop()
        self.db = open_database(f"sqlite+aiosqlite:///{tmp_path}/hostile.db")
        self.clock = FakeClock(datetime(2024, 10, 21, 6, 0, tzinfo=UTC))
        self.run(upgrade(self.db.engine))
        self.ours, self.theirs = self.run(_two_districts(self.db, self.clock.now()))

    def run(self, awaitable: Any) -> Any:
        return self.loop.run_until_complete(awaitable)

    def close(self) -> None:
        self.run(self.db.dispose())
        self.loop.close()


@pytest.fixture
def shared_loop(tmp_path: Path) -> Iterator[_Loop]:
    loop = _Loop(tmp_path)
    try:
        yield loop
    finally:
        loop.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(TEXTS, PAYLOADS), min_size=1, max_size=8))
def test_any_sequence_of_messages_and_payloads_is_handled_safely(
    shared_loop: _Loop, steps: list[tuple[str, str | None]]
) -> None:
    for text, payload in steps:
        intent, _ = parse_intent(text, payload)
        if isinstance(payload, str) and '"s"' in payload:
            intent = Intent(intent.command, intent.text, shared_loop.theirs, intent.key)
        db = shared_loop.db
        person = shared_loop.run(load_person(db=db, vk_id=HEAD_VK, peer_id=HEAD_VK, admin_ids=[]))
        outcome = shared_loop.run(
            handle(
                db=db,
                known=Known(*person),
                intent=intent,
                now=shared_loop.clock.now(),
                admin_ids=[],
            )
        )
        shown = [screen.text for screen in outcome.screens] + [outcome.notice or ""]
        assert not [t for t in shown if "Чужая" in t]
    shared_loop.run(_assert_nothing_foreign_or_invalid(shared_loop.db, shared_loop.ours))
