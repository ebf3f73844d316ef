"""Photo and document uploads through vkbottle's uploaders, and files people send."""

from __future__ import annotations

import base64
import os

import aiohttp
from vkbottle import DocMessagesUploader, PhotoMessageUploader

from .conftest import Server, make_bot

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000300000002008060000") + os.urandom(64)


async def test_photo_round_trip(server: Server) -> None:
    bot = make_bot(server.url)
    try:
        attachment = await PhotoMessageUploader(bot.api).upload(file_source=PNG, peer_id=5)
    finally:
        await bot.api.http_client.close()
    assert attachment.startswith("photo-1_")
    assert await server.client.file(attachment) == PNG
    saved = await server.client.calls("photos.saveMessagesPhoto")
    assert saved[0]["error_code"] is None


async def test_doc_round_trip_and_send(server: Server) -> None:
    data = os.urandom(5000)
    await server.client.add_user(5)
    bot = make_bot(server.url)
    try:
        attachment = await DocMessagesUploader(bot.api).upload(
            file_source=data, peer_id=5, title="svodka.xlsx"
        )
        await bot.api.messages.send(peer_id=5, random_id=1, attachment=attachment)
    finally:
        await bot.api.http_client.close()
    assert attachment.startswith("doc-1_")
    assert await server.client.file(attachment) == data
    assert (await server.client.sent(peer_id=5))[0]["attachments"] == [attachment]


async def test_upload_tokens_are_single_use_and_checked(server: Server) -> None:
    form = aiohttp.FormData()
    form.add_field("photo", PNG, filename="chart.png")
    async with server.session.post(f"{server.url}/upload/photo", data=form) as response:
        upload = await response.json()
    body = await server.call("photos.saveMessagesPhoto", photo=upload["photo"], hash="bad")
    assert body["error"]["error_code"] == 121
    body = await server.call("photos.saveMessagesPhoto", **upload)
    assert body["response"][0]["sizes"][0]["width"] == 48  # read from the PNG header
    again = await server.call("photos.saveMessagesPhoto", **upload)
    assert again["error"]["error_code"] == 100
    form = aiohttp.FormData()
    form.add_field("wrong", b"x", filename="x.txt")
    async with server.session.post(f"{server.url}/upload/doc", data=form) as response:
        assert "error" in await response.json()


async def test_incoming_doc_is_downloadable(server: Server) -> None:
    lp = (await server.call("groups.getLongPollServer", group_id=1))["response"]
    content = os.urandom(3000)
    spec = {
        "type": "doc",
        "title": "отчёт.xlsx",
        "content_base64": base64.b64encode(content).decode(),
    }
    await server.client.send_message(5, "файл", attachments=[spec])
    params = {"act": "a_check", "key": lp["key"], "ts": lp["ts"], "wait": "1"}
    async with server.session.get(lp["server"], params=params) as response:
        message = (await response.json())["updates"][0]["object"]["message"]
    attachment = message["attachments"][0]
    assert attachment["type"] == "doc"
    doc = attachment["doc"]
    assert (doc["owner_id"], doc["title"], doc["ext"], doc["size"]) == (
        5,
        "отчёт.xlsx",
        "xlsx",
        3000,
    )
    async with server.session.get(doc["url"]) as response:
        assert await response.read() == content
    assert await server.client.file(f"doc5_{doc['id']}") == content


async def test_downloads_show_a_photo_inline_and_save_a_doc_under_its_title(
    server: Server,
) -> None:
    bot = make_bot(server.url)
    try:
        photo = await PhotoMessageUploader(bot.api).upload(file_source=PNG, peer_id=5)
        doc = await DocMessagesUploader(bot.api).upload(
            file_source=b"a;b\n", peer_id=5, title="svodka-2024-W46.csv"
        )
    finally:
        await bot.api.http_client.close()
    async with server.session.get(f"{server.url}/_emu/files/{photo}") as response:
        assert response.content_type == "image/png"
        assert "Content-Disposition" not in response.headers
    async with server.session.get(f"{server.url}/_emu/files/{doc}") as response:
        assert response.headers["Content-Disposition"] == (
            "attachment; filename*=UTF-8''svodka-2024-W46.csv"
        )
        assert await response.read() == b"a;b\n"
