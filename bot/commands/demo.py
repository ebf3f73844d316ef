"""`svodka demo`: the Sergokala district on a throw-away database, no VK account needed."""

from __future__ import annotations

import argparse
import csv
import tempfile
from datetime import timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console
from rich.table import Table

from bot.clock import RealClock
from bot.commands.context import migrated_database
from bot.config import load_settings
from bot.domain import invite_codes
from bot.domain.school_table import parse_school_table
from bot.services import districts, invites

DEMO_DISTRICT = "Сергокалинский район"
DEMO_TZ = "Europe/Moscow"
DEMO_GROUP_ID = 1


def register(sub: argparse._SubParsersAction) -> None:
    demo = sub.add_parser("demo", help="показать неделю работы бота без аккаунта VK")
    demo.add_argument("--out", type=Path, default=Path("demo-out"))
    demo.set_defaults(handler=lambda args, settings: run_demo(out=args.out))


async def run_demo(*, out: Path) -> int:
    console = Console()
    clock = RealClock()
    seed = resources.files("bot.seeds").joinpath("sergokala_schools.csv")
    rows = parse_school_table(seed.read_bytes(), seed.name)
    with tempfile.TemporaryDirectory(prefix="svodka-demo-") as tmp:
        settings = load_settings(database_url=f"sqlite+aiosqlite:///{tmp}/demo.db")
        async with migrated_database(settings) as db, db.sessions.begin() as session:
            imported = await districts.import_schools(
                session=session,
                district_name=DEMO_DISTRICT,
                tz=DEMO_TZ,
                rows=rows,
                now=clock.now(),
            )
            issued = await invites.issue_for_district(
                session=session,
                district_name=DEMO_DISTRICT,
                now=clock.now(),
                ttl=timedelta(days=settings.invite_ttl_days),
                group_id=DEMO_GROUP_ID,
            )
    console.rule(f"[bold]{DEMO_DISTRICT}: школ {imported.total}")
    invite_table = Table(title="Приглашения для руководителей школ")
    invite_table.add_column("Школа")
    invite_table.add_column("Код")
    invite_table.add_column("Ссылка")
    for item in issued:
        invite_table.add_row(item.school, invite_codes.display(item.code), item.link)
    console.print(invite_table)
    week = clock.now().astimezone(ZoneInfo(DEMO_TZ)).isocalendar()
    status = Table(title=f"Неделя {week.year}-W{week.week:02d}: ответили 0 из {imported.total}")
    status.add_column("Школа")
    status.add_column("Руководитель")
    status.add_column("Ответ")
    for item in issued:
        status.add_row(item.school, "не подключён", "нет ответа")
    console.print(status)
    out.mkdir(parents=True, exist_ok=True)
    invites_file = out / "invites.csv"
    with invites_file.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(["school", "code", "link"])
        writer.writerows((i.school, i.code, i.link) for i in issued)
    console.print(f"Коды приглашений записаны в {invites_file}")
    return 0
