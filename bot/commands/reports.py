"""`svodka status` and `svodka export`: the reports from the terminal."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.clock import RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.domain.formatting import format_percent, plural
from bot.domain.report_data import DistrictWeek, RegionRow
from bot.domain.report_render import (
    DISTRICT_FORMS,
    change_label,
    change_note,
    foreign_block,
    undelivered_line,
    week_label,
)
from bot.domain.week_query import WeekError, WeekRange, parse_day
from bot.domain.weeks import IsoWeek
from bot.services.admin.districts import require_district
from bot.services.reports import data as reports
from bot.services.reports import export
from bot.services.reports.access import week_problem
from bot.services.rounds import calendar_of
from bot.texts import reports as t


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    status = sub.add_parser("status", help="кто ответил и показатели района за неделю")
    status.add_argument("--district", help="район; без него — все районы рядом")
    status.add_argument("--week", type=_week, help="неделя, например 2024-W43")
    status.set_defaults(handler=lambda args, settings: print_status(settings, args))

    exp = sub.add_parser("export", help="выгрузка района в XLSX или CSV")
    exp.add_argument("--district", required=True)
    exp.add_argument("--weeks", type=int, default=12, help="сколько последних недель (12)")
    exp.add_argument("--week", type=_week, help="одна неделя, например 2024-W47")
    exp.add_argument(
        "--from", dest="start", type=_day, help="с недели этой даты: 2024-11-11 или 11.11.2024"
    )
    exp.add_argument(
        "--to", dest="end", type=_day, help="по неделю этой даты включительно (без неё — сегодня)"
    )
    exp.add_argument("--format", choices=["xlsx", "csv"], required=True)
    exp.add_argument("-o", "--output", type=Path, required=True)
    exp.set_defaults(handler=lambda args, settings: write_export(settings, args))


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t.BAD_WEEK) from None


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except WeekError:
        raise argparse.ArgumentTypeError(t.CLI_BAD_DAY.format(text=text[:40])) from None


async def print_status(settings: Settings, args: argparse.Namespace) -> int:
    now = RealClock().now()
    console = Console()
    async with migrated_database(settings) as db, db.reads() as session:
        if args.district is None:
            rows = await reports.region_rows(session=session, now=now, week=args.week)
            console.print(_region_table(rows))
            return 0
        district = await require_district(session, args.district)
        week = await reports.district_week(
            session=session, district=district, now=now, week=args.week
        )
    console.print(_district_table(week))
    return 0


def _district_table(week: DistrictWeek) -> Table:
    title = t.STATUS_TITLE.format(district=week.district, week=week_label(week.period))
    answered = t.ANSWERED.format(
        answered=len(week.answered),
        total=len(week.schools),
        schools=plural(len(week.schools), t.SCHOOLS_GEN),
    )
    # What /status says below its figures: who was not reached, whom the change is over,
    # who still uses foreign messengers.
    notes = [undelivered_line(week), change_note(week.change), *foreign_block(week)]
    caption = "\n".join([answered, *(note for note in notes if note)])
    table = Table(title=title, caption=caption)
    table.add_column(t.COL_SCHOOL)
    table.add_column("Ответ")
    for value in week.indicators:
        table.add_column(value.label, justify="right")
    for school in week.schools:
        state = ("с опозданием" if school.late else "да") if school.answered else "нет"
        cells = [format_percent(v.ratio) for v in school.values] or [""] * len(week.indicators)
        table.add_row(school.name, state, *cells, style=None if school.answered else "red")
    table.add_row(
        t.INDICATORS_TITLE.rstrip(":"),
        "",
        *(format_percent(v.ratio) for v in week.indicators),
        style="bold",
    )
    if week.change is not None:
        changes = (change_label(week, v) or "" for v in week.indicators)
        table.add_row(t.CLI_CHANGE_ROW, "", *changes)
    return table


def _region_table(rows: list[RegionRow]) -> Table:
    districts = plural(len(rows), DISTRICT_FORMS)
    table = Table(title=t.REGION_TITLE.format(count=len(rows), districts=districts))
    table.add_column(t.COL_DISTRICT)
    table.add_column(t.COL_WEEK)
    table.add_column(t.COL_ANSWERED, justify="right")
    labels = [v.label for v in rows[0].indicators] if rows else []
    for label in labels:
        table.add_column(label, justify="right")
    for row in rows:
        table.add_row(
            row.district,
            row.period or "—",
            f"{row.answered} / {row.schools}",
            *(format_percent(v.ratio) for v in row.indicators),
        )
    return table


async def write_export(settings: Settings, args: argparse.Namespace) -> int:
    now = RealClock().now()
    console = Console(stderr=True)
    if args.week is not None and (args.start or args.end):
        console.print(t.CLI_WEEK_OR_DATES)
        return 2
    weeks = max(1, min(args.weeks, 520))
    async with migrated_database(settings) as db:
        async with db.reads() as session:
            district = await require_district(session, args.district)
        try:
            span = _span(args, weeks, calendar_of(district).week_of(now))
        except WeekError as error:
            console.print(week_problem(error))
            return 2
        exported = await export.export_district(
            db=db,
            district_id=district.id,
            now=now,
            weeks=weeks,
            fmt=args.format,
            actor_id=None,
            span=span,
        )
    args.output.write_bytes(exported.data)
    if exported.span is None:
        console.print(t.CLI_EXPORT_EMPTY.format(district=district.name, path=args.output))
        return 0
    console.print(
        t.CLI_EXPORT_WRITTEN.format(
            district=district.name,
            count=exported.weeks,
            weeks=plural(exported.weeks, t.WEEKS_ACC),
            span=exported.span.label(),
            path=args.output,
        )
    )
    return 0


def _span(args: argparse.Namespace, weeks: int, current: IsoWeek) -> WeekRange | None:
    """The weeks asked for: one (--week), from a date to a date or today (--from, --to),
    or the last `weeks` up to --to; None for the last `weeks` rounds (the default)."""
    if args.week is not None:
        return WeekRange(args.week, args.week)
    last = current if args.end is None else IsoWeek.containing(args.end)
    if args.start is not None:
        return WeekRange(IsoWeek.containing(args.start), last)
    if args.end is not None:
        first = IsoWeek.containing(last.monday() - timedelta(weeks=weeks - 1))
        return WeekRange(first, last)
    return None
