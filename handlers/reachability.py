"""VK tells us when a person blocks the bot or allows it again."""

import logging

from vkbottle import GroupEventType, GroupTypes
from vkbottle.bot import BotLabeler

from bot.context import AppContext
from bot.services.onboarding.reachability import set_reachable

logger = logging.getLogger(__name__)
labeler = BotLabeler()


@labeler.raw_event(GroupEventType.MESSAGE_ALLOW, dataclass=GroupTypes.MessageAllow)
async def allowed(event: GroupTypes.MessageAllow, app: AppContext) -> None:
    await set_reachable(db=app.db, vk_id=event.object.user_id, reachable=True)


@labeler.raw_event(GroupEventType.MESSAGE_DENY, dataclass=GroupTypes.MessageDeny)
async def denied(event: GroupTypes.MessageDeny, app: AppContext) -> None:
    if await set_reachable(db=app.db, vk_id=event.object.user_id, reachable=False):
        logger.info("a person blocked the bot's messages")
