"""`svodka demo` end to end: the real bot, scheduler and storage against the emulator."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.console import Console

from bot.cli import main
from bot.demo.runner import run_demo


async def test_one_week_of_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    result = await run_demo(
        out=tmp_path / "out", weeks=1, seed=3, console=Console(file=out, width=120)
    )
    transcript = out.getvalue()

    # Two heads never answer: the summary in the district chat says so and names them.
    assert "Ответили 10 из 12 школ" in result.summary
    assert result.summary.count("[id") == 2
    assert "Пятничная сводка" in transcript
    # The head who typed an impossible number was told why, then corrected it.
    assert "не может быть больше" in transcript
    assert result.api_calls > 100

    xlsx = load_workbook(result.files["xlsx"], read_only=True)
    assert xlsx.sheetnames
    rows = list(
        csv.reader(result.files["csv"].read_text(encoding="utf-8-sig").splitlines(), delimiter=";")
    )
    assert len(rows) > 12
    assert result.files["png"].read_bytes().startswith(b"\x89PNG")
    assert not list(tmp_path.glob("**/*.db")), "the demo database must be temporary"


def test_cli_runs_the_demo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--weeks", "1", "--out", str(tmp_path / "o")]) == 0
    assert "Запросов к API VK" in capsys.readouterr().out
