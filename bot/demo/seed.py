"""The demo's world in a running sandbox (the playground's «Начать с демо-района»): the
Sergokala district's 12 schools, every head signed up through their invite, the official
appointed and the district chat bound — by the same scene `svodka demo` plays, so a visitor
is one click from a Monday prompt."""

from __future__ import annotations

import io
import random
from zoneinfo import ZoneInfo

from rich.console import Console

from bot.clock import FakeClock
from bot.context import App
from bot.demo import cast
from bot.demo.runner import CHAT_ID, Scene
from bot.demo.transcript import Transcript
from bot.demo.world import Stage
from bot.domain.lookups import UnknownDistrict
from bot.emulator import Emulator
from bot.services.admin.districts import require_district

CHAT_PEER = 2_000_000_000 + CHAT_ID


async def load_demo_district(*, app: App, emulator: Emulator, clock: FakeClock) -> bool:
    """True when the district was set up now; False when the database had it already (its
    people and chat are then only added to the emulator again)."""
    console = Console(file=io.StringIO())  # the sandbox shows the chat, not a transcript
    tz = ZoneInfo(cast.DISTRICT_TZ)
    stage = Stage.over(app=app, emulator=emulator, clock=clock, transcript=Transcript(console, tz))
    scene = Scene(stage, console, tz, random.Random(1))
    async with app.context.db.reads() as session:
        try:
            await require_district(session, cast.DISTRICT)
        except UnknownDistrict:
            pass
        else:
            scene.recall()
            return False
    await scene.onboard()
    return True
