"""Libraries the bot process does not load until someone needs them: each one costs MiB of
its memory for as long as it runs (bench/README.md, "Memory")."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

# The bot as `svodka run` builds it, then the calendar question every check-in asks.
BUILD_AND_ASK = """
import json, sys
from datetime import date
from pathlib import Path

from bot.app import build_app
from bot.clock import RealClock
from bot.config import load_settings
from bot.domain.calendar_days import DayCalendar
from storage.db import open_database

state = Path(sys.argv[1])
settings = load_settings(
    _env_file=None, vk_token="t", vk_group_id=1, database_url=f"sqlite+aiosqlite:///{state}/db"
)
build_app(
    settings=settings, db=open_database(settings.database_url), clock=RealClock(), state_dir=state
)
DayCalendar("RU").is_school_day(date(2024, 10, 21))
json.dump(sorted(sys.modules), sys.stdout)
"""

# Loaded where a chart, a workbook, an e-mail or a year outside the packaged calendar needs them.
ON_USE = ["aiosmtplib", "holidays", "matplotlib", "numpy", "PIL", "openpyxl"]


def test_the_built_bot_has_not_imported_what_it_loads_on_use(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", BUILD_AND_ASK, str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[3],
    ).stdout
    loaded = {name.split(".")[0] for name in json.loads(out)}
    assert loaded.isdisjoint(ON_USE)
