"""/chart: the district's indicators by week (lines) and the schools on one indicator (bars).

PNG through matplotlib's object API on the Agg canvas: no display, no pyplot global state,
so charts can be drawn in a worker thread while the bot keeps serving. Large fonts and
short labels: the picture is read on a phone.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.formatting import format_percent, format_pp
from bot.domain.report_data import DistrictWeek, SchoolLine, WeekPoint
from bot.domain.report_render import change_note, rank_schools
from bot.domain.week_change import WeekChange
from bot.domain.weeks import IsoWeek
from bot.services.reports.data import district_trend, district_week
from bot.texts import reports as t
from storage.models import District

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib is imported where a chart is drawn: tens of MiB the bot need not carry
# until someone asks for /chart.

FONT = 16
BAR_COLOR, WARN_COLOR, SILENT_COLOR = "#2a7ab9", "#d9534f", "#777777"
WIDTH_IN, DPI = 12, 100


def _percent_axis() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _pos: f"{value * 100:.0f} %")


async def district_charts(
    *, session: AsyncSession, district: District, now: datetime, weeks: int, key: str
) -> tuple[tuple[str, bytes], ...] | None:
    """Both charts as (file name, PNG), or None when there is nothing to draw yet."""
    _, points = await district_trend(session=session, district=district, now=now, weeks=weeks)
    week = await district_week(session=session, district=district, now=now)
    if not any(v.ratio is not None for p in points for v in p.indicators):
        return None
    trend = await asyncio.to_thread(trend_png, district.name, points, week.change)
    bars = await asyncio.to_thread(schools_png, week, key)
    return (("trend.png", trend), ("schools.png", bars))


def trend_legend(
    points: Sequence[WeekPoint], change: WeekChange | None
) -> tuple[list[str], list[str]]:
    """The legend's labels, each with the last week's change as /status gives it, and the
    notes under the chart: which schools a point and the change are over."""
    labels = []
    for ind in points[0].indicators if points else ():
        pp = change.pp(ind.key) if change else None
        suffix = "" if pp is None else t.INDICATOR_CHANGE.format(change=format_pp(pp))
        labels.append(ind.label + suffix)
    note = change_note(change)
    return labels, [t.CHART_POINTS_NOTE, note] if note else []


def trend_png(
    district: str, points: Sequence[WeekPoint], change: WeekChange | None = None
) -> bytes:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, 8), dpi=DPI)
    axes = figure.add_subplot()
    labels = [_week_tick(p.period) for p in points]
    legend, notes = trend_legend(points, change)
    for index, ind in enumerate(points[0].indicators if points else ()):
        values = [next((v.ratio for v in p.indicators if v.key == ind.key), None) for p in points]
        axes.plot(
            labels,
            [float("nan") if v is None else v for v in values],
            marker="o",
            linewidth=3,
            label=legend[index],
            color=f"C{index}",
        )
    axes.set_title(t.CHART_LINE_TITLE.format(district=district), fontsize=FONT + 4)
    axes.set_ylim(0, 1.05)
    axes.yaxis.set_major_formatter(_percent_axis())
    axes.tick_params(labelsize=FONT)
    axes.grid(True, alpha=0.3)
    axes.legend(
        fontsize=FONT - 2,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncol=2,
        title="\n".join(notes) or None,  # above the labels the notes are about
        title_fontsize=FONT - 2,
    )
    return _png(figure)


class Bar(NamedTuple):
    name: str
    value: float
    caption: str  # «48,68 %» or «нет ответа»
    color: str
    foreign: bool = False  # the school uses foreign messengers: marked and hatched


def school_bars(week: DistrictWeek, key: str) -> list[Bar]:
    """The bars from the top down: the highest share first, then the schools without a
    value («нет ответа»), which dropping would hide."""
    ranked = rank_schools(week.schools, key)
    shown = {school.school_id for school, _ in ranked}
    bars = [
        Bar(_name(school), value.ratio or 0.0, format_percent(value.ratio),
            WARN_COLOR if value.is_below_warn else BAR_COLOR, school.foreign is not None)
        for school, value in ranked
    ]  # fmt: skip
    bars += [
        Bar(_short(school.name), 0.0, t.CHART_NO_ANSWER, SILENT_COLOR)
        for school in week.schools
        if school.school_id not in shown
    ]
    return bars


def schools_png(week: DistrictWeek, key: str) -> bytes:
    bars = list(reversed(school_bars(week, key)))  # barh draws upwards: the top one last
    height = max(4.0, 0.55 * len(bars) + 2)
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
    axes = figure.add_subplot()
    label = next((v.label for v in week.indicators if v.key == key), key)
    drawn = axes.barh(
        [b.name for b in bars], [b.value for b in bars], color=[b.color for b in bars]
    )
    for rect, bar in zip(drawn, bars, strict=True):
        if bar.foreign:
            rect.set_hatch("//")
            rect.set_edgecolor("black")
        axes.text(
            rect.get_width() + 0.01,
            rect.get_y() + rect.get_height() / 2,
            bar.caption,
            va="center",
            fontsize=FONT - 2,
            color=SILENT_COLOR if bar.color == SILENT_COLOR else "black",
        )
    threshold = next((v.warn_below for v in week.indicators if v.key == key), None)
    if threshold is not None:
        axes.axvline(threshold, color=WARN_COLOR, linestyle="--", linewidth=2)
    axes.set_xlim(0, 1.15)
    axes.xaxis.set_major_formatter(_percent_axis())
    axes.set_title(
        t.CHART_BAR_TITLE.format(label=label, week=_week_tick(week.period)), fontsize=FONT + 2
    )
    axes.tick_params(labelsize=FONT - 2)
    if any(bar.foreign for bar in bars):
        # Under the axes; `bbox_inches="tight"` makes room for it.
        figure.text(0.01, -0.02, t.CHART_FOREIGN_NOTE, fontsize=FONT - 2, va="top")
    return _png(figure)


def _png(figure: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _week_tick(period: str) -> str:
    try:
        return f"{IsoWeek.parse(period).monday():%d.%m}"
    except ValueError:
        return period


def _name(school: SchoolLine) -> str:
    """The bar's school name, marked when the school uses foreign messengers."""
    name = _short(school.name)
    return t.CHART_FOREIGN_NAME.format(name=name) if school.foreign is not None else name


def _short(name: str) -> str:
    """«МКОУ «Дегвинская СОШ»» -> «Дегвинская СОШ»: the legal form repeats on every bar."""
    inner = name.split("«", 1)[1] if "«" in name else name
    inner = inner[:-1] if inner.endswith("»") and inner.count("«") < inner.count("»") else inner
    return inner if len(inner) <= 40 else inner[:39] + "…"
