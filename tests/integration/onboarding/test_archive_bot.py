"""Through VK: the admin archives a school and restores it, officials see the counts change."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import FakeClock
from bot.domain.school_table import read_school_table
from bot.services.admin import officials as roles
from bot.services.admin import school_import
from bot.services.onboarding import invites
from bot.texts import onboarding as onboarding_texts
from bot.texts import schools as texts
from storage.db import Database
from tests.fixtures.office_files import schools_xlsx, sergokala
from tests.integration.onboarding.conftest import ADMIN
from tests.utils.harness import running_bot
from tests.utils.sergokala import DISTRICT

OFFICIAL, HEAD = 700, 501
DEGVA, BURDEKI = sergokala()[0], sergokala()[10]


async def seed(db: Database, clock: FakeClock) -> str:
    """The sample list imported, invites issued, an official appointed; Degva's code."""
    await school_import.import_table(
        db=db,
        table=read_school_table(schools_xlsx(), "schools.xlsx"),
        district=DISTRICT,
        tz="Europe/Moscow",
        now=clock.now(),
    )
    async with db.sessions.begin() as session:
        issued = await invites.issue_for_district(
            session=session,
            district_name=DISTRICT,
            now=clock.now(),
            ttl=timedelta(days=30),
            group_id=1,
        )
        await roles.add_official(
            session=session, vk_id=OFFICIAL, district_name=DISTRICT, now=clock.now()
        )
    return next(item.code for item in issued if item.school == DEGVA.name)


async def test_archive_and_restore_through_vk(db: Database, clock: FakeClock) -> None:
    await seed(db, clock)
    async with running_bot(db, clock, admin_ids=[ADMIN]) as bot:
        listing = await bot.say(ADMIN, "/archive")
        assert listing[0]["text"].endswith(texts.ARCHIVE_EMPTY)
        before = (await bot.say(OFFICIAL, "/status"))[0]["text"]
        assert "Ответили 0 из 12 школ." in before

        done = (await bot.say(ADMIN, "/archive Бурдекинская"))[0]["text"]
        assert done.startswith(f"Школа {BURDEKI.name} ({DISTRICT}) перенесена в архив")
        assert "Неиспользованные коды приглашения школы отменены: 1." in done
        assert done.endswith("Вернуть: /restore МКОУ «Бурдекинская СОШ»")
        again = (await bot.say(ADMIN, "/archive бурдекинская"))[0]["text"]
        assert again == f"Школа {BURDEKI.name} ({DISTRICT}) уже в архиве."
        assert (
            f"В архиве ({DISTRICT}): {BURDEKI.name}."
            in (await bot.say(ADMIN, "/archive"))[0]["text"]
        )

        status = (await bot.say(OFFICIAL, "/status"))[0]["text"]
        assert "Ответили 0 из 11 школ." in status and BURDEKI.name not in status
        refused = await bot.say(OFFICIAL, "/restore Бурдекинская")
        assert [r["text"] for r in refused] == [onboarding_texts.REFUSED_ADMIN]

        restored = (await bot.say(ADMIN, "/restore Бурдекинская"))[0]["text"]
        assert restored.startswith(f"Школа {BURDEKI.name} ({DISTRICT}) снова в списке района")
        assert "/reissue МКОУ «Бурдекинская СОШ»" in restored  # its codes were cancelled
        assert "Ответили 0 из 12 школ." in (await bot.say(OFFICIAL, "/status"))[0]["text"]
