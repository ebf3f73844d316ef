"""Texts about a district's list of schools: what an import did (or would do), archiving."""

from __future__ import annotations

from bot.domain.districts import ArchiveChange
from bot.domain.formatting import quoted
from bot.domain.school_import import Action, Decision, DistrictImport, Doubt, ImportReport
from bot.domain.school_table_headers import FIELD_TITLES
from bot.texts.common import Template

# A region is 1 500 schools: the created and updated ones are listed up to this many per
# district, the rest counted. Questions are always listed in full: each needs an answer.
LISTED = 30

DRY_RUN = "Пробный запуск (--dry-run): в базе ничего не изменено. Без --dry-run будет так:"
COUNTS = Template(
    "Район «{district}»{new}: школ в файле {total}, добавлено {created}, обновлено {updated}, "
    "без изменений {unchanged}{unsure}."
)
NEW_DISTRICT = " (новый)"
UNSURE_COUNT = ", под вопросом {count}"
CREATED = "Добавлены:"
UPDATED = "Обновлены:"
CREATED_LINE = "  • {school} (строка {line})"
UPDATED_LINE = "  • {school} (строка {line}): {fields}"
RENAMED = Template("название «{old}» → «{new}»")
MORE = "  …и ещё {count}"
UNSURE_TITLE = "Под вопросом — эти строки не применены:"
UNSURE_HINT = (
    "Если похожая школа — та же, запустите импорт снова с --unsure same; если это другая "
    "школа — с --unsure new. Или впишите в файл название, как в боте, или ИНН."
)
DOUBTS = {
    Doubt.ALIKE: "  • Строка {line}: {name} похожа на {candidates} в боте.",
    Doubt.INN_DIFFERS: (
        "  • Строка {line}: у {name} в файле ИНН {inn}, а в боте у {candidates} другой ИНН — "
        "проверьте ИНН."
    ),
    Doubt.TWINS_IN_BOT: (
        "  • Строка {line}: в боте несколько школ с таким названием: {candidates} — лишнюю "
        "уберите в архив (svodka school archive)."
    ),
    Doubt.SAME_SCHOOL: "  • Строка {line}: {name} — та же школа, что в строке {other} ({candidates}).",
    Doubt.NAME_TAKEN: Template(
        "  • Строка {line}: по ИНН {inn} это {first}, но название {name} уже у другой школы "
        "в боте: {rest}."
    ),
}
ARCHIVED = (
    "В архиве (данные обновлены, опросов не получают): {schools}. Вернуть: svodka school "
    "restore <школа> --district <район>."
)
NOT_IN_FILE = Template(
    "Есть в боте, но нет в файле ({count}, не изменены): {schools}. Если школы больше нет — "
    "svodka school archive <школа> --district <район>."
)
EXTRA_COLUMNS = Template("Не прочитаны столбцы: {columns}.")


def render_import(report: ImportReport) -> str:
    blocks = [DRY_RUN] if report.dry_run else []
    blocks += [_district(result) for result in report.districts]
    if report.extra_columns:
        columns = ", ".join(quoted(title) for title in report.extra_columns)
        blocks.append(EXTRA_COLUMNS.format(columns=columns))
    return "\n\n".join(blocks)


def _district(result: DistrictImport) -> str:
    lines = [
        COUNTS.format(
            district=result.district,
            new=NEW_DISTRICT if result.new_district else "",
            total=result.total,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            unsure=UNSURE_COUNT.format(count=result.unsure) if result.unsure else "",
        )
    ]
    for title, action in ((CREATED, Action.CREATE), (UPDATED, Action.UPDATE)):
        decisions = result.of(action)
        if decisions:
            lines += [title, *(_line(d) for d in decisions[:LISTED])]
            if len(decisions) > LISTED:
                lines.append(MORE.format(count=len(decisions) - LISTED))
    unsure = result.of(Action.UNSURE)
    if unsure:
        lines += [UNSURE_TITLE, *(_doubt(d) for d in unsure), UNSURE_HINT]
    archived = [d.school.name for d in result.decisions if d.school and d.school.archived]
    if archived:
        lines.append(ARCHIVED.format(schools=_names(archived)))
    if result.not_in_file:
        names = _names(list(result.not_in_file[:LISTED]))
        if len(result.not_in_file) > LISTED:
            names += MORE.format(count=len(result.not_in_file) - LISTED).strip()
        lines.append(NOT_IN_FILE.format(count=len(result.not_in_file), schools=names))
    return "\n".join(lines)


