"""Admin commands for a district's settings: /districts, /schedule, /tz, /holidays."""

from __future__ import annotations

import re

from vkbottle.bot import BotLabeler, Message

from bot.context import AppContext
from bot.domain.permissions import Action, Actor
from bot.runtime.replies import Replies
from bot.services.admin import district_settings as settings
from bot.texts import admin as texts
from handlers.rules import Can, Cmd, Payload

# Admins only, on every handler here (see handlers/admin.py).
labeler = BotLabeler(auto_rules=[Can(Action.SETTINGS)])

# "<district>: <value>", or the value starts at the first word that belongs to it.
ARGS = {
    "schedule": re.compile(
        r"(.+?)\s+((?:опрос|анкет|напомин|срок|крайн|дедлайн|сводк|итог|эскалац).*)", re.I | re.S
    ),
    "tz": re.compile(r"(.+)\s+(\S+)", re.S),
    "holidays": re.compile(r"(.+?)\s+(нет|календарь|по стране|(?:с\s+)?\d.*)", re.I | re.S),
}
USAGE = {
    "schedule": texts.USAGE_SCHEDULE,
    "tz": texts.USAGE_TZ,
    "holidays": texts.USAGE_HOLIDAYS,
}


def split_args(args: str, pattern: re.Pattern[str]) -> tuple[str, str] | None:
    match = pattern.fullmatch(args.strip())
    if match:
        return match[1].strip().rstrip(":").strip(), match[2].strip()
    name, colon, value = args.partition(":")
    return (name.strip(), value.strip()) if colon and name.strip() and value.strip() else None


@labeler.private_message(Cmd("schedule", "tz", "holidays"))
async def change(
    message: Message, app: AppContext, replies: Replies, actor: Actor, command: str, args: str
) -> None:
    parts = split_args(args, ARGS[command])
    if parts is None:
        await replies.send(message.peer_id, USAGE[command])
        return
    try:
        district, result = await settings.change_named(
            db=app.db,
            district_text=parts[0],
            setting=command,
            value=parts[1],
            now=app.clock.now(),
            actor_id=actor.person_id,
        )
        text = texts.setting_changed(command, district, result)
    except settings.INPUT_ERRORS as exc:
        text = texts.input_error(exc)
    await replies.send(message.peer_id, text)


@labeler.private_message(Cmd("districts"))
@labeler.private_message(Payload("adm", a="districts"))
async def overview(message: Message, app: AppContext, replies: Replies) -> None:
    lines = [texts.district_line(item) for item in await settings.overview(db=app.db)]
    await replies.send(message.peer_id, "\n\n".join(lines) or texts.NO_DISTRICTS)
