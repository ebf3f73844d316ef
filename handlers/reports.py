"""Reports for officials and heads: /status, /missing, /rating, /remind, /my, /chart, /export.

Each handler reads the command, calls one use case in `report_commands` and sends what it
returns; files (charts, exports) are uploaded to the conversation first.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from vkbottle import DocMessagesUploader, PhotoMessageUploader
from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.app import AppContext
from bot.runtime.replies import reply
from bot.services import report_commands as commands
from bot.services.report_access import Asker
from bot.texts import reports as texts
from bot.vk.api import describe

logger = logging.getLogger(__name__)

labeler = BotLabeler()

# In a group chat the bot may be addressed as "[club1|@svodka] /status".
_MENTION = re.compile(r"^\s*\[club\d+\|[^\]]*\][\s,:]*")
MAX_ARGS = 200


class Command(ABCRule[Message]):
    """`/name args` (any case, also `/name@bot`); passes the arguments as `args`."""

    def __init__(self, *names: str) -> None:
        alternatives = "|".join(re.escape(name) for name in names)
        self._pattern = re.compile(rf"^/(?:{alternatives})(?:@\S+)?(?:\s+(.*))?$", re.I | re.S)

    async def check(self, event: Message, *_: Any, **__: Any) -> dict[str, Any] | bool:
        match = self._pattern.match(_MENTION.sub("", event.text or "").strip())
        if match is None:
            return False
        return {"args": " ".join((match.group(1) or "").split())[:MAX_ARGS]}


def _asker(message: Message, app: AppContext) -> Asker:
    return Asker(message.from_id, message.peer_id, tuple(app.settings.admin_ids))


@labeler.message(Command("status", "статус"))
async def status(message: Message, app: AppContext, args: str) -> None:
    text = await commands.status(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await reply(app.api, message.peer_id, text)


@labeler.message(Command("missing", "должники"))
async def missing(message: Message, app: AppContext, args: str) -> None:
    text = await commands.missing(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await reply(app.api, message.peer_id, text)


@labeler.message(Command("rating", "рейтинг"))
async def rating(message: Message, app: AppContext, args: str) -> None:
    text = await commands.rating(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await reply(app.api, message.peer_id, text)


@labeler.message(Command("remind", "напомнить"))
async def remind(message: Message, app: AppContext, args: str) -> None:
    text = await commands.remind_now(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await reply(app.api, message.peer_id, text)


@labeler.message(Command("my", "моя"))
async def my(message: Message, app: AppContext, args: str) -> None:
    text = await commands.my(db=app.db, asker=_asker(message, app), now=app.clock.now())
    await reply(app.api, message.peer_id, text)


@labeler.message(Command("chart", "график"))
async def chart(message: Message, app: AppContext, args: str) -> None:
    result = await commands.chart(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await _send(app, message.peer_id, result)


@labeler.message(Command("export", "выгрузка"))
async def export(message: Message, app: AppContext, args: str) -> None:
    result = await commands.export_file(
        db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
    )
    await _send(app, message.peer_id, result)


async def _send(app: AppContext, peer_id: int, result: commands.Files | str) -> None:
    if isinstance(result, str):
        await reply(app.api, peer_id, result)
        return
    try:
        attachments = [
            await _upload(app, peer_id, result.kind, name, data) for name, data in result.files
        ]
    except Exception as exc:  # an upload can fail in many ways; the person gets one answer
        logger.warning("upload failed: %s", describe(exc))
        await reply(app.api, peer_id, texts.UPLOAD_FAILED)
        return
    await reply(app.api, peer_id, result.caption, attachment=",".join(attachments))


async def _upload(app: AppContext, peer_id: int, kind: str, name: str, data: bytes) -> str:
    if kind == "photo":
        return await PhotoMessageUploader(app.api).upload(file_source=data, peer_id=peer_id)
    return await DocMessagesUploader(app.api).upload(file_source=data, peer_id=peer_id, title=name)
