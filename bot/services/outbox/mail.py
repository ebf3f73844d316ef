"""E-mail: district addresses, the message with an XLSX attachment, and SMTP delivery.

Errors are sorted for the outbox: MailTemporary (server down, 4xx: try again later) and
MailRejected (5xx: the same message would be refused again). The password never reaches a
log or an exception message.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formatdate

from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.domain.permissions import Action, Actor, authorize
from bot.services.admin.districts import require_district
from bot.texts import requests as texts
from storage.db import Database
from storage.models import District
from storage.repos import audit, districts

logger = logging.getLogger(__name__)

MAX_ADDRESSES = 10
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_ADDRESS = re.compile(r"[^@\s,;<>\"']{1,64}@[^@\s,;<>\"'.]+(?:\.[^@\s,;<>\"'.]+)+")
_MAX_ADDRESS = 254
SMTP_TIMEOUT_S = 30.0


class MailTemporary(Exception):
    """Not sent now; worth trying again later."""


class MailRejected(Exception):
    """The server refused the message for good."""


def parse_addresses(text: str) -> list[str]:
    """«a@b.ru, c@d.ru» (commas, semicolons or spaces) → addresses; «-» or nothing → none.

    ValueError with a Russian message for the first thing that is not an address.
    """
    parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part and part != "-"]
    addresses: list[str] = []
    for part in parts:
        if len(part) > _MAX_ADDRESS or not _ADDRESS.fullmatch(part):
            raise ValueError(texts.EMAILS_BAD.format(address=part[:80]))
        if part.casefold() not in (a.casefold() for a in addresses):
            addresses.append(part)
    if len(addresses) > MAX_ADDRESSES:
        raise ValueError(texts.EMAILS_TOO_MANY.format(n=MAX_ADDRESSES))
    return addresses


async def set_district_emails(
    *,
    session: AsyncSession,
    district_name: str,
    addresses: list[str],
    subject: str | None,
    actor_id: int | None,
    now: datetime,
) -> District:
    """Where the district's summaries and request results are e-mailed (none: not e-mailed)."""
    district = await require_district(session, district_name)
    district.emails = list(addresses)
    if subject is not None and subject.strip():
        district.email_subject = " ".join(subject.split())[:200]
    # The count only: addresses are personal data.
    audit.record(
        session,
        action="district_emails_set",
        at=now,
        actor_id=actor_id,
        district_id=district.id,
        addresses=len(addresses),
    )
    return district


class NotYourDistrict(Exception):
    """The person may not change that district's addresses."""


async def set_emails_as(
    *, db: Database, actor: Actor, district_name: str, addresses: list[str], now: datetime
) -> District:
    """`/emails`: UnknownDistrict if there is no such district, NotYourDistrict if the person
    may not change its settings."""
    async with db.sessions.begin() as session:
        found = await districts.get_by_name(session, district_name)
        if found is not None and not authorize(actor, Action.SETTINGS, district_id=found.id):
            raise NotYourDistrict(district_name)
        return await set_district_emails(
            session=session,
            district_name=district_name,
            addresses=addresses,
            subject=None,
            actor_id=actor.person_id,
            now=now,
        )


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    attachment: Attachment,
    message_id: str,
    date: float,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(date, localtime=False)
    message["Message-ID"] = message_id
    message.set_content(body)
    message.add_attachment(
        attachment.data,
        maintype=XLSX_TYPE[0],
        subtype=XLSX_TYPE[1],
        filename=attachment.filename,
    )
    return message


def message_id_for(row_id: int, random_id: int, sender: str) -> str:
    """Fixed by the outbox row: a resend after a crash carries the same Message-ID, so the
    recipient's mail system (and a person) can tell it is the same letter."""
    domain = sender.rpartition("@")[2] or "svodka.local"
    return f"<svodka.{row_id}.{random_id:x}@{domain}>"


@dataclass(frozen=True)
class Mailer:
    host: str
    port: int
    sender: str
    tls: str
    user: str | None = None
    password: str | None = None  # kept out of repr below

    def __repr__(self) -> str:
        return f"Mailer(host={self.host!r}, port={self.port}, tls={self.tls!r})"

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer | None:
        """None when SMTP_HOST is not set: e-mail is optional."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        sender = settings.smtp_from or settings.smtp_user or f"svodka@{settings.smtp_host}"
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=sender,
            tls=settings.smtp_tls,
            user=settings.smtp_user,
            password=password,
        )

    async def send(self, message: EmailMessage) -> None:
        # Imported on the first e-mail: a bot without SMTP need not carry the client.
        import aiosmtplib

        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.user,
                password=self.password,
                use_tls=self.tls == "ssl",
                start_tls=self.tls == "starttls",
                timeout=SMTP_TIMEOUT_S,
            )
        except aiosmtplib.SMTPResponseException as exc:
            # Only the code: a server's text may echo what we sent.
            if 400 <= exc.code < 500:
                raise MailTemporary(f"SMTP {exc.code}") from None
            raise MailRejected(texts.SMTP_REFUSED.format(code=exc.code)) from None
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = sorted({error.code for error in exc.recipients})
            if codes and all(400 <= code < 500 for code in codes):
                raise MailTemporary(f"SMTP {codes}") from None
            raise MailRejected(texts.SMTP_REFUSED.format(code=codes)) from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise MailTemporary(type(exc).__name__) from None
