"""Files in private chats: sending a document (docs upload flow) and fetching one a person sent.

Downloads are bounded: the declared size and the bytes actually read are both capped, and
the whole fetch has a timeout, so a huge or slow file cannot tie up a worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp
from vkbottle import API, DocMessagesUploader

DOWNLOAD_TIMEOUT_S = 20.0
_CHUNK = 64 * 1024


class DocumentTooBig(Exception):
    pass


class DocumentUnavailable(Exception):
    """The file could not be fetched (network, VK, a dead link)."""


@dataclass(frozen=True)
class IncomingDoc:
    title: str
    url: str
    size: int | None


def incoming_doc(attachments: list[Any] | None) -> IncomingDoc | None:
    """The first document attached to a message (vkbottle models), if any."""
    for attachment in attachments or []:
        doc = getattr(attachment, "doc", None)
        if doc is not None and getattr(doc, "url", None):
            return IncomingDoc(title=doc.title or "", url=doc.url, size=doc.size)
    return None


async def upload_document(api: API, *, peer_id: int, title: str, data: bytes) -> str:
    """The attachment string ("doc<owner>_<id>") of a file uploaded for `peer_id`."""
    return await DocMessagesUploader(api).upload(title=title, file_source=data, peer_id=peer_id)


async def download_document(
    doc: IncomingDoc, *, limit: int, timeout: float = DOWNLOAD_TIMEOUT_S
) -> bytes:
    if doc.size is not None and doc.size > limit:
        raise DocumentTooBig
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http,
            http.get(doc.url) as response,
        ):
            if response.status != 200:
                raise DocumentUnavailable(f"HTTP {response.status}")
            if (response.content_length or 0) > limit:
                raise DocumentTooBig
            data = bytearray()
            async for chunk in response.content.iter_chunked(_CHUNK):
                data += chunk
                if len(data) > limit:
                    raise DocumentTooBig
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise DocumentUnavailable(type(exc).__name__) from None
    return bytes(data)
