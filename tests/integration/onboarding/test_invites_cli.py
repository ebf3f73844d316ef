"""`svodka invites`: how many codes were issued and the one rule for earlier codes (revoked),
a CSV for scripts, a CSV that Russian Excel opens, a workbook for people."""

from __future__ import annotations

import asyncio
import csv
import io
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from bot.clock import FakeClock
from bot.domain import invite_codes
from bot.texts import onboarding as texts
from storage.db import open_database
from tests.utils import sergokala
from tests.utils.harness import running_bot

DISTRICT = sergokala.DISTRICT


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("VK_GROUP_ID", "777")
    (tmp_path / "s.xlsx").write_bytes(sergokala.xlsx())
    assert main(["import", "schools", "s.xlsx", "--district", DISTRICT]) == 0
    return tmp_path


def invites(capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[str, str]:
    assert main(["invites", "--district", DISTRICT, *extra]) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_each_issue_says_what_it_did_and_only_the_latest_codes_work(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    first, said = invites(capsys)
    assert said.splitlines()[-1] == (
        f"Выдано кодов приглашения: 12 (район «{DISTRICT}»), каждый действует 30 дней. "
        "Новый код отменяет прежние неиспользованные коды своей школы: отменено 0 — действуют "
        "только коды из этого списка."
    )
    rows = list(csv.reader(io.StringIO(first)))
    assert rows[0] == ["school", "code", "link"] and len(rows) == 13  # stdout is the CSV only
    second, said = invites(capsys)
    assert "отменено 12" in said
    old = {row[0]: row[1] for row in rows[1:]}
    new = {row[0]: row[1] for row in list(csv.reader(io.StringIO(second)))[1:]}
    assert set(old) == set(new) and not set(old.values()) & set(new.values())
    _, said = invites(capsys, "--missing-only")
    assert "Выдано кодов приглашения: 12" in said and "отменено 12" in said


async def test_an_earlier_code_is_refused_after_a_new_list(
    workdir: Path, capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    capsys.readouterr()
    first, _ = await asyncio.to_thread(invites, capsys)
    second, _ = await asyncio.to_thread(invites, capsys)
    old_code = list(csv.reader(io.StringIO(first)))[1][1]
    new_code = list(csv.reader(io.StringIO(second)))[1][1]
    db = open_database(f"sqlite+aiosqlite:///{workdir}/cli.db")
    try:
        async with running_bot(db, clock) as bot:
            refused = await bot.say(501, old_code)
            assert [r["text"] for r in refused] == [texts.REVOKED_CODE]
            welcome = await bot.say(502, invite_codes.display(new_code))
            assert welcome[0]["text"].startswith("Здравствуйте")
    finally:
        await db.dispose()


def test_a_csv_russian_excel_opens_and_a_workbook(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    _, said = invites(capsys, "-o", "приглашения.csv")
    assert said.splitlines()[-1] == "Список записан в приглашения.csv."
    data = (workdir / "приглашения.csv").read_bytes()
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only after a BOM
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Школа", "Код", "Ссылка"] and len(rows) == 13
    school, code, link = rows[1]
    assert school in sergokala.school_names()
    assert code == invite_codes.display(link.split("ref=")[1])
    assert stat.S_IMODE((workdir / "приглашения.csv").stat().st_mode) == 0o600

    invites(capsys, "-o", "приглашения.xlsx")
    sheet = load_workbook(workdir / "приглашения.xlsx").active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Школа", "Код", "Ссылка"] and len(values) == 13
    assert main(["invites", "--district", DISTRICT, "--format", "xlsx"]) == 2
    assert "-o приглашения.xlsx" in capsys.readouterr().err

    text, _ = invites(capsys, "--format", "text")
    assert text.count("  код: ") == 12 and "  ссылка: https://vk.me/club777?ref=" in text
    excel_out, _ = invites(capsys, "--format", "csv-excel")
    assert excel_out.startswith("\ufeffШкола;Код;Ссылка")
