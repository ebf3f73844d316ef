"""Whatever no feature claimed: a short hint instead of silence."""

from vkbottle.bot import BotLabeler, Message

from bot.app import AppContext
from bot.runtime.replies import reply
from bot.texts import common as texts

labeler = BotLabeler()


@labeler.private_message()
async def unknown(message: Message, app: AppContext) -> None:
    await reply(app.api, message.peer_id, texts.UNKNOWN_COMMAND)
