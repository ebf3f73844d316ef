"""`/help` built from the permission table, and what strangers are told.

The stranger handler catches any private message from someone without a role, so it must
come after every feature that strangers may use (onboarding) and it never sees bound heads.
"""

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.app import AppContext
from bot.domain.textnorm import fold
from bot.runtime.access import Cmd
from bot.runtime.replies import reply
from bot.services.access import COMMANDS, Actor, authorize
from bot.texts import help as texts
from bot.texts import onboarding as onboarding_texts

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
async def show_help(message: Message, app: AppContext, actor: Actor) -> None:
    await reply(app.api, message.peer_id, help_text(actor))


class Stranger(ABCRule[Message]):
    async def check(self, event: Message, actor: Actor) -> bool:
        return actor.is_stranger


@labeler.private_message(Stranger())
async def explain(message: Message, app: AppContext) -> None:
    await reply(app.api, message.peer_id, onboarding_texts.STRANGER)
