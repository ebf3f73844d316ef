"""`svodka questionnaire load FILE --district NAME`: a new weekly questionnaire version."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.clock import Clock, RealClock
from bot.commands.context import migrated_database
from bot.config import Settings
from bot.domain.questionnaire import QuestionnaireError
from bot.resources import load_questionnaire
from bot.services.admin.questionnaires import VersionConflict, adopt_weekly


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    cmd = sub.add_parser("questionnaire", help="анкета еженедельного отчёта")
    cmd_sub = cmd.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = cmd_sub.add_parser("load", help="загрузить анкету из TOML для района")
    load.add_argument("file", type=Path)
    load.add_argument("--district", required=True)
    load.set_defaults(
        handler=lambda args, settings: load_for_district(
            settings, RealClock(), path=args.file, district=args.district
        )
    )


async def load_for_district(settings: Settings, clock: Clock, *, path: Path, district: str) -> int:
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireError as exc:
        _fail(str(exc))
        return 1
    except UnicodeDecodeError:
        _fail(f"{path.name}: файл не в кодировке UTF-8")
        return 1
    async with migrated_database(settings) as db:
        try:
            async with db.sessions.begin() as session:
                adopted = await adopt_weekly(
                    session=session,
                    district_name=district,
                    questionnaire=questionnaire,
                    now=clock.now(),
                )
        except VersionConflict as exc:
            _fail(f"{path.name}: {exc}")
            return 1
    name = f"«{questionnaire.title}» версии {questionnaire.version}"
    if not adopted.changed:
        print(f"Район «{adopted.district}» уже использует анкету {name}.")
        return 0
    count = len(questionnaire.questions)
    print(
        f"Анкета {name} ({count} вопр.) загружена для района «{adopted.district}». "
        "Она действует с ближайшего нового отчёта; уже начатые недели заполняются "
        "по прежней версии."
    )
    return 0


def _fail(message: str) -> None:
    # One line, never wrapped: scripts and people grep for the file and the question.
    print(f"Ошибка: {message}", file=sys.stderr)
