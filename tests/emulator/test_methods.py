"""VK methods and VK's errors, called over HTTP as vkbottle would."""

from __future__ import annotations

import asyncio
import json

from .conftest import TOKEN, Server


def error_code(body: dict) -> int | None:
    return body.get("error", {}).get("error_code")


async def test_group_and_long_poll_server(server: Server) -> None:
    group = (await server.call("groups.getById"))["response"]["groups"][0]
    assert group["id"] == 1
    assert group["name"] == "Свод"
    lp = (await server.call("groups.getLongPollServer", group_id=1))["response"]
    assert lp["server"] == f"{server.url}/lp/1"
    assert lp["key"]
    assert lp["ts"].isdigit()


async def test_wrong_token_is_error_5_without_echoing_it(server: Server) -> None:
    body = await server.call("groups.getById", token="stolen-secret")
    assert error_code(body) == 5
    assert "stolen-secret" not in json.dumps(body)
    keys = [param["key"] for param in body["error"]["request_params"]]
    assert "access_token" not in keys
    assert "method" in keys


async def test_unknown_method_is_error_3(server: Server) -> None:
    assert error_code(await server.call("wall.post")) == 3


async def test_rate_limit_is_error_6(server: Server) -> None:
    await server.client.faults(rps=3)
    codes = [error_code(await server.call("groups.getById")) for _ in range(10)]
    # Ten calls span at most two one-second windows, so at least four exceed the limit.
    assert codes.count(6) >= 4


async def test_flood_control_is_error_9(server: Server) -> None:
    await server.client.add_user(5)
    codes = [
        error_code(await server.call("messages.send", peer_id=5, random_id=n, message="same"))
        for n in range(1, 13)
    ]
    assert codes[:10] == [None] * 10
    assert codes[10:] == [9, 9]
    other = await server.call("messages.send", peer_id=5, random_id=99, message="different")
    assert "response" in other


async def test_injected_internal_error_10(server: Server) -> None:
    await server.client.add_user(5)
    await server.client.faults(method="messages.send", error_code=10, times=2)
    codes = [
        error_code(await server.call("messages.send", peer_id=5, random_id=n, message="x"))
        for n in range(1, 4)
    ]
    assert codes == [10, 10, None]
    assert [c["error_code"] for c in await server.client.calls("messages.send")] == [10, 10, None]


async def test_injected_delay_holds_the_call_then_answers_it(server: Server) -> None:
    await server.client.add_user(5)
    await server.client.faults(method="messages.send", delay_s=1.0, times=1)
    slow = asyncio.ensure_future(server.call("messages.send", peer_id=5, random_id=1, message="x"))
    # Other methods, and the control API, are not held up meanwhile.
    assert "response" in await server.call("groups.getById")
    assert not slow.done() and await server.client.sent() == []
    assert "response" in await slow
    assert [item["text"] for item in await server.client.sent()] == ["x"]
    assert "response" in await server.call("messages.send", peer_id=5, random_id=2, message="y")


async def test_missing_parameters_are_error_100(server: Server) -> None:
    await server.client.add_user(5)
    assert error_code(await server.call("messages.send", peer_id=5, message="x")) == 100
    assert error_code(await server.call("messages.send", random_id=1, message="x")) == 100
    assert error_code(await server.call("messages.send", peer_id=5, random_id=1)) == 100
    assert error_code(await server.call("messages.send", peer_id="x", random_id=1)) == 100
    body = await server.call("messages.send", peer_id=5, random_id=1, message="x", keyboard="{")
    assert error_code(body) == 911


async def test_users_who_did_not_allow_messages_are_error_901(server: Server) -> None:
    await server.client.add_user(5, allows_messages=False)
    assert (
        error_code(await server.call("messages.send", peer_id=5, random_id=1, message="x")) == 901
    )
    assert (
        error_code(await server.call("messages.send", peer_id=6, random_id=1, message="x")) == 901
    )
    await server.client.send_message(5, "hello")  # writing first allows the community to answer
    assert "response" in await server.call("messages.send", peer_id=5, random_id=2, message="x")
    await server.client.allow(5, allowed=False)
    assert (
        error_code(await server.call("messages.send", peer_id=5, random_id=3, message="x")) == 901
    )


async def test_chat_members_need_admin_rights_917(server: Server) -> None:
    admin_peer = await server.client.add_chat(1, "admin", [5, 6])
    plain_peer = await server.client.add_chat(2, "plain", [5], bot_is_admin=False)
    members = (await server.call("messages.getConversationMembers", peer_id=admin_peer))["response"]
    assert {item["member_id"] for item in members["items"]} == {-1, 5, 6}
    assert {profile["id"] for profile in members["profiles"]} == {5, 6}
    body = await server.call("messages.getConversationMembers", peer_id=plain_peer)
    assert error_code(body) == 917
    # Sending to a chat where the bot is not an admin still works.
    assert "response" in await server.call("messages.send", peer_id=plain_peer, random_id=1,
                                           message="x")  # fmt: skip


async def test_unknown_chat_is_error_7(server: Server) -> None:
    body = await server.call("messages.send", peer_id=2_000_000_042, random_id=1, message="x")
    assert error_code(body) == 7


async def test_message_length_limit_914(server: Server) -> None:
    await server.client.add_user(5)
    ok = await server.call("messages.send", peer_id=5, random_id=1, message="я" * 4096)
    assert "response" in ok
    long = await server.call("messages.send", peer_id=5, random_id=2, message="я" * 4097)
    assert error_code(long) == 914


