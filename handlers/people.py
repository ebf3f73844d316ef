"""Who a VK id is, as VK names them: for greetings, and for confirmations that name a
person beside their id («Зарема Магомедова (id500002)»)."""

from __future__ import annotations

import logging

from vkbottle_types.objects import UsersUserFull

from bot.context import AppContext
from bot.texts.people import person
from bot.vk.api import describe

logger = logging.getLogger(__name__)


async def vk_user(app: AppContext, vk_id: int) -> UsersUserFull | None:
    """The person's VK profile, or None when VK does not say (an error, a deleted page)."""
    try:
        users = await app.api.users.get(user_ids=[vk_id])
    except Exception as exc:  # a text without a name beats no text
        logger.warning("users.get failed: %s", describe(exc))
        return None
    if not users or getattr(users[0], "deactivated", None):
        return None
    return users[0]


async def named(app: AppContext, vk_id: int) -> str:
    """«Зарема Магомедова (id500002)», or «id500002» when VK gives no name."""
    user = await vk_user(app, vk_id)
    if user is None:
        return person(vk_id, None, None)
    return person(vk_id, user.first_name, user.last_name)
