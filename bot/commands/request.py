"""One-off requests and district e-mail from the terminal:
`svodka request create …` and `svodka district emails NAME a@b.ru,…` (added to the
`district` command of bot/commands/district.py, which registers first)."""

from __future__ import annotations

import argparse
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.console import Console

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.domain.lookups import UnknownDistrict
from bot.domain.questionnaire import QuestionnaireError
from bot.domain.request_rounds import DeadlineError, parse_deadline
from bot.resources import load_questionnaire
from bot.services.admin.districts import require_district
from bot.services.outbox.mail import parse_addresses, set_district_emails
from bot.services.requests.create import RequestError, create_request, resolve_schools
from bot.texts import requests as texts


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    req = sub.add_parser("request", help="разовые запросы в школы")
    req_sub = req.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = req_sub.add_parser("create", help="создать запрос с анкетой и сроком")
    create.add_argument("--district", required=True)
    create.add_argument("--questionnaire", required=True, type=Path, help="анкета (TOML)")
    create.add_argument("--deadline", required=True, help="срок: 2024-11-02T18:00 (время района)")
    create.add_argument("--title", required=True)
    create.add_argument("--schools", help="только эти школы: части названий через «;»")
    create.set_defaults(handler=lambda args, settings: create_cmd(settings, RealClock(), args))

    emails = _subcommands(sub.choices["district"]).add_parser(
        "emails", help="адреса для сводок и итогов запросов"
    )
    emails.add_argument("name", help="район")
    emails.add_argument("addresses", help="адреса через запятую; «-» — не отправлять")
    emails.add_argument("--subject", help="тема письма (по умолчанию «Сферум»)")
    emails.set_defaults(handler=lambda args, settings: emails_cmd(settings, RealClock(), args))


def _subcommands(
    parser: argparse.ArgumentParser,
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    # argparse keeps a parser's subcommands only in its private action list.
    found = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return found[0]


async def create_cmd(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        questionnaire = load_questionnaire(args.questionnaire)
    except (OSError, QuestionnaireError) as exc:
        console.print(f"Анкета не загружена: {exc}")
        return 2
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        try:
            district = await require_district(session, args.district)
            deadline = parse_deadline(args.deadline, ZoneInfo(district.tz))
            schools = None
            if args.schools:
                chosen = await resolve_schools(
                    session=session, district_id=district.id, parts=args.schools.split(";")
                )
                schools = [school.id for school in chosen]
            created = await create_request(
                session=session,
                district=district,
                questionnaire=questionnaire,
                title=args.title,
                deadline_at=deadline,
                school_ids=schools,
                created_by=None,
                now=clock.now(),
            )
        except UnknownDistrict:
            console.print(texts.UNKNOWN_DISTRICT.format(name=args.district))
            return 2
        except (DeadlineError, RequestError) as exc:
            console.print(str(exc))
            return 2
    Console().print(
        f"Запрос «{created.title}» создан (№ {created.campaign_id}): школ — {created.schools}, "
        f"срок — {texts.deadline_label(deadline, ZoneInfo(district.tz))}. "
        "Бот разошлёт его при ближайшем запуске планировщика."
    )
    return 0


async def emails_cmd(settings: Settings, clock: Clock, args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    try:
        addresses = parse_addresses(args.addresses)
    except ValueError as exc:
        console.print(str(exc))
        return 2
    async with migrated_database(settings) as db, db.sessions.begin() as session:
        try:
            district = await set_district_emails(
                session=session,
                district_name=args.name,
                addresses=addresses,
                subject=args.subject,
                actor_id=None,
                now=clock.now(),
            )
        except UnknownDistrict:
            console.print(texts.UNKNOWN_DISTRICT.format(name=args.name))
            return 2
    report = texts.emails_report(
        district.name, addresses, district.email_subject, can_mail=bool(settings.smtp_host)
    )
    Console().print(report)
    return 0
