"""Whatever no feature claimed: a short hint instead of silence."""

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message

from bot.app import AppContext
from bot.runtime.inbound import current_event
from bot.runtime.replies import reply
from bot.texts import common as texts
from handlers.presses import ButtonPress, answer

labeler = BotLabeler()


@labeler.private_message()
async def unknown(message: Message, app: AppContext) -> None:
    # vkbottle moves on to the next handler when one fails; the failed one has already
    # apologised, and a "no such command" after the apology would only confuse.
    event = current_event.get()
    if event is not None and event.replies:
        return
    await reply(app.api, message.peer_id, texts.UNKNOWN_COMMAND)


@labeler.raw_event(GroupEventType.MESSAGE_EVENT, ButtonPress)
async def stale_button(event: ButtonPress, app: AppContext) -> None:
    # A press no feature claimed (an old screen, another feature's payload, a group chat):
    # unanswered, the button would spin on the person's screen. One whose feature failed
    # has been answered by it already, and VK takes one answer.
    handled = current_event.get()
    if handled is not None and handled.press_answered:
        return
    await answer(app, event, texts.STALE_BUTTON)
