"""The README is what an admin follows word for word: its commands must run, its columns be
accepted, its links lead somewhere."""

from __future__ import annotations

import re
import shlex

import pytest

from bot.cli import build_parser
from bot.domain.school_table import parse_school_table
from tests.deploy.compose import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def test_the_newcomer_has_exactly_make_demo_and_make_test() -> None:
    quick_start = _section("Быстрый старт")
    block = re.search(r"```sh\n(.*?)```", quick_start, re.DOTALL)
    assert block is not None
    commands = [line.split("#")[0].strip() for line in block[1].splitlines()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("demo", "test", "shell"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target


def _ten_steps() -> str:
    return _section("От нуля до первого понедельника")


def test_the_path_to_the_first_monday_has_ten_numbered_steps() -> None:
    steps = re.findall(r"^(\d+)\. \*\*", _ten_steps(), re.MULTILINE)
    assert steps == [str(n) for n in range(1, 11)]


def _svodka_commands() -> list[list[str]]:
    text = " ".join(_ten_steps().split())  # a command may wrap onto the next line
    commands = []
    for span in re.findall(r"`(svodka [^`]+)`", text):
        args = shlex.split(span)[1:]
        commands.append(args[: args.index(">")] if ">" in args else args)
    return commands


def test_every_svodka_command_of_the_ten_steps_is_one_svodka_accepts() -> None:
    commands = _svodka_commands()
    assert {args[0] for args in commands} >= {"migrate", "import", "invites", "official", "run"}
    for args in commands:
        if any("…" in arg for arg in args):
            continue  # an elided value, shown again in full elsewhere
        build_parser(args).parse_args(args)  # SystemExit on anything it does not know


def test_the_column_table_starts_with_the_required_column() -> None:
    assert [column for column, _ in _column_table()][:1] == ["school"]


def _column_table() -> list[tuple[str, list[str]]]:
    """(column, its other names) from the README's table of import columns."""
    table = _section("Список школ: что принимает импорт")
    rows = re.findall(r"^\| `(\w+)` \| [^|]+ \| ([^|]+) \|", table, re.MULTILINE)
    return [(column, re.findall(r"«([^»]+)»", aliases)) for column, aliases in rows]


@pytest.mark.parametrize(("column", "aliases"), _column_table())
def test_every_column_name_in_the_readme_is_accepted(column: str, aliases: list[str]) -> None:
    values = {
        "school": "МКОУ «Аялизимахинская СОШ»",
        "short_name": "Аялизимахи",
        "inn": "0527001234",
        "head_vk_id": "123456789",
    }
    for header in [column, *aliases]:
        if column == "school":
            data, expected = f"{header}\n{values['school']}\n", values["school"]
        else:
            data, expected = f"school;{header}\nСОШ;{values[column]}\n", values[column]
        [row] = parse_school_table(data.encode("cp1251"), "schools.csv")
        got = row.name if column == "school" else getattr(row, column)
        assert str(got) == expected, header


# The import's guide and sample files, linked by these names; they come with the import's
# own change and may not be in this checkout yet.
IMPORT_GUIDE = {"docs/import.md", "examples/schools.xlsx", "examples/schools.csv"}


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def test_links_to_files_of_the_repository_lead_somewhere() -> None:
    links = re.findall(r"\]\(([^)#]+)(?:#([^)]+))?\)", README)
    assert ("bot/emulator/README.md", "control-api") in links
    assert {path for path, _ in links} >= IMPORT_GUIDE
    for path, anchor in links:
        target = ROOT / path
        if "://" in path or (path in IMPORT_GUIDE and not target.exists()):
            continue
        assert target.exists(), path
        if anchor:
            headings = re.findall(r"^#+ (.+)$", target.read_text(encoding="utf-8"), re.MULTILINE)
            assert anchor in {_slug(heading) for heading in headings}, (path, anchor)
