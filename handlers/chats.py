"""`/bind` and `/unbind` in a district's group chat (admins and the district's officials).

The guard has already refused strangers; here the target district is checked.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession
from vkbottle.bot import BotLabeler, Message
from vkbottle.exception_factory import VKAPIError

from bot.app import AppContext
from bot.domain.textnorm import fold
from bot.runtime.access import Can, Cmd
from bot.runtime.replies import reply
from bot.services import chats
from bot.services.access import Action, Actor, authorize, districts_for
from bot.services.district_settings import find_district
from bot.texts import admin as texts
from storage.models import District
from storage.repos import districts as district_repo

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
async def bind_in_private(message: Message, app: AppContext) -> None:
    await reply(app.api, message.peer_id, texts.BIND_IN_PRIVATE)


@labeler.chat_message(Cmd("bind"))
async def bind(message: Message, app: AppContext, actor: Actor, args: str) -> None:
    name, answers_status = parse_bind_args(args)
    async with app.db.reads() as session:
        choice = await _choose_district(session, actor, name)
    if isinstance(choice, str):
        await reply(app.api, message.peer_id, choice)
        return
    if not await _bot_is_chat_admin(app, message.peer_id):
        await reply(app.api, message.peer_id, texts.BIND_NEEDS_ADMIN)
        return
    async with app.db.sessions.begin() as session:
        bound = await chats.bind(
            session=session,
            peer_id=message.peer_id,
            district_id=choice.id,
            answers_status=answers_status,
            actor=actor,
            now=app.clock.now(),
        )
    if isinstance(bound, chats.HeldElsewhere):
        await reply(app.api, message.peer_id, texts.BIND_TAKEN.format(district=bound.district))
        warning = texts.BIND_TAKEN_WARNING.format(
            district=choice.name, vk_id=actor.vk_id, own=bound.district
        )
        for vk_id in bound.officials:
            await reply(app.api, vk_id, warning)
        return
    done = texts.BOUND_WITH_STATUS if answers_status else texts.BOUND_SUMMARIES
    await reply(app.api, message.peer_id, done.format(district=choice.name))


async def _choose_district(session: AsyncSession, actor: Actor, name: str) -> District | str:
    """The district to bind to, or what to tell the person instead."""
    if name:
        try:
            district = await find_district(session, name)
        except LookupError as exc:
            return texts.input_error(exc)
        if not authorize(actor, Action.BIND, district_id=district.id):
            return texts.BIND_NOT_YOURS.format(district=district.name)
        return district
    allowed = districts_for(actor, Action.BIND)
    candidates = [
        d for d in await district_repo.list_all(session) if allowed is None or d.id in allowed
    ]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        return texts.NO_DISTRICTS
    return texts.BIND_WHICH_DISTRICT.format(districts=", ".join(d.name for d in candidates))


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
async def unbind(message: Message, app: AppContext, actor: Actor) -> None:
    async with app.db.sessions.begin() as session:
        chat = await chats.chat_of(session, message.peer_id)
        district = await district_repo.get(session, chat.district_id) if chat else None
        if district is None:
            text = texts.NOT_BOUND
        elif not authorize(actor, Action.BIND, district_id=district.id):
            text = texts.BIND_NOT_YOURS.format(district=district.name)
        else:
            await chats.unbind(
                session=session,
                peer_id=message.peer_id,
                person_id=actor.person_id,
                now=app.clock.now(),
            )
            text = texts.UNBOUND_CHAT.format(district=district.name)
    await reply(app.api, message.peer_id, text)
