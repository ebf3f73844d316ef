"""What importing a school list would do, decided before anything is written.

Each row of the file is matched to a school the bot has: by ИНН when the row has one, else by
the name's identity key (`school_names`). A row that matches nothing but looks like a school
the bot has («Дегвинская СОШ» beside «МКОУ «Дегвинская СОШ»») is a question for the admin,
answered by `--unsure same|new`, never by a guess. So are conflicts: a different ИНН under
the same name, two schools in the bot with one name, two rows landing on one school.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.formatting import quoted
from bot.domain.school_names import district_key, identity_key, looks_alike
from bot.domain.school_table import SchoolRow, SchoolTable
from bot.domain.sheet_rows import SchoolTableError

# The fields a row can change; an empty cell never clears what the bot has.
FIELDS = ("name", "short_name", "inn", "head_name", "phone", "email")


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    UNSURE = "unsure"


class Doubt(StrEnum):
    """Why a row was not applied."""

    ALIKE = "alike"  # looks like a school the bot has
    INN_DIFFERS = "inn_differs"  # the name matches a school with another ИНН
    TWINS_IN_BOT = "twins_in_bot"  # the bot has several schools of that name
    SAME_SCHOOL = "same_school"  # an earlier row already matched this school
    NAME_TAKEN = "name_taken"  # renaming by ИНН would take another school's name


class Unsure(StrEnum):
    """What to do with a row that only looks like a school the bot has."""

    ASK = "ask"  # leave it, list it as a question
    SAME = "same"  # it is that school: update it (the name too)
    NEW = "new"  # it is another school: create it


@dataclass(frozen=True)
class KnownSchool:
    id: int
    name: str
    short_name: str | None = None
    inn: str | None = None
    head_name: str | None = None
    phone: str | None = None
    email: str | None = None
    archived: bool = False


@dataclass(frozen=True)
class Decision:
    row: SchoolRow
    action: Action
    school: KnownSchool | None = None  # the school matched (update, unchanged)
    changes: dict[str, str] = field(default_factory=dict)  # field → new value
    doubt: Doubt | None = None
    candidates: tuple[str, ...] = ()  # the bot's schools the row was mistaken for
    other_line: int | None = None  # the row that matched the school first (SAME_SCHOOL)


@dataclass(frozen=True)
class DistrictImport:
    district: str
    new_district: bool
    decisions: tuple[Decision, ...]
    not_in_file: tuple[str, ...]  # the bot's active schools the file does not list

    def of(self, action: Action) -> list[Decision]:
        return [d for d in self.decisions if d.action is action]

    @property
    def created(self) -> int:
        return len(self.of(Action.CREATE))

    @property
    def updated(self) -> int:
        return len(self.of(Action.UPDATE))

    @property
    def unchanged(self) -> int:
        return len(self.of(Action.UNCHANGED))

    @property
    def unsure(self) -> int:
        return len(self.of(Action.UNSURE))

    @property
    def total(self) -> int:
        return len(self.decisions)


@dataclass(frozen=True)
class ImportReport:
    districts: tuple[DistrictImport, ...]
    extra_columns: tuple[str, ...]
    dry_run: bool


def split_by_district(
    table: SchoolTable, district: str | None
) -> list[tuple[str, list[SchoolRow]]]:
    """(district name, its rows): the one named, or — for a region file without a name —
    every district in the file, named as the file first writes it."""
    if not table.has_district:
        if district is None:
            raise SchoolTableError(
                ["Укажите район: --district NAME (в файле нет столбца «Район» или «Муниципалитет»)"]
            )
        return [(district, table.rows)]
    groups: dict[str, tuple[str, list[SchoolRow]]] = {}
    for row in table.rows:
        name = row.district or ""
        groups.setdefault(district_key(name), (name, []))[1].append(row)
    if district is None:
        return list(groups.values())
    chosen = groups.get(district_key(district))
    if chosen is None:
        listed = ", ".join(quoted(name) for name, _ in groups.values())
        missing = f"В файле нет школ района {quoted(district)}. В файле есть: {listed}"
        raise SchoolTableError([missing])
    return [(district, chosen[1])]


def plan_import(
    rows: Sequence[SchoolRow], known: Sequence[KnownSchool], *, unsure: Unsure = Unsure.ASK
) -> list[Decision]:
    """One decision per row, in the file's order."""
    by_inn = {school.inn: school for school in known if school.inn}
    by_key: dict[str, list[KnownSchool]] = defaultdict(list)
    for school in known:
        by_key[identity_key(school.name)].append(school)
    claimed: dict[int, int] = {}  # school id → the row that matched it
    decisions: dict[int, Decision] = {}
    later: list[SchoolRow] = []
    for row in rows:
        decision = _exact(row, by_inn, by_key, claimed)
        if decision is None:
            later.append(row)
        else:
            decisions[row.line] = decision
    for row in later:  # only schools no row matched exactly can be mistaken for
        free = [s for s in known if s.id not in claimed and looks_alike(row.name, s.name)]
        decisions[row.line] = _alike(row, free, unsure, claimed)
    return [decisions[row.line] for row in rows]


def _exact(
    row: SchoolRow,
    by_inn: dict[str, KnownSchool],
    by_key: dict[str, list[KnownSchool]],
    claimed: dict[int, int],
) -> Decision | None:
    key = identity_key(row.name)
    school = by_inn.get(row.inn) if row.inn else None
    if school is not None:
        others = [s for s in by_key.get(key, ()) if s.id != school.id]
        if identity_key(school.name) != key and others:
            return _doubt(row, Doubt.NAME_TAKEN, [school, *others])
    else:
        named = by_key.get(key, [])
        active = [s for s in named if not s.archived] or named
        if len(active) > 1:
            return _doubt(row, Doubt.TWINS_IN_BOT, active)
        if not active:
            return None
        school = active[0]
        if row.inn and school.inn and school.inn != row.inn:
            return _doubt(row, Doubt.INN_DIFFERS, [school])
    return _matched(row, school, claimed, rename=identity_key(school.name) != key)


def _alike(
    row: SchoolRow, alike: list[KnownSchool], unsure: Unsure, claimed: dict[int, int]
) -> Decision:
    if not alike or unsure is Unsure.NEW:
        return Decision(row, Action.CREATE)
    if unsure is Unsure.SAME and len(alike) == 1:
        return _matched(row, alike[0], claimed, rename=True)
    return _doubt(row, Doubt.ALIKE, alike)


def _matched(
    row: SchoolRow, school: KnownSchool, claimed: dict[int, int], *, rename: bool
) -> Decision:
    if school.id in claimed:
        return Decision(
            row,
            Action.UNSURE,
            doubt=Doubt.SAME_SCHOOL,
            candidates=(school.name,),
            other_line=claimed[school.id],
        )
    claimed[school.id] = row.line
    new = {
        "name": row.name if rename else None,
        "short_name": row.short_name,
        "inn": row.inn,
        "head_name": row.head_name,
        "phone": row.phone,
        "email": row.email,
    }
    changes = {
        name: value
        for name, value in new.items()
        if value is not None and value != getattr(school, name)
    }
    return Decision(row, Action.UPDATE if changes else Action.UNCHANGED, school, changes)


def _doubt(row: SchoolRow, doubt: Doubt, schools: Sequence[KnownSchool]) -> Decision:
    return Decision(row, Action.UNSURE, doubt=doubt, candidates=tuple(s.name for s in schools))
