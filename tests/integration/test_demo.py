import csv
from pathlib import Path

import pytest

from bot.cli import main


def test_demo_imports_the_district_and_writes_invites(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "Сергокалинский район" in out
    assert "ответили 0 из 12" in out
    with (tmp_path / "out" / "invites.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert len(rows) == 13
    assert not list(tmp_path.glob("*.db")), "the demo database must be temporary"
