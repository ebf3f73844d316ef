"""`/help` built from the permission table, and what strangers are told.

The stranger handler catches any private message from someone without a role, so it must
come after every feature that strangers may use (onboarding) and it never sees bound heads.
"""

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain.permissions import COMMANDS, Actor, authorize
from bot.domain.textnorm import fold
from bot.runtime.replies import Replies
from bot.texts import help as texts
from bot.texts import onboarding as onboarding_texts
from handlers.rules import Cmd

labeler = BotLabeler()

HELP_WORDS = frozenset({"помощь", "начать", "справка", "help", "start"})


class HelpWord(ABCRule[Message]):
    async def check(self, event: Message) -> bool:
        return fold((event.text or "")[:40]) in HELP_WORDS


def help_text(actor: Actor) -> str:
    if actor.is_stranger:
        return onboarding_texts.STRANGER
    lines = [
        line for command, line in texts.COMMAND_LINES.items() if authorize(actor, COMMANDS[command])
    ]
    return "\n".join([texts.HEADER, *lines])


@labeler.message(Cmd("help", "start"))
@labeler.message(HelpWord())
async def show_help(message: Message, replies: Replies, actor: Actor) -> None:
    await replies.send(message.peer_id, help_text(actor))


class Stranger(ABCRule[Message]):
    async def check(self, event: Message, actor: Actor, replies: Replies) -> bool:
        # After a failed handler's apology (vkbottle moves on to the next one) say nothing.
        return actor.is_stranger and not replies.count


@labeler.private_message(Stranger())
async def explain(message: Message, replies: Replies) -> None:
    await replies.send(message.peer_id, onboarding_texts.STRANGER)
