"""Access control at the labeler level: a command the actor may not use anywhere gets a
short polite refusal here, before any feature sees it — so feature handlers never repeat
the check. Goes first in `handlers.labelers`."""

import logging

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.app import AppContext
from bot.domain.commands import parse_command
from bot.runtime.replies import reply
from bot.services.access import COMMANDS, Actor, authorize
from bot.texts import onboarding as texts
from bot.vk.api import describe

logger = logging.getLogger(__name__)
labeler = BotLabeler()


class Forbidden(ABCRule[Message]):
    async def check(self, event: Message, actor: Actor) -> bool:
        command = parse_command(event.text)
        if command is None or command.name not in COMMANDS:
            return False
        return not authorize(actor, COMMANDS[command.name])


@labeler.message(Forbidden())
async def refuse(message: Message, app: AppContext) -> None:
    try:
        await reply(app.api, message.peer_id, texts.REFUSED)
    except Exception as exc:  # raising would let vkbottle try the next handlers
        logger.warning("refusal not sent: %s", describe(exc))
