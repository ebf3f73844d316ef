"""Libraries the bot process does not load until someone needs them: each one costs MiB of
its memory for as long as it runs (bench/README.md, "Design decisions")."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[3]

# The bot as `svodka run` builds it, then the calendar question every check-in asks.
BUILD_AND_ASK = """
import json, sys
from datetime import date
from pathlib import Path

from bot.app import build_app
from bot.clock import RealClock
from bot.config import load_settings
from bot.domain.calendar_days import DayCalendar
from bot.resources import public_holidays
from storage.db import open_database

state = Path(sys.argv[1])
settings = load_settings(
    _env_file=None, vk_token="t", vk_group_id=1, database_url=f"sqlite+aiosqlite:///{state}/db"
)
build_app(settings=settings, db=open_database(settings.database_url), clock=RealClock())
DayCalendar(public_holidays()).is_school_day(date(2024, 10, 21))
json.dump(sorted(sys.modules), sys.stdout)
"""

# `svodka run` itself, from the command line to a started instance (Long Poll and scheduler;
# VK unreachable, which only delays the first poll), then stopped.
SERVE = """
import json, sys

from bot.runtime.instance import Instance

async def started(self):
    json.dump(sorted(sys.modules), sys.stdout)
    return True

Instance.wait = started
from bot.cli import main
sys.exit(main(["run"]))
"""

# Loaded where a chart, a workbook, an e-mail or a year outside the packaged calendar needs them.
ON_USE = ["aiosmtplib", "holidays", "matplotlib", "numpy", "PIL", "openpyxl"]
# Loaded by the commands that migrate a database or print to the terminal: `svodka run`
# migrates only a database behind the scripts' head, and prints nothing.
NOT_SERVING = ["alembic", "mako", "pygments", "rich"]


def _loaded(code: str, *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
        env=env,
    ).stdout
    return set(json.loads(out))


def test_the_built_bot_has_not_imported_what_it_loads_on_use(tmp_path: Path) -> None:
    loaded = {name.split(".")[0] for name in _loaded(BUILD_AND_ASK, str(tmp_path))}
    assert loaded.isdisjoint(ON_USE)


def test_svodka_run_imports_only_what_serving_needs(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/svodka.db",
        "VK_TOKEN": "t",
        "VK_GROUP_ID": "1",
        "VK_API_URL": "http://127.0.0.1:9/method/",
    }
    migrate = [sys.executable, "-m", "bot", "migrate"]
    subprocess.run(migrate, check=True, cwd=tmp_path, env=env, capture_output=True)
    loaded = _loaded(SERVE, cwd=tmp_path, env=env)
    assert {"bot.commands.run", "bot.scheduler", "bot.runtime.instance"} <= loaded
    assert {name.split(".")[0] for name in loaded}.isdisjoint(ON_USE + NOT_SERVING)
    others = {f"bot.commands.{name}" for name in ("setup", "reports", "demo", "backup")}
    assert loaded.isdisjoint(others)
