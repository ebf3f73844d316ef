"""Putting a questionnaire version into service for a district's weekly rounds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.questionnaire import Questionnaire
from bot.services.admin.districts import require_district
from bot.services.rounds import weekly_campaign
from storage.repos import audit
from storage.repos import rounds as repo


class VersionConflict(ValueError):
    """The same id and version are stored with other content."""


@dataclass(frozen=True)
class Adopted:
    district: str
    questionnaire_id: int
    changed: bool  # False when the district already used exactly this version


async def adopt_weekly(
    *, session: AsyncSession, district_name: str, questionnaire: Questionnaire, now: datetime
) -> Adopted:
    """Make `questionnaire` the district's weekly one for rounds created from now on.

    Rounds that exist keep the version they started with (rounds.questionnaire_id).
    """
    district = await require_district(session, district_name)
    stored = await repo.questionnaire_version(
        session,
        slug=questionnaire.id,
        version=questionnaire.version,
        spec=questionnaire.to_dict(),
        now=now,
    )
    if stored.spec != questionnaire.to_dict():
        raise VersionConflict(
            f"анкета «{questionnaire.id}» версии {questionnaire.version} уже загружена с другим "
            "содержимым — увеличьте version в файле"
        )
    questionnaire_id = stored.id
    campaign = await weekly_campaign(session, district, now)
    changed = campaign.questionnaire_id != questionnaire_id
    if changed:
        audit.record(
            session,
            action="questionnaire_adopted",
            at=now,
            district_id=district.id,
            questionnaire=questionnaire.id,
            version=questionnaire.version,
            previous_id=campaign.questionnaire_id,
        )
        campaign.questionnaire_id = questionnaire_id
    return Adopted(district.name, questionnaire_id, changed)
