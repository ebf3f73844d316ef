"""Reports for officials and heads: /status, /missing, /rating, /remind, /my, /chart, /export.

Each handler reads the command, calls one use case in `report_commands` and sends what it
returns; files (charts, exports) are uploaded to the conversation first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from vkbottle import DocMessagesUploader, PhotoMessageUploader
from vkbottle.bot import BotLabeler, Message

from bot.context import AppContext
from bot.runtime.replies import Replies
from bot.services.reports import commands
from bot.services.reports.access import Asker
from bot.texts import reports as texts
from bot.vk.api import describe
from handlers.rules import Cmd

logger = logging.getLogger(__name__)

labeler = BotLabeler()


def _asker(message: Message, app: AppContext) -> Asker:
    return Asker(message.from_id, message.peer_id, tuple(app.settings.admin_ids))


# Each command and the use case that answers it: text, or files uploaded to the chat first.
USE_CASES: list[tuple[tuple[str, ...], commands.UseCase]] = [
    (("status", "статус"), commands.status),
    (("missing", "должники"), commands.missing),
    (("rating", "рейтинг"), commands.rating),
    (("remind", "напомнить"), commands.remind_now),
    (("chart", "график"), commands.chart),
    (("export", "выгрузка"), commands.export_file),
]


def _answering(use_case: commands.UseCase) -> Callable[..., Awaitable[None]]:
    async def handler(message: Message, app: AppContext, replies: Replies, args: str) -> None:
        result = await use_case(
            db=app.db, asker=_asker(message, app), args=args, now=app.clock.now()
        )
        await _send(app, replies, message.peer_id, result)

    handler.__name__ = use_case.__name__
    return handler


for names, use_case in USE_CASES:
    labeler.message(Cmd(*names))(_answering(use_case))


@labeler.message(Cmd("my", "моя"))
async def my(message: Message, app: AppContext, replies: Replies) -> None:
    text = await commands.my(db=app.db, asker=_asker(message, app), now=app.clock.now())
    await replies.send(message.peer_id, text)


async def _send(
    app: AppContext, replies: Replies, peer_id: int, result: commands.Files | str
) -> None:
    if isinstance(result, str):
        await replies.send(peer_id, result)
        return
    try:
        attachments = [
            await _upload(app, peer_id, result.kind, name, data) for name, data in result.files
        ]
    except Exception as exc:  # an upload can fail in many ways; the person gets one answer
        logger.warning("upload failed: %s", describe(exc))
        await replies.send(peer_id, texts.UPLOAD_FAILED)
        return
    await replies.send(peer_id, result.caption, attachment=",".join(attachments))


async def _upload(app: AppContext, peer_id: int, kind: str, name: str, data: bytes) -> str:
    if kind == "photo":
        return await PhotoMessageUploader(app.api).upload(file_source=data, peer_id=peer_id)
    return await DocMessagesUploader(app.api).upload(file_source=data, peer_id=peer_id, title=name)
