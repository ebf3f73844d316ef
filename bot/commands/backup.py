"""`svodka backup FILE` and `svodka restore FILE [--force]`: a copy that moves between
SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from bot.config import Settings
from bot.services.admin import backup
from storage.db import open_database


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    save = sub.add_parser("backup", help="сохранить всю базу в файл (подходит для любой СУБД)")
    save.add_argument("file", type=Path)
    save.set_defaults(handler=lambda args, settings: run_backup(settings, path=args.file))

    load = sub.add_parser("restore", help="восстановить базу из файла `svodka backup`")
    load.add_argument("file", type=Path)
    load.add_argument("--force", action="store_true", help="заменить содержимое непустой базы")
    load.set_defaults(
        handler=lambda args, settings: run_restore(settings, path=args.file, force=args.force)
    )


async def run_backup(settings: Settings, *, path: Path) -> int:
    db = open_database(settings.database_url)
    try:
        summary = await backup.dump(db, path)
    except backup.BackupError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    console = Console()
    console.print(_rows_table(summary.counts))
    console.print(f"Копия сохранена в {path}: таблиц {len(summary.counts)}, строк {summary.rows}.")
    return 0


async def run_restore(settings: Settings, *, path: Path, force: bool) -> int:
    if not path.exists():
        raise FileNotFoundError(2, "no such file", str(path))
    db = open_database(settings.database_url)
    try:
        summary = await backup.restore(db, path, force=force)
    except backup.CountMismatch as exc:
        Console().print(_counts_table(exc.expected, exc.found))
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    except backup.BackupError as exc:
        print(f"Ошибка: {exc}", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    console = Console()
    console.print(_rows_table(summary.counts))
    console.print(
        f"База восстановлена из {path}: строк {summary.rows}; в каждой таблице столько же, "
        "сколько в копии."
    )
    return 0


def _rows_table(counts: dict[str, int]) -> Table:
    table = Table("таблица", "строк", box=None)
    for name, count in counts.items():
        table.add_row(name, str(count))
    return table


def _counts_table(expected: dict[str, int], found: dict[str, int]) -> Table:
    table = Table("таблица", "в копии", "в базе", "", box=None)
    for name, count in expected.items():
        table.add_row(name, str(count), str(found[name]), "" if found[name] == count else "≠")
    return table
