"""`execute` with the VKScript subset senders use."""

from __future__ import annotations

import json

from .conftest import Server


def send_call(peer: int, random_id: int, text: str) -> str:
    args = {"peer_id": peer, "random_id": random_id, "message": text}
    return f"API.messages.send({json.dumps(args, ensure_ascii=False)})"


async def test_execute_runs_25_sends_in_order(server: Server) -> None:
    for user in range(1, 26):
        await server.client.add_user(user)
    code = "return [" + ", ".join(send_call(u, u, f'№{u} "q"\n') for u in range(1, 26)) + "];"
    body = await server.call("execute", code=code)
    assert "execute_errors" not in body
    assert len(body["response"]) == 25
    assert all(isinstance(message_id, int) and message_id > 0 for message_id in body["response"])
    sent = await server.client.sent()
    assert [item["peer_id"] for item in sent] == list(range(1, 26))
    assert sent[0]["text"] == '№1 "q"\n'
    assert [c["method"] for c in await server.client.calls()] == ["execute"] + [
        "messages.send"
    ] * 25


async def test_execute_rejects_26_calls(server: Server) -> None:
    code = "return [" + ", ".join(send_call(1, n, "x") for n in range(1, 27)) + "];"
    body = await server.call("execute", code=code)
    assert body["error"]["error_code"] == 13
    assert await server.client.sent() == []


async def test_execute_errors_leave_false_in_the_failed_slot(server: Server) -> None:
    await server.client.add_user(1)
    code = f"return [{send_call(1, 1, 'ok')}, {send_call(2, 2, 'nobody')}, {send_call(1, 3, '')}];"
    body = await server.call("execute", code=code)
    assert body["response"][0] > 0
    assert body["response"][1:] == [False, False]
    assert body["execute_errors"] == [
        {"method": "messages.send", "error_code": 901,
         "error_msg": "Can't send messages for users without permission"},
        {"method": "messages.send", "error_code": 100,
         "error_msg": "One of the parameters specified was missing or invalid: "
                      "message is empty or invalid"},
    ]  # fmt: skip


async def test_execute_literals_and_bare_keys(server: Server) -> None:
    await server.client.add_user(7)
    code = (
        'return {"sent": API.messages.send({peer_id: 7, random_id: 5, message: "a\\u0431",'
        ' keyboard: {"one_time": true, "buttons": [[]]}}), "n": [1, 2.5, null, false]}'
    )
    body = await server.call("execute", code=code)
    assert body["response"]["n"] == [1, 2.5, None, False]
    item = (await server.client.sent())[0]
    assert item["text"] == "aб"
    assert item["keyboard"] == {"one_time": True, "buttons": [[]]}


async def test_execute_counts_as_one_request_for_the_rate_limit(server: Server) -> None:
    for user in range(1, 26):
        await server.client.add_user(user)
    await server.client.faults(rps=2)
    code = "return [" + ", ".join(send_call(u, u, "x") for u in range(1, 26)) + "];"
    body = await server.call("execute", code=code)
    if "error" in body:  # landed on a window boundary after other calls: retry once
        body = await server.call("execute", code=code)
    assert "execute_errors" not in body


async def test_unsupported_code_is_error_12(server: Server) -> None:
    for code in ["var a = 1; return a;", "return API.messages.send(1);", "return [1,", "@"]:
        body = await server.call("execute", code=code)
        assert body["error"]["error_code"] == 12, code
    assert (await server.call("execute", code="return 1;"))["response"] == 1
