"""`svodka import schools` as an admin runs it: the summary, the dry run, the questions,
the errors with their row and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from tests.utils.sergokala import DISTRICT

EXAMPLES = Path(__file__).parents[3] / "examples"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/cli.db")
    for name in ("schools.xlsx", "schools.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str, code: int = 0) -> tuple[str, str]:
    assert main(["import", "schools", *argv]) == code
    captured = capsys.readouterr()
    return captured.out, captured.err


def test_dry_run_then_the_same_summary_for_real(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dry, _ = run(capsys, "schools.xlsx", "--district", DISTRICT, "--dry-run")
    banner, _, summary = dry.partition("\n\n")
    assert banner.startswith("Пробный запуск (--dry-run): в базе ничего не изменено")
    assert summary.startswith(
        f"Район «{DISTRICT}» (новый): школ в файле 12, добавлено 12, обновлено 0, без изменений 0."
    )
    assert "Не прочитаны столбцы: «№ п/п», «Адрес»." in summary
    again, _ = run(capsys, "schools.xlsx", "--district", DISTRICT, "--dry-run")
    assert again == dry  # the first dry run created nothing, not even the district
    real, _ = run(capsys, "schools.xlsx", "--district", DISTRICT)
    assert real == summary
    assert (
        "добавлено 0, обновлено 0, без изменений 12"
        in run(capsys, "schools.xlsx", "--district", DISTRICT)[0]
    )


def test_a_region_file_without_a_district_imports_each(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, _ = run(capsys, "schools.csv")
    assert f"Район «{DISTRICT}» (новый): школ в файле 12, добавлено 12" in out
    assert "Район «Левашинский район» (новый): школ в файле 3, добавлено 3" in out
    _, err = run(capsys, "schools.xlsx", code=1)
    assert "Укажите район: --district NAME" in err


def test_questions_are_listed_with_what_to_do(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "schools.xlsx", "--district", DISTRICT)
    (workdir / "near.csv").write_bytes("ОО\nДегвинская СОШ\n".encode("cp1251"))
    out, _ = run(capsys, "near.csv", "--district", DISTRICT)
    assert "под вопросом 1" in out
    assert "Строка 2: «Дегвинская СОШ» похожа на МКОУ «Дегвинская СОШ» в боте." in out
    assert "--unsure same" in out and "--unsure new" in out
    out, _ = run(capsys, "near.csv", "--district", DISTRICT, "--unsure", "new")
    assert "добавлено 1" in out


def test_errors_name_the_row_and_the_column_and_import_nothing(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "bad.csv").write_bytes(
        "Список ОО\n\nНаименование ОО;ИНН;Телефон\nСОШ №1;12345;89281234567\nСОШ №2;0527000002;звонить в приёмную\n".encode(
            "cp1251"
        )
    )
    _, err = run(capsys, "bad.csv", "--district", DISTRICT, code=1)
    assert err.splitlines() == [
        "Файл не импортирован, исправьте:",
        "Строка 4: ИНН должен состоять из 10 или 12 цифр (столбец B «ИНН»)",
        "Строка 5: «звонить в приёмную» не похоже на номер телефона (столбец C «Телефон»)",
    ]
    out, _ = run(capsys, "schools.xlsx", "--district", DISTRICT, "--dry-run")
    assert "(новый)" in out


def test_school_archive_and_restore_from_the_terminal(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "schools.xlsx", "--district", DISTRICT)
    assert main(["school", "archive", "бурдекинская", "--district", "Сергокалинский"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Школа МКОУ «Бурдекинская СОШ» ({DISTRICT}) перенесена в архив")
    assert f'svodka school restore "МКОУ «Бурдекинская СОШ»" --district "{DISTRICT}"' in out
    assert main(["status", "--district", DISTRICT]) == 0
    assert "Ответили 0 из 11 школ." in capsys.readouterr().out
    assert main(["school", "restore", "бурдекинская", "--district", DISTRICT]) == 0
    assert "снова в списке района" in capsys.readouterr().out
    assert main(["school", "restore", "бурдекинская", "--district", DISTRICT]) == 0
    assert "не в архиве" in capsys.readouterr().out
    assert main(["school", "archive", "СОШ", "--district", DISTRICT]) == 1
    assert "подходит к нескольким школам" in capsys.readouterr().err
