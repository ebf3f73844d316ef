"""`make shell`: the admin's way to the `svodka` command without knowing about .venv."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.deploy.compose import ROOT

STAMP = ".venv/.installed"  # the Makefile's install target


def test_make_shell_opens_a_shell_where_svodka_is_the_installed_command() -> None:
    make = shutil.which("make")
    if make is None or not (ROOT / STAMP).exists():
        pytest.skip("needs make and the checkout's .venv (`make install`)")
    # A PATH without the virtualenv, as in the admin's terminal: only `make shell` adds it.
    path = os.pathsep.join(
        part for part in os.environ["PATH"].split(os.pathsep) if ".venv" not in part
    )
    shell = subprocess.run(
        # -o: take the installed .venv as it is, never reinstall from a test.
        [make, "-s", "-o", STAMP, "shell"],
        cwd=ROOT,
        input="command -v svodka\nsvodka --help\n",
        env={**os.environ, "PATH": path, "SHELL": "/bin/sh"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.returncode == 0, shell.stderr
    lines = shell.stdout.splitlines()
    assert lines[0].startswith("Команда svodka готова")
    assert lines[1] == str(ROOT / ".venv" / "bin" / "svodka")
    assert "import" in shell.stdout and "backup" in shell.stdout  # the commands' list
