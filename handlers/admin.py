"""Admin commands in a private chat: the menu, officials, invites, unbound schools.

Only admins get here: `handlers/guard.py` refuses everyone else by the permission table.
"""

from __future__ import annotations

import re
from datetime import timedelta

from vkbottle import Keyboard, Text
from vkbottle.bot import BotLabeler, Message

from bot.context import AppContext
from bot.domain.permissions import Action, Actor
from bot.runtime.replies import Replies
from bot.services.admin import officials as roles
from bot.services.admin import schools as admin
from bot.texts import admin as texts
from bot.texts import schools as school_texts
from handlers.people import named
from handlers.rules import Can, Cmd, Payload

# Admins only, on every handler here: the guard answers others; this keeps them out
# even if that answer fails (vkbottle then tries the next handlers).
labeler = BotLabeler(auto_rules=[Can(Action.ADMIN)])
_OFFICIAL_ARGS = re.compile(
    r"(add|remove|добавить|снять|назначить)\s+(?:id)?(\d{1,12})\s+(.+)", re.I
)


def menu_keyboard() -> str:
    keyboard = Keyboard(one_time=False)
    keyboard.add(Text(texts.BUTTON_UNBOUND, {"c": "adm", "a": "unbound"}))
    keyboard.add(Text(texts.BUTTON_DISTRICTS, {"c": "adm", "a": "districts"}))
    keyboard.add(Text(texts.BUTTON_HELP, {"c": "adm", "a": "help"}))
    return keyboard.get_json()


@labeler.private_message(Cmd("admin"))
async def show_menu(message: Message, replies: Replies) -> None:
    await replies.send(message.peer_id, texts.MENU, keyboard=menu_keyboard())


@labeler.private_message(Cmd("official"))
async def official(
    message: Message, app: AppContext, replies: Replies, actor: Actor, args: str
) -> None:
    match = _OFFICIAL_ARGS.fullmatch(args)
    if match is None:
        await replies.send(message.peer_id, texts.USAGE_OFFICIAL)
        return
    adding = match[1].lower() not in ("remove", "снять")
    vk_id = int(match[2])
    try:
        change = await roles.change_official(
            db=app.db,
            adding=adding,
            vk_id=vk_id,
            district_text=match[3],
            now=app.clock.now(),
            actor_id=actor.person_id,
        )
    except LookupError as exc:
        await replies.send(message.peer_id, texts.input_error(exc))
        return
    done = {
        (True, True): texts.OFFICIAL_ADDED,
        (True, False): texts.OFFICIAL_EXISTED,
        (False, True): texts.OFFICIAL_REMOVED,
        (False, False): texts.OFFICIAL_ABSENT,
    }
    values = {"person": await named(app, vk_id), "district": change.district}
    text = done[adding, change.changed].format(**values)
    if change.changed:
        notice = texts.YOU_ARE_OFFICIAL if adding else texts.YOU_ARE_NOT_OFFICIAL
        if not await replies.send(vk_id, notice.format(**values)):
            text += "\n" + texts.OFFICIAL_NOT_TOLD
    await replies.send(message.peer_id, text)


@labeler.private_message(Cmd("unbound"))
@labeler.private_message(Payload("adm", a="unbound"))
async def unbound(message: Message, app: AppContext, replies: Replies, args: str = "") -> None:
    try:
        report = await admin.unbound_report(db=app.db, district_text=args)
    except LookupError as exc:
        await replies.send(message.peer_id, texts.input_error(exc))
        return
    parts = [
        texts.UNBOUND.format(
            district=name, count=len(schools), schools=texts.listing([s.name for s in schools])
        )
        if schools
        else texts.ALL_BOUND.format(district=name)
        for name, schools in report
    ]
    await replies.send(message.peer_id, "\n\n".join(parts) or texts.NO_DISTRICTS)


@labeler.private_message(Cmd("reissue", "revoke"))
async def reissue(
    message: Message, app: AppContext, replies: Replies, actor: Actor, command: str, args: str
) -> None:
    part, role = admin.split_role(args)
    if not part:
        await replies.send(message.peer_id, texts.USAGE_REISSUE)
        return
    settings, now = app.settings, app.clock.now()
    try:
        if command == "revoke":
            school, count = await admin.revoke_invites(
                db=app.db, school_text=part, role=role, now=now, actor_id=actor.person_id
            )
            text = texts.REVOKED.format(school=school, role=texts.ROLE_NAMES[role], count=count)
        else:
            result = await admin.reissue_invite(
                db=app.db,
                school_text=part,
                role=role,
                now=now,
                ttl=timedelta(days=settings.invite_ttl_days),
                group_id=settings.vk_group_id,
                actor_id=actor.person_id,
            )
            text = texts.reissued(result, settings.invite_ttl_days)
    except LookupError as exc:
        text = texts.input_error(exc)
    await replies.send(message.peer_id, text)


@labeler.private_message(Cmd("archive", "архив", "restore"))
async def archive(
    message: Message, app: AppContext, replies: Replies, actor: Actor, command: str, args: str
) -> None:
    if not args:
        report = await admin.archived_report(db=app.db)
        await replies.send(message.peer_id, school_texts.archive_list(report))
        return
    try:
        change = await admin.change_archive(
            db=app.db,
            school_text=args,
            archive=command != "restore",
            now=app.clock.now(),
            actor_id=actor.person_id,
        )
        text = school_texts.archive_change(change, school_texts.VK_HINTS)
    except LookupError as exc:
        text = texts.input_error(exc)
    await replies.send(message.peer_id, text)
