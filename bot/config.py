"""Typed configuration from the environment and `.env`, validated once at start."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

REAL_VK_API_URL = "https://api.vk.ru/method/"
SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", env_ignore_empty=True, extra="ignore"
    )

    database_url: str = "sqlite+aiosqlite:///./var/svodka.db"
    vk_token: SecretStr | None = None
    vk_group_id: int | None = Field(default=None, gt=0)
    vk_api_url: str = REAL_VK_API_URL
    admin_ids: Annotated[list[int], NoDecode] = []
    default_tz: str = "Europe/Moscow"
    callback_secret: SecretStr | None = None
    callback_confirmation: str | None = None
    send_rps: float = Field(default=20.0, gt=0, le=1000)
    log_level: str = "INFO"
    invite_ttl_days: int = Field(default=30, gt=0, le=3650)
    # Processed VK updates are kept this long to recognise redeliveries (hours at most).
    inbound_retention_days: int = Field(default=7, gt=0, le=3650)
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str | None = None
    # starttls (port 587), ssl (implicit TLS, port 465) or none (a relay on the local network).
    smtp_tls: Literal["starttls", "ssl", "none"] = "starttls"
    # The officials' read-only dashboard at /web/ (bot/web), and the address its sign-in
    # links start with; unset, the address the server listens on.
    web_enabled: bool = False
    web_base_url: str | None = None

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError as exc:
            raise ValueError("not a database URL") from exc
        if url.drivername not in SUPPORTED_DRIVERS:
            raise ValueError(f"use one of {', '.join(SUPPORTED_DRIVERS)}, not {url.drivername}")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("default_tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("unknown IANA time zone") from exc
        return value

    @field_validator("vk_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("web_base_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return level

    def require_token(self) -> str:
        if self.vk_token is None or not self.vk_token.get_secret_value():
            raise ConfigError("VK_TOKEN: not set (the community token from VK settings)")
        return self.vk_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings; turn pydantic's report into one line that names the setting.

    The offending value is never echoed: it might be the token.
    """
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {reason}") from None
