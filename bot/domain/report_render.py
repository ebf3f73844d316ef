"""Report texts from report data: pure functions, data in, Russian text out.

Lines are short and self-contained so that a long report splits cleanly between lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.answers import format_answer
from bot.domain.formatting import format_decimal, format_percent, format_pp, plural
from bot.domain.indicators import IndicatorValue
from bot.domain.report_data import (
    Author,
    DistrictWeek,
    RegionRow,
    SchoolHistory,
    SchoolLine,
)
from bot.domain.week_change import WeekChange
from bot.domain.weeks import IsoWeek
from bot.texts import reports as t

DISTRICT_FORMS = ("район", "района", "районов")
# Schools named per indicator below its threshold, the worst first. Enough to act on in a
# district of 60; with the rest counted, a district of 100 keeps /status in one message
# (every school may lag on every indicator: 5 × 90 lines otherwise). /export has them all.
BELOW_SHOWN = 5
# Schools named as using foreign messengers; the rest are counted (the export has them all).
FOREIGN_SHOWN = 10
# Schools named in the «не доставлено» line; the rest are counted.
UNDELIVERED_SHOWN = 10


def week_label(period: str) -> str:
    """ "2024-W43" -> "21.10–27.10.2024"; other periods (one-off requests) as they are."""
    try:
        week = IsoWeek.parse(period)
    except ValueError:
        return period
    days = week.days()
    return t.WEEK_RANGE.format(start=f"{days[0]:%d.%m}", end=f"{days[-1]:%d.%m.%Y}")


def moment_label(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{t.WEEKDAYS[local.weekday()]} {local:%d.%m} в {local:%H:%M}"


def author_line(author: Author) -> str:
    """«Отправлено: Патимат Гаджиева (заместитель), пн 21.10 в 10:00» or «Внесено: …»."""
    when = moment_label(author.at, author.tz)
    if author.by_office:
        return t.ENTERED_BY.format(name=author.name, when=when)
    role = t.STAFF_ROLES.get(author.role or "", "")
    return t.SENT_BY.format(name=author.name, role=f" ({role})" if role else "", when=when)


def author_cell(name: str, role: str | None, by_office: bool) -> str:
    """The export's «Кто внёс/ответил»: «Марьям Алиева (заместитель)», «внесено: …»."""
    if by_office:
        return t.ENTERED_CELL.format(name=name)
    staff_role = t.STAFF_ROLES.get(role or "", "")
    return f"{name} ({staff_role})" if staff_role else name


def render_status(week: DistrictWeek) -> str:
    """/status: the count, the district's indicators, schools below threshold, who is missing."""
    if week.holiday:
        return t.HOLIDAY_WEEK.format(district=week.district, week=week_label(week.period))
    if not week.schools:
        return t.NO_SCHOOLS.format(district=week.district)
    lines = [t.STATUS_TITLE.format(district=week.district, week=week_label(week.period))]
    lines.append(_count_line(week))
    if week.deadline_at is not None:
        lines.append(t.DEADLINE.format(when=moment_label(week.deadline_at, week.tz)))
    lines += foreign_block(week)
    lines += ["", *_indicator_lines(week)]
    below = _below_lines(week)
    if below:
        lines += ["", t.BELOW_TITLE, *below]
    lines += ["", *_missing_lines(week, mention=False)]
    if week.late:
        lines += ["", t.LATE_TITLE, *(t.LATE_LINE.format(school=s.name) for s in week.late)]
    if undelivered := undelivered_line(week):
        lines += ["", undelivered]
    return "\n".join(lines)


def undelivered_line(week: DistrictWeek) -> str | None:
    """«Не доставлено: N — …»: the schools a message of the week's round failed to reach
    for good; None when every message went out."""
    names = [s.name for s in week.schools if s.undelivered]
    if not names:
        return None
    # One more school takes no more room than the words that would count it.
    shown = names if len(names) <= UNDELIVERED_SHOWN + 1 else names[:UNDELIVERED_SHOWN]
    schools = "; ".join(shown)
    if hidden := len(names) - len(shown):
        schools += t.UNDELIVERED_MORE.format(count=hidden)
    return t.UNDELIVERED_LINE.format(count=len(names), schools=schools)


