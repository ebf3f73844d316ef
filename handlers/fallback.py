"""Whatever no feature claimed: a short hint instead of silence."""

from vkbottle.bot import BotLabeler, Message

from bot.app import AppContext
from bot.runtime.inbound import current_event
from bot.runtime.replies import reply
from bot.texts import common as texts

labeler = BotLabeler()


@labeler.private_message()
async def unknown(message: Message, app: AppContext) -> None:
    # vkbottle moves on to the next handler when one fails; the failed one has already
    # apologised, and a "no such command" after the apology would only confuse.
    event = current_event.get()
    if event is not None and event.replies:
        return
    await reply(app.api, message.peer_id, texts.UNKNOWN_COMMAND)
