"""`svodka invites reissue` and `svodka district schedule|tz|holidays`."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from bot.cli import main
from tests.utils import sergokala


@pytest.fixture
def district(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("VK_GROUP_ID", "777")
    (tmp_path / "s.csv").write_bytes(sergokala.cp1251_semicolon_csv())
    assert main(["import", "schools", "s.csv", "--district", sergokala.DISTRICT]) == 0
    capsys.readouterr()
    return sergokala.DISTRICT


def test_reissue_prints_a_fresh_code_and_link(
    district: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invites", "--district", district]) == 0
    first = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert (
        main(["invites", "reissue", "--school", "дегвинская", "--district", "сергокалинский"]) == 0
    )
    out = capsys.readouterr().out
    assert "МКОУ «Дегвинская СОШ»" in out and "https://vk.me/club777?ref=" in out
    assert "Прежние неиспользованные коды отменены: 1" in out
    assert not any(row[1] in out for row in first[1:])
    assert (
        main(
            [
                "invites",
                "reissue",
                "--school",
                "Дегвинская",
                "--district",
                district,
                "--role",
                "deputy",
            ]
        )
        == 0
    )
    assert "заместитель руководителя" in capsys.readouterr().out


def test_reissue_of_an_unknown_school_fails_clearly(
    district: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["invites", "reissue", "--school", "Лицей", "--district", district]) == 1
    assert "Школа «Лицей» не найдена" in capsys.readouterr().err
    assert main(["invites"]) == 2
    assert "укажите район" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("schedule", "опрос пн 10:00", "опрос пн 10:00; напоминания чт 15:00, пт 10:00"),
        (
            "tz",
            "Asia/Yekaterinburg",
            "Часовой пояс района «Сергокалинский район»: Asia/Yekaterinburg.",
        ),
        ("holidays", "28.10.2024-04.11.2024", "28.10.2024-04.11.2024"),
        ("holidays", "календарь", "по календарю Минпросвещения"),
        ("holidays", "нет", "Каникулы района «Сергокалинский район»: нет."),
    ],
)
def test_district_settings(
    district: str, capsys: pytest.CaptureFixture[str], setting: str, value: str, expected: str
) -> None:
    assert main(["district", setting, "Сергокалинский", value]) == 0
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        ("schedule", "опрос сб 10:00", "По выходным бот не пишет"),
        ("tz", "Mars/Olympus", "не часовой пояс"),
        ("holidays", "когда-нибудь", "Не понимаю «когда-нибудь»"),
    ],
)
def test_bad_district_settings(
    district: str, capsys: pytest.CaptureFixture[str], setting: str, value: str, expected: str
) -> None:
    assert main(["district", setting, district, value]) == 1
    assert expected in capsys.readouterr().err
    assert main(["district", "tz", "Кизляр", "Europe/Moscow"]) == 1
    assert "«Кизляр» не найден" in capsys.readouterr().err
