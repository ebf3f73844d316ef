"""The 12 Sergokala schools of seed 004 as the files an admin would import."""

from __future__ import annotations

import io
from importlib import resources

from openpyxl import Workbook

DISTRICT = "Сергокалинский район"


def school_names() -> list[str]:
    text = resources.files("bot.seeds").joinpath("sergokala_schools.csv").read_text("utf-8")
    return [line.split(";")[0] for line in text.splitlines()[1:]]


def cp1251_semicolon_csv() -> bytes:
    lines = ["ОО;ИНН"] + [f"{name};" for name in school_names()]
    return "\r\n".join(lines).encode("cp1251")


def xlsx(names: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Образовательная организация", "short_name"])
    for name in names or school_names():
        sheet.append([name, name.split("«", 1)[1].rstrip("»")])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
