"""`/web`: a personal one-time link to the officials' dashboard; `/web выйти` signs out.

The guard lets only those with a role through (Action.WEB); the link goes to the private
dialog only, never to a group chat where others would read it.
"""

from __future__ import annotations

from vkbottle.bot import BotLabeler, Message

from bot.context import AppContext
from bot.domain.permissions import CHAT_PEER_START
from bot.domain.textnorm import fold
from bot.runtime.replies import Replies
from bot.services.web import signin
from bot.texts import web as texts
from handlers.rules import Cmd

labeler = BotLabeler()


@labeler.message(Cmd("web", "сайт"))
async def web_link(message: Message, app: AppContext, replies: Replies, args: str) -> None:
    settings = app.settings
    if message.peer_id >= CHAT_PEER_START:
        text = texts.PRIVATE_ONLY
    elif fold(args) in texts.SIGN_OUT_WORDS:
        ended = await signin.sign_out(db=app.db, vk_id=message.from_id)
        text = texts.SIGNED_OUT if ended else texts.NOT_SIGNED_IN
    elif not settings.web_enabled or not settings.web_base_url:
        text = texts.DISABLED
    else:
        link = await signin.issue_link(
            db=app.db, vk_id=message.from_id, base_url=settings.web_base_url, now=app.clock.now()
        )
        minutes = int(signin.LINK_TTL.total_seconds() // 60)
        text = texts.LINK.format(link=link, minutes=minutes)
    # No link preview: VK would open the link to draw one, and a link works only once.
    await replies.send(message.peer_id, text, dont_parse_links=1)
