"""deploy/compose.yaml as the tests read it: YAML with its anchors and merges resolved, the
way Docker Compose reads it."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"


def load() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def services() -> dict[str, dict[str, Any]]:
    return load()["services"]


def served_port(command: list[str]) -> int:
    """The port `svodka run` serves its HTTP paths on, as the command line says."""
    flag = "--port" if "--callback" in command else "--metrics-port"
    return int(command[command.index(flag) + 1])


def with_port(command: list[str], port: int) -> list[str]:
    served = served_port(command)
    return [str(port) if arg == str(served) else arg for arg in command]


def healthcheck_command(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD", "an exec-form check: the image has no shell tools to rely on"
    return list(test[1:])


def healthcheck_here(service: dict[str, Any], port: int) -> list[str]:
    """The service's healthcheck run on this machine: this interpreter for `python`, the
    served port moved to `port` (tests run side by side; 8080 may be taken)."""
    program, *args = healthcheck_command(service)
    assert program == "python"
    return [sys.executable, *(re.sub(r"(?<=127\.0\.0\.1:)\d+\b", str(port), a) for a in args)]
