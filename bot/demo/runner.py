"""`svodka demo`: a newcomer sees whole reporting weeks of the real product in one command."""

from __future__ import annotations

import logging
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TaskID, TextColumn
from rich.text import Text

from bot.clock import FakeClock
from bot.commands.context import migrated_database
from bot.config import load_settings
from bot.demo import cast
from bot.demo.script import answer_by_form, answer_step_by_step, plan_week
from bot.demo.transcript import Transcript, stamp
from bot.demo.world import TOKEN, Person, Stage
from bot.domain import invite_codes
from bot.domain.school_table import SchoolRow
from bot.services.admin import districts
from bot.services.onboarding import invites

# Monday of an ordinary school week after the autumn break (2024-W46), 08:00 in Moscow.
START = datetime(2024, 11, 11, 5, 0, tzinfo=UTC)
CHAT_ID = 1
PNG_MAGIC = b"\x89PNG"
DEMO_RPS = 200.0  # the emulator's limit too: a real community gets 20, which only slows the show


@dataclass
class DemoResult:
    summary: str = ""
    files: dict[str, Path] = field(default_factory=dict)
    api_calls: int = 0


async def run_demo(
    *, out: Path, weeks: int = 2, seed: int = 1, full: bool = False, console: Console | None = None
) -> DemoResult:
    console = console or Console()
    # The transcript is the demo's output; the bot's own log lines would only interleave.
    if logging.getLogger().level < logging.WARNING:
        logging.getLogger().setLevel(logging.WARNING)
    tz = ZoneInfo(cast.DISTRICT_TZ)
    rng = random.Random(seed)
    clock = FakeClock(START)
    result = DemoResult()
    with tempfile.TemporaryDirectory(prefix="svodka-demo-") as tmp:
        settings = load_settings(
            database_url=f"sqlite+aiosqlite:///{tmp}/demo.db",
            vk_token=TOKEN,
            admin_ids=[cast.ADMIN[0]],
            send_rps=DEMO_RPS,
            default_tz=cast.DISTRICT_TZ,
        )
        async with migrated_database(settings) as db:
            transcript = Transcript(console, tz, full=full)
            async with Stage(settings=settings, db=db, clock=clock, transcript=transcript) as stage:
                scene = Scene(stage, console, tz, rng)
                await scene.onboard()
                for week_index in range(weeks):
                    await scene.play_week(week_index, last=week_index == weeks - 1)
                await scene.escalation(weeks)
                result.summary = scene.last_summary
                result.files = scene.save_files(out)
                result.api_calls = stage.api_calls
    _print_end(console, result)
    return result


