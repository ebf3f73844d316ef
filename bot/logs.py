"""Logging: one line per event, secrets masked wherever they would appear."""

from __future__ import annotations

import logging
import re
import sys

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MASK = "***"
# Secrets the filter cannot know in advance but recognises by shape: a token in a URL
# (vkbottle puts `access_token` in the query, and aiohttp errors quote the whole URL),
# in a JSON or form body, and the password of a database URL.
PATTERNS = (
    re.compile(r"(access_token[\"']?\s*[=:]\s*[\"']?)[^&\s\"',;}]+", re.IGNORECASE),
    re.compile(r"(://[^:/@\s]+:)[^@/\s]+(?=@)"),
)


class SecretMask(logging.Filter):
    """Replaces known secrets and token-shaped values in every record, exception text too."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        # Longest first, so a secret that contains another is masked whole.
        self._secrets = sorted((s for s in secrets if s and len(s) >= 6), key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        masked = self.mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_text:
            record.exc_text = self.mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self.mask(record.stack_info)
        return True

    def mask(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern in PATTERNS:
            text = pattern.sub(lambda m: m.group(1) + MASK, text)
        return text


def setup_logging(level: str, secrets: list[str]) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(SecretMask(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # vkbottle logs whole updates (message texts, personal data) at DEBUG and INFO, and at
    # import gives its logger a console handler of its own that would bypass the mask:
    # replace it so every vkbottle record goes through the handler above. The NullHandler
    # keeps a later first import of vkbottle from adding its console handler again.
    vkbottle_logger = logging.getLogger("vkbottle")
    vkbottle_logger.handlers[:] = [logging.NullHandler()]
    vkbottle_logger.setLevel(logging.WARNING)
    # aiosqlite logs every statement with its parameters: names and answers, at DEBUG.
    for noisy in ("aiohttp.access", "apscheduler", "alembic", "sqlalchemy.engine", "aiosqlite"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
