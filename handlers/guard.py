"""Access control at the labeler level: a command the actor may not use anywhere gets a
short polite refusal here, before any feature sees it — so feature handlers never repeat
the check. Goes first in `handlers.labelers`."""

import logging

from vkbottle.bot import BotLabeler, Message
from vkbottle.dispatch.rules import ABCRule

from bot.domain.commands import parse_command
from bot.domain.permissions import CHAT_PEER_START, COMMANDS, Action, Actor, authorize
from bot.runtime.replies import Replies
from bot.texts import onboarding as texts
from bot.texts import reports as report_texts
from bot.texts import web as web_texts
from bot.vk.api import describe

logger = logging.getLogger(__name__)
labeler = BotLabeler()


# Who the refused command is for, so the person knows whom to ask.
REFUSALS = {
    Action.STATUS: texts.REFUSED_OFFICE,
    Action.MISSING: texts.REFUSED_OFFICE,
    Action.RATING: texts.REFUSED_OFFICE,
    Action.CHART: texts.REFUSED_OFFICE,
    Action.REMIND: texts.REFUSED_OFFICE,
    Action.EXPORT: texts.REFUSED_OFFICE,
    Action.BIND: texts.REFUSED_OFFICE,
    Action.REQUEST: texts.REFUSED_OFFICE,
    Action.CORRECT: texts.REFUSED_OFFICE,
    Action.MY: texts.REFUSED_STAFF,
    Action.ANSWER: texts.REFUSED_STAFF,
    Action.ADMIN: texts.REFUSED_ADMIN,
    Action.OFFICIALS: texts.REFUSED_ADMIN,
    Action.INVITES: texts.REFUSED_ADMIN,
    Action.SCHOOLS: texts.REFUSED_ADMIN,
    Action.SETTINGS: texts.REFUSED_ADMIN,
    Action.WEB: web_texts.REFUSED,
}


class Forbidden(ABCRule[Message]):
    async def check(self, event: Message, actor: Actor) -> dict[str, Action] | bool:
        command = parse_command(event.text)
        if command is None or command.name not in COMMANDS:
            return False
        action = COMMANDS[command.name]
        return False if authorize(actor, action) else {"action": action}


# What anyone may read in a district chat that answers /status.
CHAT_VIEWS = frozenset({Action.STATUS, Action.MISSING, Action.RATING, Action.CHART})


def refusal(action: Action, actor: Actor, peer_id: int) -> str:
    if peer_id >= CHAT_PEER_START and action in CHAT_VIEWS:
        # In a chat the reason is the chat, not the person: say what would fix it.
        return report_texts.CHAT_NOT_BOUND if actor.chat is None else report_texts.CHAT_STATUS_OFF
    return REFUSALS[action]


@labeler.message(Forbidden())
async def refuse(message: Message, replies: Replies, actor: Actor, action: Action) -> None:
    try:
        await replies.send(message.peer_id, refusal(action, actor, message.peer_id))
    except Exception as exc:  # raising would let vkbottle try the next handlers
        logger.warning("refusal not sent: %s", describe(exc))
