"""deploy/compose.yaml is the whole production start: what `docker compose up` starts, in
which order, with which health checks and volumes — read from the file, checked against the
bot's own command line and image."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.cli import build_parser
from bot.runtime.instance import Options
from tests.deploy.compose import COMPOSE, ROOT, healthcheck_command, load, served_port, services

BOTS = ["bot", "callback"]
PASSWORD_VARIABLE = "POSTGRES_PASSWORD"


def _dependencies(name: str, every: dict[str, dict[str, Any]]) -> set[str]:
    """Everything `docker compose up NAME` starts along with NAME."""
    found: set[str] = set()
    todo = [name]
    while todo:
        for dependency in every[todo.pop()].get("depends_on", {}):
            if dependency not in found:
                found.add(dependency)
                todo.append(dependency)
    return found


def _seconds(duration: str) -> int:
    match = re.fullmatch(r"(\d+)s", duration)
    assert match, f"durations here are written in seconds: {duration}"
    return int(match.group(1))


def test_up_starts_the_database_the_migration_and_the_long_poll_bot() -> None:
    every = services()
    assert set(every) == {"db", "migrate", "bot", "callback"}
    default = {name for name, service in every.items() if not service.get("profiles")}
    assert default == {"db", "migrate", "bot"}
    assert "--callback" not in every["bot"]["command"]


def test_the_callback_api_is_a_profile_that_leaves_the_long_poll_bot_out() -> None:
    every = services()
    callback = every["callback"]
    assert callback["profiles"] == ["callback"]
    assert callback["command"][:3] == ["svodka", "run", "--callback"]
    # `docker compose up callback` starts it with what it depends on: never the Long Poll bot.
    assert _dependencies("callback", every) == {"db", "migrate"}
    # Both publish one host port, so starting one beside the other fails instead of two
    # readers taking every event.
    assert every["callback"]["ports"] == every["bot"]["ports"]


@pytest.mark.parametrize("name", BOTS)
def test_a_bot_starts_after_the_migration_has_completed(name: str) -> None:
    every = services()
    assert every[name]["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    migrate = every["migrate"]
    assert migrate["command"] == ["svodka", "migrate"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert migrate["image"] == every[name]["image"]
    assert migrate["build"] == every[name]["build"]


@pytest.mark.parametrize("name", BOTS)
def test_commands_are_ones_svodka_accepts(name: str) -> None:
    for service in (services()[name], services()["migrate"]):
        args = service["command"]
        assert args[0] == "svodka"
        build_parser(args[1:]).parse_args(args[1:])  # SystemExit on an unknown flag


@pytest.mark.parametrize("name", BOTS)
def test_the_healthcheck_asks_readyz_on_the_port_the_bot_serves(name: str) -> None:
    service = services()[name]
    port = served_port(service["command"])
    check = healthcheck_command(service)
    assert check[:2] == ["python", "-c"]
    assert f"'http://127.0.0.1:{port}/readyz'" in check[2]
    health = service["healthcheck"]
    # A check may take the readiness probes' own time-outs (database, VK, queue: 5 s each).
    assert _seconds(health["timeout"]) > 15
    assert _seconds(health["interval"]) >= _seconds(health["timeout"])
    assert health["retries"] >= 2
    assert service["restart"] == "unless-stopped"
    # SIGTERM lets work in hand finish before Docker's SIGKILL.
    assert _seconds(service["stop_grace_period"]) > Options.shutdown_timeout_s
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"], "health and metrics stay local"


def test_the_database_is_checked_and_kept_in_a_volume() -> None:
    compose = load()
    db = compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert db["healthcheck"]["test"][:2] == ["CMD", "pg_isready"]
    assert "pgdata:/var/lib/postgresql/data" in db["volumes"]
    assert db["restart"] == "unless-stopped"
    declared = set(compose["volumes"])
    for service in compose["services"].values():
        for volume in service.get("volumes", []):
            assert volume.split(":")[0] in declared, volume


@pytest.mark.parametrize("name", ["migrate", *BOTS])
def test_the_bot_uses_the_bundled_database(name: str) -> None:
    every = services()
    db_env = every["db"]["environment"]
    url = make_url(every[name]["environment"]["DATABASE_URL"])
    assert url.drivername == "postgresql+asyncpg"
    assert (url.host, url.port) == ("db", 5432)
    assert url.username == db_env["POSTGRES_USER"]
    assert url.database == db_env["POSTGRES_DB"]
    # One variable, required: an unset password stops `docker compose up` with a message.
    assert url.password.startswith("${" + PASSWORD_VARIABLE + ":?")
    assert db_env["POSTGRES_PASSWORD"].startswith("${" + PASSWORD_VARIABLE + ":?")
    assert every[name]["env_file"] == ".env"


def test_the_env_example_the_admin_copies_names_every_variable_compose_needs() -> None:
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    needed = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8")))
    assert needed == {PASSWORD_VARIABLE}
    for variable in needed:
        assert re.search(rf"^{variable}=", example, re.MULTILINE), variable


@pytest.mark.parametrize("name", BOTS)
def test_the_state_directory_is_a_volume_the_image_lets_the_bot_write(name: str) -> None:
    """`svodka run` keeps its state (instance.lock) in ./var; the image's working directory
    is /app, and a volume takes the owner of the directory it is mounted on."""
    service = services()[name]
    assert "state:/app/var" in service["volumes"]
    assert service["hostname"], "a fixed host name keeps the instance's name across re-creation"
    dockerfile = COMPOSE.parent / service["build"]["context"] / service["build"]["dockerfile"]
    text = dockerfile.read_text(encoding="utf-8")
    assert re.search(r"install -d -o svodka -g svodka /app/var\b", text)
    assert re.findall(r"^WORKDIR (\S+)", text, re.MULTILINE)[-1] == "/app"
    assert re.findall(r"^USER (\S+)", text, re.MULTILINE)[-1] == "svodka"


def test_the_image_installs_the_versions_the_tests_passed_with() -> None:
    build = services()["bot"]["build"]
    text = (COMPOSE.parent / build["context"] / build["dockerfile"]).read_text(encoding="utf-8")
    assert re.search(r"^COPY requirements \./requirements$", text, re.MULTILINE)
    assert re.search(r"^RUN pip install -c requirements/constraints\.txt \.", text, re.MULTILINE)
    assert (ROOT / "requirements" / "constraints.txt").exists()


def _docker_compose() -> list[str] | None:
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        if subprocess.run([*command, "version"], capture_output=True).returncode == 0:
            return command
    return None


def test_docker_compose_accepts_the_file(tmp_path: Path) -> None:
    compose = _docker_compose()
    if compose is None:
        pytest.skip(
            "Docker Compose is not installed here (neither `docker compose` nor "
            "`docker-compose` runs); the file is checked by the tests above"
        )
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(COMPOSE, deploy / "compose.yaml")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    (deploy / ".env").write_text(
        example.replace(f"{PASSWORD_VARIABLE}=", f"{PASSWORD_VARIABLE}=x1")
    )
    for profile in ([], ["--profile", "callback"]):
        checked = subprocess.run(
            [*compose, *profile, "config", "-q"], cwd=deploy, capture_output=True, text=True
        )
        assert checked.returncode == 0, checked.stderr


def test_the_image_builds_and_migrates_as_its_own_user(tmp_path: Path) -> None:
    if shutil.which("docker") is None:
        pytest.skip("docker is not installed here")
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        pytest.skip(
            "Docker's engine does not run here (`docker info` fails): the image "
            "cannot be built; the compose tests above and tests/deploy/"
            "test_production_start.py check what it runs"
        )
    tag = "svodka:test"
    built = subprocess.run(
        ["docker", "build", "-f", "deploy/Dockerfile", "-t", tag, "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr[-4000:]
    # The default database is SQLite in /app/var: the non-root user must be able to write it.
    migrated = subprocess.run(
        ["docker", "run", "--rm", tag, "svodka", "migrate"], capture_output=True, text=True
    )
    assert migrated.returncode == 0, migrated.stderr
    frozen = subprocess.run(
        ["docker", "run", "--rm", tag, "pip", "freeze"], capture_output=True, text=True
    )
    pins = {
        line.split("==")[0].lower(): line.strip()
        for line in (ROOT / "requirements" / "constraints.txt").read_text().splitlines()
        if "==" in line
    }
    assert frozen.returncode == 0, frozen.stderr
    installed = {line.split("==")[0].lower(): line.strip() for line in frozen.stdout.splitlines()}
    assert "vkbottle" in installed
    for name, line in installed.items():
        if name in pins:
            assert line == pins[name], "the image holds a version the tests did not pass"
