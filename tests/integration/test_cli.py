import argparse
import csv
import io
from pathlib import Path
from typing import Any

import pytest

from bot.cli import build_parser, main
from bot.commands import OWNER
from tests.utils import sergokala


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    monkeypatch.setenv("VK_GROUP_ID", "777")
    return tmp_path


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("migrate", "demo", "import", "invites", "official"):
        assert command in out


def _tree(parser: argparse.ArgumentParser) -> dict[str, Any]:
    """Every command and subcommand a parser knows, nested."""
    return {
        name: _tree(sub)
        for action in parser._actions
        if isinstance(action, argparse._SubParsersAction)
        for name, sub in action.choices.items()
    }


def test_a_command_line_knows_its_command_as_help_does() -> None:
    everything = _tree(build_parser([]))
    assert set(everything) == set(OWNER)
    for command, subcommands in everything.items():
        assert _tree(build_parser([command, "--help"]))[command] == subcommands, command


def test_import_twice_then_invites(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (database / "s.csv").write_bytes(sergokala.cp1251_semicolon_csv())
    (database / "s.xlsx").write_bytes(sergokala.xlsx())
    assert main(["import", "schools", "s.csv", "--district", sergokala.DISTRICT]) == 0
    assert main(["import", "schools", "s.xlsx", "--district", sergokala.DISTRICT]) == 0
    assert "добавлено 0, обновлено 12" in capsys.readouterr().out

    assert main(["invites", "--district", sergokala.DISTRICT]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["school", "code", "link"]
    assert len(rows) == 13
    assert len({r[1] for r in rows[1:]}) == 12
    assert all(r[2] == f"https://vk.me/club777?ref={r[1]}" for r in rows[1:])


def test_bad_file_reports_lines_and_imports_nothing(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (database / "bad.csv").write_text("school;inn\nШкола 1;1\nШкола 2;0527001634\n")
    assert main(["import", "schools", "bad.csv", "--district", "Д"]) == 1
    assert "Строка 2: ИНН" in capsys.readouterr().err
    assert main(["invites", "--district", "Д"]) == 1
    assert "Район «Д» не найден" in capsys.readouterr().err


def test_official_add_and_remove(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (database / "s.xlsx").write_bytes(sergokala.xlsx())
    main(["import", "schools", "s.xlsx", "--district", sergokala.DISTRICT])
    assert main(["official", "add", "555", "--district", sergokala.DISTRICT]) == 0
    assert main(["official", "add", "555", "--district", sergokala.DISTRICT]) == 0
    assert main(["official", "remove", "555", "--district", sergokala.DISTRICT]) == 0
    out = capsys.readouterr().out
    assert "назначен" in out and "уже был" in out and "снят" in out


def test_unreachable_database_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert main(["migrate"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("Ошибка: DATABASE_URL") and "\n" not in err
