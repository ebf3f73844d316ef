"""The one typed reading of VK updates: what passes is what the pipeline and vkbottle can
take; anything else is refused with a reason that quotes none of it."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vkbottle.tools.mini_types.bot import message_min

from bot.vk.updates import MalformedUpdate, parse_stored, parse_update
from tests.utils.updates import message_new

SECRET_TEXT = "Патимат Алиева 89280000000"
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


def test_a_message_is_read_with_its_person_and_peer() -> None:
    update = parse_update(message_new("e1", 100, peer_id=2_000_000_001))
    assert (update.event_id, update.type, update.group_id) == ("e1", "message_new", 1)
    assert (update.person, update.message_peer, update.queue_key) == (100, 2_000_000_001, 100)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"type": "message_new", "event_id": "e", "object": {"message": "garbage"}}, "message"),
        (["not", "an", "event"], "not an object"),
        ({"type": "message_new", "object": {}}, "event_id"),
        ({"type": "message_new", "event_id": "x" * 65, "object": {}}, "event_id"),
        ({"type": "message_new", "event_id": 7, "object": {}}, "event_id"),
        ({"type": "message_event", "event_id": "e", "object": {"user_id": "x"}}, "user_id"),
        ({"type": "message_allow", "event_id": "e", "object": {}}, "user_id"),
        ({"type": "message_new", "event_id": "e", "object": None}, "object"),
        (message_new("e", 2**70), "from_id"),
        (message_new("e", 5, text=None), "text"),
        # A number to pydantic's lax int, but no date to vkbottle's model.
        (message_new("e", 5, date=False), "date"),
    ],
)
def test_unreadable_updates_are_refused_with_a_reason(raw: Any, reason: str) -> None:
    with pytest.raises(MalformedUpdate, match=reason):
        parse_update(raw)


def test_the_reason_quotes_nothing_of_the_update() -> None:
    raw = message_new("e", 5, text={"name": SECRET_TEXT}, peer_id=SECRET_TEXT)
    with pytest.raises(MalformedUpdate) as refused:
        parse_update(raw)
    assert "Патимат" not in str(refused.value) and "8928" not in str(refused.value)


def test_an_event_no_handler_takes_is_kept_in_its_person_s_order() -> None:
    update = parse_update({"type": "group_join", "event_id": "g", "object": {"user_id": 7}})
    assert update.queue_key == 7
    alone = parse_update({"type": "wall_post_new", "event_id": "w", "object": {}})
    assert alone.queue_key == "w"


def test_a_stored_row_must_hold_its_own_update() -> None:
    assert parse_stored("e1", message_new("e1", 5)).person == 5
    with pytest.raises(MalformedUpdate, match="no payload"):
        parse_stored("e1", None)
    with pytest.raises(MalformedUpdate, match="differs"):
        parse_stored("e1", message_new("e2", 5))


MESSAGE_FIELDS = ("conversation_message_id", "date", "from_id", "id", "out", "peer_id", "text")


@settings(max_examples=300, deadline=None)
@given(
    envelope=st.fixed_dictionaries({}, optional={"type": JSON, "event_id": JSON, "object": JSON}),
    changes=st.dictionaries(st.sampled_from([*MESSAGE_FIELDS, "version"]), JSON, max_size=3),
    dropped=st.sets(st.sampled_from([*MESSAGE_FIELDS, "version"]), max_size=2),
)
def test_anything_is_read_or_refused_and_what_is_read_vkbottle_reads(
    envelope: dict[str, Any], changes: dict[str, Any], dropped: set[str]
) -> None:
    for raw in (envelope, _changed_message(changes, dropped)):
        try:
            update = parse_update(raw)
        except MalformedUpdate:
            continue
        if update.type == "message_new":
            assert message_min(update.raw, None, False).from_id == update.person


def _changed_message(changes: dict[str, Any], dropped: set[str]) -> dict[str, Any]:
    raw = message_new("e", 5)
    message = raw["object"]["message"]
    message.update(changes)
    for name in dropped:
        message.pop(name, None)
    return raw