def render_missing(week: DistrictWeek, *, contacts: bool = False) -> str:
    """/missing; `contacts` (in a private chat): how to reach each school, to phone it."""
    if week.holiday:
        return t.HOLIDAY_WEEK.format(district=week.district, week=week_label(week.period))
    title = t.STATUS_TITLE.format(district=week.district, week=week_label(week.period))
    missing = _missing_lines(week, mention=False, contacts=contacts)
    return "\n".join([title, _count_line(week), "", *missing])


def render_summary(week: DistrictWeek, *, late: bool) -> str:
    """The Friday summary for the district chat: heads of the missing schools are mentioned."""
    if week.holiday:
        return t.SUMMARY_HOLIDAY.format(week=week_label(week.period))
    lines = [t.SUMMARY_TITLE.format(week=week_label(week.period), district=week.district)]
    if late:
        lines.append(t.SUMMARY_LATE_NOTE)
    lines += [_count_line(week), *foreign_block(week), "", *_indicator_lines(week)]
    below = _below_lines(week)
    if below:
        lines += ["", t.BELOW_TITLE, *below]
    lines.append("")
    lines += _missing_lines(week, mention=True) if week.missing else [t.SUMMARY_ALL_ANSWERED]
    return "\n".join(lines)


def render_escalation(week: DistrictWeek) -> str:
    """Monday, privately to officials: the schools that used foreign messengers last week,
    then those that did not answer."""
    label = week_label(week.period)
    lines = []
    if foreign := week.foreign:
        count = len(foreign)
        title = t.FOREIGN_ESCALATION_TITLE.format(
            week=label, district=week.district, count=count, schools=plural(count, t.SCHOOLS)
        )
        lines += [title, *_foreign_lines([(s.name, s.foreign or "") for s in foreign]), ""]
    if not week.missing:
        return "\n".join([*lines, t.ESCALATION_NONE.format(week=label, district=week.district)])
    lines.append(
        t.ESCALATION_TITLE.format(
            week=label,
            district=week.district,
            missing=t.not_answered(len(week.missing), len(week.schools)),
        )
    )
    for school in week.missing:
        lines.append(t.MISSING_LINE.format(school=school.name, head=_head(school, mention=False)))
        lines += _contact_lines(school)
    return "\n".join([*lines, "", t.ESCALATION_HINT])


def render_school(history: SchoolHistory, *, contacts: bool = False) -> str:
    """/my and /status <school>: the selected week's answers and the indicators by week;
    with `contacts` (an official's private chat), how to reach the school."""
    qn = history.questionnaire
    lines = [t.SCHOOL_TITLE.format(school=history.school, district=history.district)]
    if contacts and history.contact:
        lines.append(t.SCHOOL_CONTACT.format(contact=", ".join(history.contact.parts())))
    current = history.weeks[0] if history.weeks else None
    if current is not None:
        label = week_label(current.period)
        if current.answers is None:
            lines.append(t.SCHOOL_NO_ANSWER.format(week=label))
        else:
            late = t.SCHOOL_LATE if current.late else ""
            lines.append(t.SCHOOL_THIS_WEEK.format(week=label) + late)
            if current.author is not None:
                lines.append(author_line(current.author))
            for question in qn.questions:
                if question.key in current.answers:
                    value = format_answer(question, current.answers[question.key])  # type: ignore[arg-type]
                    lines.append(t.ANSWER_LINE.format(label=question.label, value=value))
    answered = [w for w in history.weeks if w.answers is not None]
    lines.append("")
    if not answered:
        lines.append(t.HISTORY_EMPTY)
        return "\n".join(lines)
    oldest_first = list(reversed(history.weeks))
    lines.append(
        t.HISTORY_TITLE.format(
            first=week_label(oldest_first[0].period), last=week_label(oldest_first[-1].period)
        )
    )
    for ind in qn.indicators:
        values = []
        for week in oldest_first:
            found = next((v for v in week.values if v.key == ind.key), None)
            values.append(_short_percent(found.ratio if found else None))
        lines.append(t.HISTORY_LINE.format(label=ind.label, values=" → ".join(values)))
    lines.append(t.HISTORY_UNIT)
    return "\n".join(lines)


