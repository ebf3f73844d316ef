"""Replies and button answers asked for at the same moment travel together: one `execute`
of up to 25 calls, each reply's parts in order, each refusal or failure kept to its own
reply."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from vkbottle.exception_factory import VKAPIError

from bot.clock import FakeClock
from bot.emulator import Emulator, start_emulator
from bot.metrics import Metrics
from bot.runtime.replies import Replies
from bot.vk.api import SvodkaAPI, make_api
from tests.utils.harness import GROUP_ID, TOKEN

PEOPLE = list(range(100, 130))  # 30: more than one execute holds


async def reply(api: SvodkaAPI, peer_id: int, text: str, **options: Any) -> bool:
    return await Replies(api, None).send(peer_id, text, **options)


async def answer_press(api: SvodkaAPI, **press: Any) -> None:
    await Replies(api, None).answer_press(**press)


@dataclass
class Vk:
    emulator: Emulator
    api: SvodkaAPI

    def texts(self, peer_id: int) -> list[str]:
        return [item["text"] for item in self.emulator.sent_items(peer_id)]


async def _vk(rps: float) -> AsyncIterator[Vk]:
    emulator = Emulator(token=TOKEN, group_id=GROUP_ID, rps=rps)
    runner, base_url = await start_emulator(emulator)
    for vk_id in PEOPLE:
        emulator.add_user(vk_id, "Имя", "Фамилия")
    api = make_api(TOKEN, f"{base_url}/method/", rps or 10_000)
    try:
        yield Vk(emulator, api)
    finally:
        await api.http_client.close()
        await runner.cleanup()


@pytest.fixture
async def vk() -> AsyncIterator[Vk]:
    async for value in _vk(rps=0):
        yield value


@pytest.fixture
async def vk_at_limit() -> AsyncIterator[Vk]:
    """The emulator answers error 6 above 20 requests a second, and the bot keeps to 20."""
    async for value in _vk(rps=20):
        yield value


async def _everybody(vk: Vk, text: str = "Ответ") -> list[bool]:
    return await asyncio.gather(*(reply(vk.api, p, f"{text} {p}") for p in PEOPLE))


async def test_a_reply_alone_is_one_plain_send(vk: Vk) -> None:
    assert await reply(vk.api, PEOPLE[0], "Один ответ")
    assert [c["method"] for c in vk.emulator.calls] == ["messages.send"]
    assert vk.texts(PEOPLE[0]) == ["Один ответ"]


async def test_a_reply_arrives_as_written(vk: Vk) -> None:
    text = "Спасибо! 48,68 % & = + / ? # 😀 «ё»\nвторая строка"
    keyboard = json.dumps({"one_time": False, "buttons": [[{"action": {"label": "Отправить"}}]]})
    assert await reply(vk.api, PEOPLE[0], text, keyboard=keyboard)
    assert vk.texts(PEOPLE[0]) == [text]
    assert json.loads(vk.emulator.calls[0]["params"]["keyboard"]) == json.loads(keyboard)


async def test_replies_asked_for_at_once_go_out_in_executes_of_25(vk: Vk) -> None:
    assert await _everybody(vk) == [True] * len(PEOPLE)
    assert vk.emulator.counters["requests"] == 2  # 25 + 5
    assert [c["method"] for c in vk.emulator.calls].count("execute") == 2
    for person in PEOPLE:
        assert vk.texts(person) == [f"Ответ {person}"]


def _hold_requests(vk: Vk) -> tuple[asyncio.Event, list[str]]:
    """Requests wait at the door until the event is set; the list names those that came."""
    door, came = asyncio.Event(), []
    send = vk.api.request

    async def held(method: str, data: dict, version: str | None = None, **kw: Any) -> Any:
        came.append(method)
        await door.wait()
        return await send(method, data, version, **kw)

    vk.api.request = held  # type: ignore[method-assign]
    return door, came


async def test_replies_asked_for_while_a_request_is_out_wait_and_go_together(vk: Vk) -> None:
    door, came = _hold_requests(vk)
    first = asyncio.create_task(reply(vk.api, PEOPLE[0], "Первый"))
    await asyncio.sleep(0.01)
    later = [asyncio.create_task(reply(vk.api, p, f"Ответ {p}")) for p in PEOPLE[1:4]]
    await asyncio.sleep(0.01)
    assert came == ["messages.send"]  # the three wait for the first request to come back
    door.set()
    assert await asyncio.gather(first, *later) == [True] * 4
    assert came == ["messages.send", "execute"]
    assert [vk.texts(p) for p in PEOPLE[1:4]] == [[f"Ответ {p}"] for p in PEOPLE[1:4]]


async def test_a_full_execute_does_not_wait_for_the_request_out(vk: Vk) -> None:
    door, came = _hold_requests(vk)
    first = asyncio.create_task(reply(vk.api, PEOPLE[0], "Первый"))
    await asyncio.sleep(0.01)
    rest = [asyncio.create_task(reply(vk.api, p, f"Ответ {p}")) for p in PEOPLE[1:]]
    await asyncio.sleep(0.01)
    assert came == ["messages.send", "execute"]  # 25 of the 29 went at once
    door.set()
    assert await asyncio.gather(first, *rest) == [True] * len(PEOPLE)
    assert came == ["messages.send", "execute", "execute"]


async def test_button_answers_travel_with_the_replies(vk: Vk) -> None:
    people = PEOPLE[:5]
    pressed = [await vk.emulator.press_button(p, p, {"c": "send"}, 0) for p in people]
    await asyncio.gather(
        *(
            answer_press(vk.api, event_id=e["event_id"], user_id=p, peer_id=p, snackbar="Готово")
            for e, p in zip(pressed, people, strict=True)
        ),
        *(reply(vk.api, p, f"Ответ {p}") for p in people),
    )
    assert vk.emulator.counters["requests"] == 1
    answers = vk.emulator.calls_log("messages.sendMessageEventAnswer")
    assert [a["params"]["event_id"] for a in answers] == [e["event_id"] for e in pressed]
    assert {json.loads(a["params"]["event_data"])["text"] for a in answers} == {"Готово"}
    assert all(vk.texts(p) == [f"Ответ {p}"] for p in people)


async def test_a_refused_button_answer_raises_for_that_press_only(vk: Vk) -> None:
    pressed = await vk.emulator.press_button(PEOPLE[0], PEOPLE[0], {"c": "send"}, 0)
    outcomes = await asyncio.gather(
        answer_press(vk.api, event_id="no-such-event", user_id=PEOPLE[1], peer_id=PEOPLE[1]),
        answer_press(vk.api, event_id=pressed["event_id"], user_id=PEOPLE[0], peer_id=PEOPLE[0]),
        return_exceptions=True,
    )
    assert isinstance(outcomes[0], VKAPIError) and outcomes[0].code == 100
    assert outcomes[1] is None


async def test_a_long_reply_keeps_its_parts_together_and_in_order(vk: Vk) -> None:
    long_text = "\n".join(f"строка {n:05d} " + "ж" * 60 for n in range(200))  # ≈ 3 parts
    keyboard = '{"one_time":false,"buttons":[]}'
    sent = await asyncio.gather(
        reply(vk.api, PEOPLE[0], "Короткий"),
        reply(vk.api, PEOPLE[1], long_text, keyboard=keyboard),
        reply(vk.api, PEOPLE[2], "Ещё короткий"),
    )
    assert sent == [True, True, True]
    parts = vk.emulator.sent_items(PEOPLE[1])
    assert len(parts) >= 3
    assert "\n".join(item["text"] for item in parts) == long_text
    assert [bool(item.get("keyboard")) for item in parts] == [False] * (len(parts) - 1) + [True]
    assert vk.emulator.counters["requests"] == 1


async def test_a_person_who_refuses_messages_fails_only_their_reply(vk: Vk) -> None:
    metrics = Metrics()
    metrics.watch(vk.api, FakeClock(datetime(2026, 9, 7, tzinfo=UTC)))
    await vk.emulator.set_allowed(PEOPLE[3], False)
    delivered = await _everybody(vk)
    assert delivered == [person != PEOPLE[3] for person in PEOPLE]
    assert vk.texts(PEOPLE[3]) == []
    assert all(vk.texts(person) == [f"Ответ {person}"] for person in PEOPLE if person != PEOPLE[3])
    # The refusal came inside an `execute` that succeeded: still counted as the send's error.
    page = metrics.render().decode()
    assert 'svodka_vk_errors_total{code="901",method="messages.send"} 1.0' in page
    assert 'method="execute"' not in page


async def test_a_transient_error_inside_execute_sends_that_reply_again_once(vk: Vk) -> None:
    vk.emulator.inject_fault(method="messages.send", error_code=10, times=2)
    assert await _everybody(vk) == [True] * len(PEOPLE)
    for person in PEOPLE:
        assert vk.texts(person) == [f"Ответ {person}"]
    assert vk.emulator.errors["10"] == 2


async def test_a_request_refused_as_a_whole_fails_every_reply_in_it(vk: Vk) -> None:
    vk.emulator.inject_fault(method="execute", error_code=15, times=2)
    outcomes = await asyncio.gather(
        *(reply(vk.api, p, "Ответ") for p in PEOPLE), return_exceptions=True
    )
    assert all(isinstance(o, VKAPIError) and o.code == 15 for o in outcomes)
    assert vk.emulator.sent_items() == []


async def test_a_burst_above_the_rate_limit_is_delivered_without_error_6(vk_at_limit: Vk) -> None:
    for round_ in range(3):
        assert await _everybody(vk_at_limit, f"Ответ {round_}") == [True] * len(PEOPLE)
    assert vk_at_limit.emulator.errors.get("6", 0) == 0
    assert vk_at_limit.emulator.counters["requests"] <= 6  # 90 replies: 2 executes a burst
    for person in PEOPLE:
        assert vk_at_limit.texts(person) == [f"Ответ {r} {person}" for r in range(3)]