async def test_random_id_deduplicates_per_peer(server: Server) -> None:
    await server.client.add_user(5)
    await server.client.add_user(6)
    first = await server.call("messages.send", peer_id=5, random_id=777, message="one")
    again = await server.call("messages.send", peer_id=5, random_id=777, message="two")
    other_peer = await server.call("messages.send", peer_id=6, random_id=777, message="three")
    assert first["response"] == again["response"]
    assert other_peer["response"] != first["response"]
    zero_a = await server.call("messages.send", peer_id=5, random_id=0, message="z")
    zero_b = await server.call("messages.send", peer_id=5, random_id=0, message="z")
    assert zero_a["response"] != zero_b["response"]  # random_id=0 is never deduplicated
    assert [item["text"] for item in await server.client.sent(peer_id=5)] == ["one", "z", "z"]


async def test_peer_ids_items_and_limit(server: Server) -> None:
    await server.client.add_user(5)
    await server.client.add_user(6, allows_messages=False)
    chat = await server.client.add_chat(1, "c", [5])
    body = await server.call("messages.send", peer_ids=f"5,6,{chat}", random_id=0, message="hi",
                             keyboard=json.dumps({"buttons": [], "inline": True}))  # fmt: skip
    items = body["response"]
    assert [item["peer_id"] for item in items] == [5, 6, chat]
    assert items[0]["message_id"] > 0
    assert "error" not in items[0]
    assert items[1]["error"]["code"] == 901
    assert items[2]["conversation_message_id"] == 1
    sent = await server.client.sent()
    assert [item["peer_id"] for item in sent] == [5, chat]
    assert sent[0]["keyboard"] == {"buttons": [], "inline": True}
    assert sent[0]["id"] < sent[1]["id"]
    too_many = ",".join(str(n) for n in range(1, 102))
    body = await server.call("messages.send", peer_ids=too_many, random_id=0, message="x")
    assert error_code(body) == 100


async def test_attachments_are_recorded(server: Server) -> None:
    await server.client.add_user(5)
    await server.call("messages.send", peer_id=5, random_id=1, attachment="photo-1_5,doc-1_7")
    assert (await server.client.sent())[0]["attachments"] == ["photo-1_5", "doc-1_7"]
    body = await server.call("messages.send", peer_id=5, random_id=2, attachment="nonsense")
    assert error_code(body) == 100


async def test_edit_history_and_users(server: Server) -> None:
    await server.client.add_user(5, "Иван", "Иванов")
    await server.client.send_message(5, "вопрос")
    message_id = (await server.call("messages.send", peer_id=5, random_id=1, message="v1"))[
        "response"
    ]
    assert (await server.call("messages.edit", peer_id=5, message_id=message_id,
                              message="v2"))["response"] == 1  # fmt: skip
    assert (await server.client.sent())[0]["text"] == "v2"
    history = (await server.call("messages.getHistory", peer_id=5))["response"]
    assert history["count"] == 2
    assert [item["text"] for item in history["items"]] == ["v2", "вопрос"]  # newest first
    assert [item["out"] for item in history["items"]] == [1, 0]
    body = await server.call("messages.edit", peer_id=5, message_id=999, message="x")
    assert error_code(body) == 100
    users = (await server.call("users.get", user_ids="5,404", fields="first_name_gen"))["response"]
    assert users[0] == {"id": 5, "first_name": "Иван", "last_name": "Иванов",
                        "can_access_closed": True, "is_closed": False}  # fmt: skip
    assert users[1]["deactivated"] == "deleted"


async def test_edit_by_conversation_message_id_in_chat(server: Server) -> None:
    chat = await server.client.add_chat(1, "c", [5])
    items = (await server.call("messages.send", peer_ids=chat, random_id=0, message="a"))[
        "response"
    ]
    cmid = items[0]["conversation_message_id"]
    body = await server.call("messages.edit", peer_id=chat, conversation_message_id=cmid,
                             message="b")  # fmt: skip
    assert body["response"] == 1
    assert (await server.client.sent(peer_id=chat))[0]["text"] == "b"


async def test_message_event_answer(server: Server) -> None:
    event = await server.client.press_button(5, 5, {"cmd": "yes"}, 1)
    body = await server.call("messages.sendMessageEventAnswer", event_id=event["event_id"],
                             user_id=5, peer_id=5,
                             event_data=json.dumps({"type": "show_snackbar", "text": "ok"}))  # fmt: skip
    assert body["response"] == 1
    body = await server.call("messages.sendMessageEventAnswer", event_id="nope", user_id=5,
                             peer_id=5)  # fmt: skip
    assert error_code(body) == 100


async def test_calls_log_hides_the_token(server: Server) -> None:
    await server.call("groups.getById")
    calls = await server.client.calls("groups.getById")
    assert calls[0]["params"] == {"v": "5.199"}
    assert calls[0]["error_code"] is None
    assert isinstance(calls[0]["t"], float)
    assert TOKEN not in json.dumps(await server.client.calls())


async def test_get_requests_work_too(server: Server) -> None:
    async with server.session.get(
        f"{server.url}/method/groups.getById", params={"access_token": TOKEN, "v": "5.199"}
    ) as response:
        assert (await response.json())["response"]["groups"][0]["id"] == 1
