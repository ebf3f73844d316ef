import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings


def test_defaults_are_embedded_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.send_rps == 20
    assert settings.default_tz == "Europe/Moscow"


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "101, 202,303")
    assert load_settings(_env_file=None).admin_ids == [101, 202, 303]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "mysql://root@localhost/x"),
        ("ADMIN_IDS", "12,abc"),
        ("DEFAULT_TZ", "Mars/Olympus"),
        ("SEND_RPS", "-1"),
        ("VK_GROUP_ID", "club1"),
        ("VK_API_URL", "ftp://example"),
    ],
)
def test_malformed_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    message = str(caught.value)
    assert message.startswith(f"{name}:")
    assert "\n" not in message


def test_token_never_appears_in_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "vk1.a.SECRET-TOKEN-VALUE-123456"
    monkeypatch.setenv("VK_TOKEN", token)
    monkeypatch.setenv("SEND_RPS", token)
    with pytest.raises(ConfigError) as caught:
        load_settings(_env_file=None)
    assert token not in str(caught.value)


def test_cli_reports_malformed_database_url_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "sqlite://oops")
    assert main(["migrate"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "DATABASE_URL" in err
    assert "Traceback" not in err


def test_missing_token_is_named() -> None:
    settings = load_settings(_env_file=None, vk_token=None)
    with pytest.raises(ConfigError, match="^VK_TOKEN:"):
        settings.require_token()