def render_rating(week: DistrictWeek, key: str) -> str:
    """Schools by one indicator, highest first, as in the district's own resolutions."""
    ranked = rank_schools(week.schools, key)
    label = next((v.label for v in week.indicators if v.key == key), key)
    lines = [
        t.RATING_TITLE.format(district=week.district, label=label, week=week_label(week.period))
    ]
    if not ranked:
        return "\n".join([*lines, t.RATING_NO_DATA])
    for place, (school, value) in enumerate(ranked, start=1):
        line = t.RATING_LINE.format(
            place=place, school=school.name, value=format_percent(value.ratio)
        )
        lines.append(line + (t.RATING_FOREIGN if school.foreign is not None else ""))
    district = next((v for v in week.indicators if v.key == key), None)
    if district is not None:
        lines += ["", t.RATING_DISTRICT.format(value=format_percent(district.ratio))]
    ranked_ids = {school.school_id for school, _ in ranked}
    unranked = [s.name for s in week.schools if s.school_id not in ranked_ids]
    if unranked:
        lines += ["", t.RATING_NOT_ANSWERED.format(schools="; ".join(unranked))]
    if any(school.foreign is not None for school, _ in ranked):
        lines += ["", t.RATING_FOREIGN_LEGEND]
    return "\n".join(lines)


def rank_schools(
    schools: Sequence[SchoolLine], key: str
) -> list[tuple[SchoolLine, IndicatorValue]]:
    """Schools with a value for `key`, highest share first; ties keep the roster order."""
    pairs = [
        (school, value)
        for school in schools
        if (value := school.value(key)) is not None and value.ratio is not None
    ]
    return sorted(pairs, key=lambda pair: -(pair[1].ratio or 0.0))


def render_region(rows: Sequence[RegionRow]) -> str:
    """Admins: all districts side by side, one block per district."""
    lines = [t.REGION_TITLE.format(count=len(rows), districts=plural(len(rows), DISTRICT_FORMS))]
    foreign = [
        (f"{school} ({row.district})", which) for row in rows for school, which in row.foreign
    ]
    if foreign:
        title = t.FOREIGN_TITLE.format(count=len(foreign), schools=plural(len(foreign), t.SCHOOLS))
        lines += ["", title, *_foreign_lines(foreign)]
    for row in rows:
        lines.append("")
        lines.append(
            t.REGION_LINE.format(
                district=row.district,
                week=week_label(row.period) if row.period else "—",
                answered=row.answered,
                total=row.schools,
            )
        )
        for value in row.indicators:
            line = t.REGION_VALUE.format(label=value.label, value=format_percent(value.ratio))
            lines.append(line + _change_suffix(row.change, value.key))
        if note := change_note(row.change):
            lines.append(t.REGION_CHANGE.format(note=note))
    return "\n".join(lines)


def _count_line(week: DistrictWeek) -> str:
    total, answered, late = len(week.schools), len(week.answered), len(week.late)
    schools = plural(total, t.SCHOOLS_GEN)
    if late:
        return t.ANSWERED_LATE.format(answered=answered, total=total, schools=schools, late=late)
    return t.ANSWERED.format(answered=answered, total=total, schools=schools)


def _indicator_lines(week: DistrictWeek) -> list[str]:
    if not week.indicators:  # a questionnaire without indicators (a one-off request's table)
        return []
    lines = [t.INDICATORS_TITLE]
    for value in week.indicators:
        line = t.INDICATOR_LINE.format(label=value.label, value=format_percent(value.ratio))
        lines.append(line + _change_suffix(week.change, value.key))
    if note := change_note(week.change):
        lines.append(note)
    return lines


def change_label(week: DistrictWeek, value: IndicatorValue) -> str | None:
    """The indicator's change against last week («▲ 1,23 п. п.»), as /status and the
    dashboard show it; None when there is nothing to compare with."""
    change = week.change.pp(value.key) if week.change else None
    return None if change is None else format_pp(change)


