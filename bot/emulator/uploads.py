"""Upload servers for photos and documents, the saving methods, and file downloads."""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aiohttp import web

from .errors import VKError
from .methods import method
from .params import Params

if TYPE_CHECKING:
    from .app import Emulator

# The multipart field each upload server reads, as vkbottle's uploaders send it.
FIELDS = {"photo": "photo", "doc": "file"}


def _hash(token: str) -> str:
    return hashlib.md5(token.encode(), usedforsecurity=False).hexdigest()


async def upload(emu: Emulator, request: web.Request) -> web.Response:
    """`POST /upload/{kind}`: keep the bytes under a token that the save method exchanges."""
    kind = request.match_info["kind"]
    form = await request.post()
    field = form.get(FIELDS[kind])
    if not isinstance(field, web.FileField):
        # Upload servers answer errors in their own flat shape, not VK's error object.
        return web.json_response({"error": f"ERR_UPLOAD_FILE_NOT_UPLOADED: no {FIELDS[kind]!r}"})
    token = secrets.token_hex(8)
    emu.state.uploads[token] = (kind, field.filename or kind, field.file.read())
    if kind == "photo":
        return web.json_response({"server": 1, "photo": token, "hash": _hash(token)})
    return web.json_response({"file": token})


async def download(emu: Emulator, request: web.Request) -> web.Response:
    """`GET /files/{attachment}` (doc urls) and `GET /_emu/files/{attachment}`."""
    stored = emu.state.file(request.match_info["attachment"])
    if stored is None:
        raise web.HTTPNotFound(text="no such file")
    if stored.kind == "photo":
        png = stored.data.startswith(b"\x89PNG")
        return web.Response(body=stored.data, content_type="image/png" if png else "image/jpeg")
    # A document downloads under its title, as VK's doc links do.
    disposition = f"attachment; filename*=UTF-8''{quote(stored.title)}"
    return web.Response(
        body=stored.data,
        content_type="application/octet-stream",
        headers={"Content-Disposition": disposition},
    )


def _take_upload(emu: Emulator, token: str, kind: str) -> tuple[str, bytes]:
    entry = emu.state.uploads.pop(token, None)
    if entry is None or entry[0] != kind:
        raise VKError(100, f"{FIELDS[kind]} is undefined")
    return entry[1], entry[2]


@method("photos.getMessagesUploadServer")
async def photos_get_messages_upload_server(emu: Emulator, p: Params, base_url: str) -> Any:
    return {
        "album_id": -3,
        "upload_url": f"{base_url}/upload/photo",
        "user_id": 0,
        "group_id": emu.group_id,
    }


@method("photos.saveMessagesPhoto")
async def photos_save_messages_photo(emu: Emulator, p: Params, base_url: str) -> Any:
    token = p.str("photo")
    if not token:
        raise VKError(100, "photo is undefined")
    if p.str("hash") != _hash(token):
        raise VKError(121)
    name, data = _take_upload(emu, token, "photo")
    stored = emu.state.store_file("photo", -emu.group_id, name, data)
    return [stored.as_photo(base_url)]


@method("docs.getMessagesUploadServer")
async def docs_get_messages_upload_server(emu: Emulator, p: Params, base_url: str) -> Any:
    return {"upload_url": f"{base_url}/upload/doc"}


@method("docs.save")
async def docs_save(emu: Emulator, p: Params, base_url: str) -> Any:
    name, data = _take_upload(emu, p.str("file"), "doc")
    stored = emu.state.store_file("doc", -emu.group_id, p.str("title") or name, data)
    return {"type": "doc", "doc": stored.as_doc(base_url)}