class Scene:
    def __init__(self, stage: Stage, console: Console, tz: ZoneInfo, rng: random.Random) -> None:
        self.stage = stage
        self.console = console
        self.tz = tz
        self.rng = rng
        self.heads = cast.heads()
        self.people: dict[int, Person] = {}
        self.admin = stage.person(*cast.ADMIN)
        self.official = stage.person(*cast.OFFICIAL)
        self.chat = 0
        self.previous: dict[int, dict[str, Any]] = {}
        self.last_summary = ""
        self.attachments: list[str] = []

    async def onboard(self) -> None:
        stage = self.stage
        stage.transcript.note(
            stage.clock.now(), "Администратор загрузил 12 школ и разослал приглашения"
        )
        rows = [SchoolRow(i + 2, h.school.name, h.short_school) for i, h in enumerate(self.heads)]
        async with stage.db.sessions.begin() as session:
            now = stage.clock.now()
            await districts.import_schools(
                session=session,
                district_name=cast.DISTRICT,
                tz=cast.DISTRICT_TZ,
                rows=rows,
                now=now,
            )
            issued = await invites.issue_for_district(
                session=session,
                district_name=cast.DISTRICT,
                now=now,
                ttl=timedelta(days=30),
                group_id=1,
            )
        codes = {item.school: item.code for item in issued}
        for index, head in enumerate(self.heads):
            person = stage.person(head.vk_id, head.first_name, head.last_name)
            self.people[head.vk_id] = person
            code = codes[head.school.name]
            if index % 3 == 2:  # some type the code from the letter instead of the link
                await stage.say(person, invite_codes.display(code).lower())
            else:
                await stage.say(person, "Здравствуйте!", ref=code)
            await stage.tap(person, "Да, это я")
        await stage.say(self.admin, f"/official add {self.official.vk_id} {cast.DISTRICT}")
        members = [self.official.vk_id, *self.people]
        self.chat = stage.chat(CHAT_ID, cast.CHAT_TITLE, members)
        await stage.say(self.official, "/bind статус", peer_id=self.chat)

    def recall(self) -> None:
        """The cast and the district chat again, in an emulator that forgot them (a restarted
        sandbox keeps its database, not its emulator)."""
        for head in self.heads:
            self.people[head.vk_id] = self.stage.person(head.vk_id, head.first_name, head.last_name)
        members = [self.official.vk_id, *self.people]
        self.chat = self.stage.chat(CHAT_ID, cast.CHAT_TITLE, members)

    async def play_week(self, week_index: int, *, last: bool) -> None:
        stage = self.stage
        monday = datetime.combine(
            (START + timedelta(weeks=week_index)).astimezone(self.tz).date(), time(0), self.tz
        )
        plan = plan_week(self.heads, monday, week_index, self.rng)
        answers = {h.vk_id: cast.weekly_answers(h.school, week_index, self.rng) for h in self.heads}
        with self._progress(monday) as (progress, task):
            await self._advance(monday.replace(hour=9), progress, task, monday)
            for vk_id, moment in sorted(plan.answer_at.items(), key=lambda item: item[1]):
                await self._advance(moment, progress, task, monday)
                person = self.people[vk_id]
                style = plan.style[vk_id]
                if style == "form":
                    await answer_by_form(stage, person, answers[vk_id], plan.mistake == vk_id)
                else:
                    previous = self.previous.get(vk_id) if style == "prefill" else None
                    await answer_step_by_step(stage, person, answers[vk_id], previous)
            friday = monday + timedelta(days=4)
            sent = await self._advance(friday.replace(hour=17, minute=5), progress, task, monday)
            self.last_summary = next(
                (m["text"] for m in reversed(sent) if m["peer_id"] == self.chat), self.last_summary
            )
            await self._advance(friday.replace(hour=17, minute=20), progress, task, monday)
            await stage.say(self.official, "/status", peer_id=self.chat)
            if last:
                for command in ("/export", "/export csv", "/chart"):
                    replies = await stage.say(self.official, command, peer_id=self.chat)
                    for item in replies:
                        self.attachments.extend(item.get("attachments") or [])
            await self._advance(monday + timedelta(days=7), progress, task, monday)
        # Last week's figures exist only for the schools that answered.
        self.previous = {vk_id: answers[vk_id] for vk_id in plan.answer_at}

    async def escalation(self, weeks: int) -> None:
        monday = datetime.combine(
            (START + timedelta(weeks=weeks)).astimezone(self.tz).date(), time(9, 5), self.tz
        )
        self.stage.transcript.note(self.stage.clock.now(), "Понедельник: сводка для ответственного")
        await self.stage.advance(monday)

    async def _advance(
        self, until: datetime, progress: Progress, task: TaskID, monday: datetime
    ) -> list[dict[str, Any]]:
        if until <= self.stage.clock.now():
            return []
        sent = await self.stage.advance(until)
        day = stamp(until, self.tz)
        progress.update(task, completed=(until - monday).total_seconds(), day=day)
        return sent

    @contextmanager
    def _progress(self, monday: datetime) -> Iterator[tuple[Progress, TaskID]]:
        week = monday.isocalendar()
        with Progress(
            TextColumn(f"[bold]Неделя {week.year}-W{week.week:02d}"),
            BarColumn(),
            TextColumn("{task.fields[day]}"),
            console=self.console,
            transient=True,
        ) as progress:
            yield progress, progress.add_task("week", total=7 * 24 * 3600, day="")

    def save_files(self, out: Path) -> dict[str, Path]:
        """Write what the bot uploaded to the chat: the exports and the charts."""
        out.mkdir(parents=True, exist_ok=True)
        saved: dict[str, Path] = {}
        charts = 0
        for attachment in self.attachments:
            stored = self.stage.emulator.state.file(attachment)
            if stored is None:
                continue
            if stored.data.startswith(PNG_MAGIC):
                charts += 1
                name, kind = f"svodka-chart-{charts}.png", "png" if charts == 1 else f"png{charts}"
            else:
                name, kind = stored.title, Path(stored.title).suffix.lstrip(".")
            path = out / name
            path.write_bytes(stored.data)
            saved[kind] = path
        return saved


def _print_end(console: Console, result: DemoResult) -> None:
    # Text, not markup: mentions like [id1|Имя] must be shown as they are.
    console.print(Panel(Text(result.summary or "(сводка не отправлена)"), title="Пятничная сводка"))
    for kind, path in sorted(result.files.items()):
        console.print(f"{kind.upper():5} {path}")
    console.print(f"Запросов к API VK: {result.api_calls}")
