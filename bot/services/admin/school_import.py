"""Importing an office's school list: every district's rows are planned (`school_import`
in the domain), then written — or, for a dry run, only reported. One transaction for the
whole file: a file that fails half-way changes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.school_import import (
    FIELDS,
    Action,
    Decision,
    DistrictImport,
    ImportReport,
    KnownSchool,
    Unsure,
    plan_import,
    split_by_district,
)
from bot.domain.school_names import district_key
from bot.domain.school_table import SchoolRow, SchoolTable
from storage.db import Database
from storage.models import District, School
from storage.repos import audit, districts


async def import_table(
    *,
    db: Database,
    table: SchoolTable,
    district: str | None,
    tz: str,
    now: datetime,
    dry_run: bool = False,
    unsure: Unsure = Unsure.ASK,
) -> ImportReport:
    """The file's schools into the district named (or, for a region file, into each of its
    districts); with `dry_run` nothing is written."""
    groups = split_by_district(table, district)
    transaction = db.reads() if dry_run else db.sessions.begin()
    async with transaction as session:
        results = [
            await import_district(
                session=session,
                district_name=name,
                tz=tz,
                rows=rows,
                now=now,
                unsure=unsure,
                apply=not dry_run,
            )
            for name, rows in groups
        ]
    return ImportReport(tuple(results), tuple(table.extra_columns), dry_run)


async def import_district(
    *,
    session: AsyncSession,
    district_name: str,
    tz: str,
    rows: Sequence[SchoolRow],
    now: datetime,
    unsure: Unsure = Unsure.ASK,
    apply: bool = True,
) -> DistrictImport:
    """Plan one district's rows and, with `apply`, write them in the caller's transaction."""
    district = await find_for_import(session, district_name)
    new_district = district is None
    if district is None and apply:
        district = await districts.add(session, name=district_name, tz=tz, now=now)
    schools = await districts.schools(session, district.id, archived=None) if district else []
    decisions = plan_import(rows, [_known(s) for s in schools], unsure=unsure)
    if apply:
        assert district is not None
        await _apply(session, district, {s.id: s for s in schools}, decisions, now)
    matched = {d.school.id for d in decisions if d.school is not None}
    return DistrictImport(
        district=district.name if district else district_name,
        new_district=new_district,
        decisions=tuple(decisions),
        not_in_file=tuple(s.name for s in schools if s.archived_at is None and s.id not in matched),
    )


async def find_for_import(session: AsyncSession, name: str) -> District | None:
    """The district by its exact name, else the one whose name differs only in «район»,
    «МО», case or quotes — so «Сергокалинский» in a region file lands in «Сергокалинский
    район» instead of a new district."""
    district = await districts.get_by_name(session, name)
    if district is not None:
        return district
    key = district_key(name)
    found = [d for d in await districts.list_all(session) if district_key(d.name) == key]
    return found[0] if len(found) == 1 else None


def _known(school: School) -> KnownSchool:
    fields = {name: getattr(school, name) for name in FIELDS}
    return KnownSchool(id=school.id, archived=school.archived_at is not None, **fields)


async def _apply(
    session: AsyncSession,
    district: District,
    schools: dict[int, School],
    decisions: list[Decision],
    now: datetime,
) -> None:
    for decision in decisions:
        row = decision.row
        if decision.action is Action.CREATE:
            fields = {name: getattr(row, name) for name in FIELDS}
            await districts.add_school(session, district_id=district.id, now=now, **fields)
        elif decision.action is Action.UPDATE:
            assert decision.school is not None
            school = schools[decision.school.id]
            for name, value in decision.changes.items():
                setattr(school, name, value)
    counts = {action.value: 0 for action in Action}
    for decision in decisions:
        counts[decision.action.value] += 1
    audit.record(
        session,
        action="schools.import",
        at=now,
        district_id=district.id,
        created=counts["create"],
        updated=counts["update"],
        unsure=counts["unsure"],
    )
