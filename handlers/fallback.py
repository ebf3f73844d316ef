"""Whatever no feature claimed: a short hint instead of silence."""

from vkbottle import GroupEventType
from vkbottle.bot import BotLabeler, Message

from bot.domain.commands import parse_command
from bot.domain.permissions import Actor
from bot.runtime.replies import Replies
from bot.services.checkin.screens import start_keyboard
from bot.texts import common as texts
from bot.texts import help as help_texts
from handlers.presses import ButtonPress, answer

labeler = BotLabeler()


@labeler.private_message()
async def unknown(message: Message, replies: Replies, actor: Actor) -> None:
    # vkbottle moves on to the next handler when one fails; the failed one has already
    # apologised, and a "no such command" after the apology would only confuse.
    if replies.count:
        return
    command = parse_command(message.text)
    text = help_texts.options(actor, command.name if command else None)
    # A head is one press away from the week's questionnaire.
    keyboard = start_keyboard() if actor.is_staff else None
    await replies.send(message.peer_id, text, keyboard=keyboard)


@labeler.raw_event(GroupEventType.MESSAGE_EVENT, ButtonPress)
async def stale_button(event: ButtonPress, replies: Replies) -> None:
    # A press no feature claimed (an old screen, another feature's payload, a group chat):
    # unanswered, the button would spin on the person's screen. One whose feature failed
    # has been answered by it already, and VK takes one answer.
    if replies.press_answered:
        return
    await answer(replies, event, texts.STALE_BUTTON)
