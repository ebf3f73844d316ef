"""`POST /callback` against anything a stranger can send: any body, any secret, the same event
again. Only events carrying the right secret are stored, each once; nothing answers 500."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.clock import FakeClock
from bot.config import load_settings
from bot.metrics import Metrics
from bot.runtime.callback import CallbackEndpoint
from bot.vk.updates import MalformedUpdate, parse_update
from storage.db import Database
from storage.models import InboundEvent
from tests.utils.updates import message_new

SECRET = "s3cr3t-callback-key"
CONFIRMATION = "a1b2c3d4"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)
BODIES = st.one_of(
    JSON,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["message_new", "message_event", "confirmation", "x"]),
            "group_id": st.one_of(st.just(1), st.integers()),
            "event_id": st.one_of(st.text(max_size=20), st.integers(), st.none()),
            "object": JSON,
            "secret": st.one_of(
                st.text(max_size=30), st.just(SECRET[:-1]), st.just(SECRET + " "), JSON
            ),
        }
    ),
)


@pytest.fixture
async def callback(sqlite_db: Database, clock: FakeClock) -> AsyncIterator[TestClient]:
    settings = load_settings(
        _env_file=None,
        vk_group_id=1,
        callback_secret=SECRET,
        callback_confirmation=CONFIRMATION,
    )
    endpoint = CallbackEndpoint(
        settings=settings, db=sqlite_db, clock=clock, metrics=Metrics(), on_persisted=lambda: None
    )
    app = web.Application()
    endpoint.add_routes(app)
    async with TestClient(TestServer(app)) as client:
        yield client


async def _stored(db: Database) -> int:
    async with db.reads() as session:
        return await session.scalar(select(func.count()).select_from(InboundEvent)) or 0


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=BODIES)
async def test_anything_without_the_secret_is_refused_and_never_stored(
    callback: TestClient, sqlite_db: Database, body: Any
) -> None:
    before = await _stored(sqlite_db)
    answer = await callback.post("/callback", data=json.dumps(body))
    text = await answer.text()
    assert answer.status in (200, 400, 403)
    if isinstance(body, dict) and body.get("type") == "confirmation":
        assert text in (CONFIRMATION, "forbidden")
    else:
        assert text != "ok" and answer.status != 200
    assert await _stored(sqlite_db) == before


WITH_SECRET = st.fixed_dictionaries(
    {"secret": st.just(SECRET)},
    optional={
        "type": st.sampled_from(["message_new", "message_event", "message_allow", "x"]) | JSON,
        "group_id": st.just(1) | JSON,
        "event_id": st.text(min_size=1, max_size=70) | JSON,
        "object": st.fixed_dictionaries(
            {}, optional={"message": JSON, "user_id": JSON, "peer_id": JSON, "event_id": JSON}
        )
        | JSON,
    },
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=WITH_SECRET)
async def test_with_the_secret_only_readable_events_of_our_community_are_stored(
    callback: TestClient, sqlite_db: Database, body: dict[str, Any]
) -> None:
    assume(body.get("type") != "confirmation")
    before = await _stored(sqlite_db)
    answer = await callback.post("/callback", data=json.dumps(body))
    stored = await _stored(sqlite_db) - before
    try:
        update = parse_update({key: value for key, value in body.items() if key != "secret"})
    except MalformedUpdate:
        assert (answer.status, stored) == (400, 0)
        return
    if update.group_id != 1:
        assert (answer.status, stored) == (403, 0)
    else:
        assert (answer.status, await answer.text()) == (200, "ok")


async def test_the_same_event_retried_is_stored_once(
    callback: TestClient, sqlite_db: Database
) -> None:
    event = {**message_new("retried-1", 5), "secret": SECRET}
    answers = [await callback.post("/callback", json=event) for _ in range(5)]
    assert [(a.status, await a.text()) for a in answers] == [(200, "ok")] * 5
    assert await _stored(sqlite_db) == 1
    async with sqlite_db.reads() as session:
        stored = await session.scalar(select(InboundEvent))
    assert "secret" not in json.dumps(stored.payload), "the secret was stored with the event"


async def test_raw_garbage_is_refused(callback: TestClient) -> None:
    for raw in (b"", b"\xff\xfe", b"{", b"[]" * 10_000, b'{"type": 1}'):
        answer = await callback.post("/callback", data=raw)
        assert answer.status == 400