def _line(decision: Decision) -> str:
    row = decision.row
    if decision.action is Action.CREATE:
        return CREATED_LINE.format(school=quoted(row.name), line=row.line)
    assert decision.school is not None
    fields = [
        RENAMED.format(old=decision.school.name, new=value)
        if name == "name"
        else FIELD_TITLES[name]
        for name, value in decision.changes.items()
    ]
    return UPDATED_LINE.format(
        school=quoted(decision.school.name), line=row.line, fields=", ".join(fields)
    )


def _doubt(decision: Decision) -> str:
    assert decision.doubt is not None
    names = [quoted(name) for name in decision.candidates]
    return DOUBTS[decision.doubt].format(
        line=decision.row.line,
        name=quoted(decision.row.name),
        inn=decision.row.inn,
        candidates=", ".join(names),
        first=names[0],
        rest=", ".join(names[1:]),
        other=decision.other_line,
    )


def _names(names: list[str]) -> str:
    return ", ".join(quoted(name) for name in names)


ARCHIVED = (
    "Школа {school} ({district}) перенесена в архив: опросы и напоминания ей больше не "
    "приходят, в «ответили N из M» и в долях района она не считается. Её ответы за прошлые "
    "недели остаются в выгрузках."
)
ARCHIVED_REVOKED = "Неиспользованные коды приглашения школы отменены: {count}."
ALREADY_ARCHIVED = "Школа {school} ({district}) уже в архиве."
RESTORED = (
    "Школа {school} ({district}) снова в списке района: со следующего опроса она получает "
    "вопросы и считается в сводках."
)
RESTORED_NO_HEAD = "Руководителя школы в боте нет — выдайте код приглашения: {reissue}"
NOT_ARCHIVED = "Школа {school} ({district}) не в архиве — возвращать нечего."
TO_RESTORE = "Вернуть: {restore}"
# How to undo or follow up, as the admin types it where they are.
VK_HINTS = {"restore": "/restore {name}", "reissue": "/reissue {name}"}
CLI_HINTS = {
    "restore": 'svodka school restore "{name}" --district "{district}"',
    "reissue": 'svodka invites reissue --school "{name}" --district "{district}"',
}
ARCHIVE_USAGE = (
    "Напишите так: /archive <часть названия школы> — убрать школу в архив (дубль, закрытая "
    "школа); /restore <часть названия> — вернуть."
)
ARCHIVE_LIST = Template("В архиве ({district}): {schools}.")
ARCHIVE_EMPTY = "В архиве школ нет."


def archive_change(change: ArchiveChange, hints: dict[str, str]) -> str:
    values = {"school": quoted(change.school), "district": change.district}
    hint = {
        key: template.format(name=change.school, district=change.district)
        for key, template in hints.items()
    }
    if not change.changed:
        return (ALREADY_ARCHIVED if change.archived else NOT_ARCHIVED).format(**values)
    if change.archived:
        lines = [ARCHIVED.format(**values)]
        if change.revoked:
            lines.append(ARCHIVED_REVOKED.format(count=change.revoked))
        lines.append(TO_RESTORE.format(restore=hint["restore"]))
        return "\n".join(lines)
    lines = [RESTORED.format(**values)]
    if not change.has_head:
        lines.append(RESTORED_NO_HEAD.format(reissue=hint["reissue"]))
    return "\n".join(lines)


def archive_list(report: list[tuple[str, list[str]]]) -> str:
    lines = [
        ARCHIVE_LIST.format(district=district, schools=_names(names))
        for district, names in report
        if names
    ]
    return "\n".join([ARCHIVE_USAGE, "", *(lines or [ARCHIVE_EMPTY])])
