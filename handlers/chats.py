"""`/bind` and `/unbind` in a district's group chat (admins and the district's officials).

The guard has already refused strangers; here the target district is checked.
"""

from __future__ import annotations

import logging

from vkbottle.bot import BotLabeler, Message
from vkbottle.exception_factory import VKAPIError

from bot.context import AppContext
from bot.domain.permissions import Action, Actor
from bot.domain.textnorm import fold
from bot.runtime.replies import Replies
from bot.services.admin import chats
from bot.texts import admin as texts
from handlers.people import named
from handlers.rules import Can, Cmd

logger = logging.getLogger(__name__)
# Admins and officials only, on every handler here (see handlers/admin.py).
labeler = BotLabeler(auto_rules=[Can(Action.BIND)])

NO_RIGHTS = 917


def parse_bind_args(args: str) -> tuple[str, bool]:
    """ "Сергокалинский сводки" → ("Сергокалинский", False): (district part, answers /status)."""
    words, answers_status = [], True
    for word in args.split():
        folded = fold(word)
        if folded.startswith("статус") or folded == "status":
            answers_status = True
        elif folded.startswith("сводк") or folded == "summaries":
            answers_status = False
        elif folded != "только":
            words.append(word)
    return " ".join(words), answers_status


@labeler.private_message(Cmd("bind", "unbind"))
async def bind_in_private(message: Message, replies: Replies) -> None:
    await replies.send(message.peer_id, texts.BIND_IN_PRIVATE)


@labeler.chat_message(Cmd("bind"))
async def bind(
    message: Message, app: AppContext, replies: Replies, actor: Actor, args: str
) -> None:
    name, answers_status = parse_bind_args(args)
    choice = await chats.choose_district(db=app.db, actor=actor, name=name)
    if choice.district is None:
        await replies.send(message.peer_id, _no_district(choice))
        return
    if not await _bot_is_chat_admin(app, message.peer_id):
        await replies.send(message.peer_id, texts.BIND_NEEDS_ADMIN)
        return
    bound = await chats.bind(
        db=app.db,
        peer_id=message.peer_id,
        district_id=choice.district.id,
        answers_status=answers_status,
        actor=actor,
        now=app.clock.now(),
    )
    if isinstance(bound, chats.HeldElsewhere):
        await replies.send(message.peer_id, texts.BIND_TAKEN.format(district=bound.district))
        warning = texts.BIND_TAKEN_WARNING.format(
            district=choice.district.name, person=await named(app, actor.vk_id), own=bound.district
        )
        for vk_id in bound.officials:
            await replies.send(vk_id, warning)
        return
    done = texts.BOUND_WITH_STATUS if answers_status else texts.BOUND_SUMMARIES
    await replies.send(message.peer_id, done.format(district=choice.district.name))


def _no_district(choice: chats.DistrictChoice) -> str:
    if choice.problem is not None:
        return texts.input_error(choice.problem)
    if choice.not_yours is not None:
        return texts.BIND_NOT_YOURS.format(district=choice.not_yours)
    if not choice.candidates:
        return texts.NO_DISTRICTS
    return texts.BIND_WHICH_DISTRICT.format(districts=", ".join(choice.candidates))


async def _bot_is_chat_admin(app: AppContext, peer_id: int) -> bool:
    """Only a chat admin may list members: that is how VK tells us our rights (917 if not)."""
    try:
        await app.api.messages.get_conversation_members(peer_id=peer_id)
    except VKAPIError as exc:
        if exc.code == NO_RIGHTS:
            return False
        raise
    return True


@labeler.chat_message(Cmd("unbind"))
async def unbind(message: Message, app: AppContext, replies: Replies, actor: Actor) -> None:
    result = await chats.unbind(
        db=app.db, peer_id=message.peer_id, actor=actor, now=app.clock.now()
    )
    if result.district is None:
        text = texts.NOT_BOUND
    elif not result.done:
        text = texts.BIND_NOT_YOURS.format(district=result.district)
    else:
        text = texts.UNBOUND_CHAT.format(district=result.district)
    await replies.send(message.peer_id, text)