def change_note(change: WeekChange | None) -> str | None:
    """Which schools the change is over, when that is not simply every school of both
    weeks; None when there is nothing to say (nobody answered this week yet)."""
    if change is None or change.same_schools or not change.answered:
        return None
    if not change.matched:
        return t.CHANGE_NONE
    forms = t.CHANGE_MATCHED_FORMS
    return t.CHANGE_MATCHED.format(count=change.matched, schools=plural(change.matched, forms))


def _change_suffix(change: WeekChange | None, key: str) -> str:
    pp = change.pp(key) if change else None
    return "" if pp is None else t.INDICATOR_CHANGE.format(change=format_pp(pp))


def foreign_block(week: DistrictWeek) -> list[str]:
    """Who still uses foreign messengers, first in a district report: a blank line and the
    block, or nothing when the questionnaire does not ask or nobody answered yet."""
    if not week.foreign_asked or not week.answered:
        return []
    foreign = week.foreign
    if not foreign:
        return ["", t.FOREIGN_NONE]
    title = t.FOREIGN_TITLE.format(count=len(foreign), schools=plural(len(foreign), t.SCHOOLS))
    return ["", title, *_foreign_lines([(s.name, s.foreign or "") for s in foreign])]


def _foreign_lines(schools: Sequence[tuple[str, str]]) -> list[str]:
    """(school, what it wrote) as lines; one more school takes no more room than the line
    that would count it."""
    shown = schools if len(schools) <= FOREIGN_SHOWN + 1 else schools[:FOREIGN_SHOWN]
    lines = [
        t.FOREIGN_LINE.format(school=school, answer=which or t.FOREIGN_NO_DETAILS)
        for school, which in shown
    ]
    if hidden := len(schools) - len(shown):
        lines.append(t.FOREIGN_MORE.format(count=hidden, schools=plural(hidden, t.SCHOOLS)))
    return lines


def _below_lines(week: DistrictWeek) -> list[str]:
    lines = []
    answered = week.answered
    for index, value in enumerate(week.indicators):
        if value.warn_below is None:
            continue
        # School values follow the questionnaire's indicator order, as the district's do.
        below = sorted(
            (
                (v.ratio, school.name)
                for school in answered
                if (v := school.values[index]).is_below_warn
            ),
            key=lambda pair: pair[0] or 0.0,
        )
        if below:
            threshold = f"{format_decimal(value.warn_below * 100)} %"
            lines.append(t.BELOW_LINE.format(label=value.label, threshold=threshold))
            # One more school takes no more room than the line that would count it.
            shown = below if len(below) <= BELOW_SHOWN + 1 else below[:BELOW_SHOWN]
            lines += [t.BELOW_SCHOOL.format(school=n, value=format_percent(r)) for r, n in shown]
            if hidden := len(below) - len(shown):
                schools = plural(hidden, t.SCHOOLS)
                lines.append(t.BELOW_MORE.format(count=hidden, schools=schools))
    return lines


def _missing_lines(week: DistrictWeek, *, mention: bool, contacts: bool = False) -> list[str]:
    missing = week.missing
    if not missing:
        return [t.MISSING_NONE]
    lines = [t.MISSING_TITLE.format(count=f"{len(missing)} {plural(len(missing), t.SCHOOLS)}")]
    for school in missing:
        lines.append(t.MISSING_LINE.format(school=school.name, head=_head(school, mention=mention)))
        if contacts:
            lines += _contact_lines(school)
    return lines


def _contact_lines(school: SchoolLine) -> list[str]:
    if not school.contact:
        return []
    return [t.CONTACT_LINE.format(contact=", ".join(school.contact.parts()))]


def _head(school: SchoolLine, *, mention: bool) -> str:
    head = school.head
    if head is None:
        return t.NO_HEAD
    name = head.name or str(head.vk_id or "")
    if mention and head.vk_id is not None:
        name = f"[id{head.vk_id}|{_mention_safe(name)}]"
    if school.undelivered or not head.reachable:
        return f"{name} ({t.UNDELIVERED})"
    return name


def _mention_safe(name: str) -> str:
    # "|" and "]" would end the mention early and show the raw markup.
    return name.replace("|", " ").replace("]", " ").replace("[", " ").strip()


def _short_percent(ratio: float | None) -> str:
    return format_percent(ratio).removesuffix(" %") if ratio is not None else "—"
