"""The schema: every table svodka keeps. Natural keys carry unique constraints."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    literal,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import BigId, Json, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every model maps a plain Table; SQLAlchemy types `__table__` as any FromClause.
    __table__: ClassVar[Table]
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: Json, list[Any]: Json}


class District(Base):
    __tablename__ = "districts"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tz: Mapped[str] = mapped_column(String(64))
    schedule: Mapped[dict[str, Any] | None]
    school_holidays: Mapped[list[Any]] = mapped_column(default=list)
    holiday_calendar: Mapped[str | None] = mapped_column(String(64))
    emails: Mapped[list[Any]] = mapped_column(default=list)
    email_subject: Mapped[str] = mapped_column(String(200), default="Сферум")
    created_at: Mapped[datetime]


class School(Base):
    __tablename__ = "schools"
    __table_args__ = (UniqueConstraint("district_id", "name"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str | None] = mapped_column(String(120))
    inn: Mapped[str | None] = mapped_column(String(12))
    # Contacts from the office's list, for an official to phone a school that has not
    # answered; personal data (152-ФЗ): `svodka forget` clears them.
    head_name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    # Archived: no prompts, not counted in the week's figures; its answers stay.
    archived_at: Mapped[datetime | None]


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # Nullable so that `forget` can drop the VK id and keep the authorship of numbers.
    vk_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    forgotten_at: Mapped[datetime | None]


class Official(Base):
    __tablename__ = "officials"
    __table_args__ = (UniqueConstraint("person_id", "district_id"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class SchoolStaff(Base):
    """A head or a deputy of a school: one of each per school, several schools per person."""

    __tablename__ = "school_staff"
    __table_args__ = (
        UniqueConstraint("school_id", "role"),
        UniqueConstraint("person_id", "school_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Invite(Base):
    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16), default="head")
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A re-issued invite may replace the person who holds the role now.
    replaces_holder: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    redeemed_at: Mapped[datetime | None]
    redeemed_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]


class Chat(Base):
    __tablename__ = "chats"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    peer_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    title: Mapped[str | None] = mapped_column(String(300))
    answers_status: Mapped[bool] = mapped_column(Boolean, default=True)
    bound_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    bound_at: Mapped[datetime]


class Questionnaire(Base):
    __tablename__ = "questionnaires"
    __table_args__ = (UniqueConstraint("slug", "version"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    spec: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class Campaign(Base):
    """A weekly round series or a one-off request: the same machinery for both."""

    __tablename__ = "campaigns"
    # One weekly series per district, whoever creates it first (two planners may race).
    __table_args__ = (
        Index(
            "uq_campaigns_weekly_district",
            "district_id",
            unique=True,
            sqlite_where=text("kind = 'weekly'"),
            postgresql_where=text("kind = 'weekly'"),
        ),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    audience: Mapped[list[Any] | None]
    deadline_at: Mapped[datetime | None]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]

    @classmethod
    def of_kind(cls, kind: str) -> ColumnElement[bool]:
        """`kind = '<kind>'` with the kind written into the SQL. A bound value here would
        make SQLite prepare the statement again on every run: the planner checks the value
        against the partial index's `kind = 'weekly'`, and binding it again expires the
        statement (60–130 µs a check-in step, bench/README.md)."""
        return cls.kind == literal(kind, literal_execute=True)


class Round(Base):
    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("campaign_id", "period"),
        # Reports look a district's weeks up by period.
        Index("ix_rounds_district_period", "district_id", "period"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("questionnaires.id"))
    opens_at: Mapped[datetime]
    deadline_at: Mapped[datetime]
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime]


class Response(Base):
    """The current answers of one school in one round; earlier submissions are revisions."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("round_id", "school_id"),
        # A school's history (/my, /status <school>) reads its responses across rounds.
        Index("ix_responses_school", "school_id"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    revision: Mapped[int] = mapped_column(Integer, default=1)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    # Entered by the district office for the school (`/correct`): the author is an official.
    by_office: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    submitted_at: Mapped[datetime]


class Answer(Base):
    __tablename__ = "answers"
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(Json)
    # Numeric copy of the value so that district sums are plain SQL aggregates.
    num: Mapped[float | None] = mapped_column(Float)


class ResponseRevision(Base):
    __tablename__ = "response_revisions"
    __table_args__ = (UniqueConstraint("response_id", "revision"),)
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    answers: Mapped[dict[str, Any]]
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    by_office: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    submitted_at: Mapped[datetime]


class DialogState(Base):
    __tablename__ = "dialog_states"
    vk_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    state: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]
    # Bumped by every write: a step that read the state outside its write transaction
    # writes only if nobody changed the state meanwhile.
    version: Mapped[int] = mapped_column(default=0, server_default="0")


class InboundEvent(Base):
    """Every VK update seen, by event_id: the deduplication record and, in callback mode, the queue."""

    __tablename__ = "inbound_events"
    # The retention sweep finds processed events by age without reading the whole table.
    __table_args__ = (Index("ix_inbound_events_processed_at", "processed_at"),)
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime]
    payload: Mapped[dict[str, Any] | None]
    processed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    # Why an event that could not be read was set aside (processed_at is then set too).
    failed_reason: Mapped[str | None] = mapped_column(String(200))


class OutboxMessage(Base):
    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        # /status marks the schools of a round whose prompts failed to deliver.
        Index("ix_outbox_round_status", "round_id", "status"),
    )
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    peer_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]]
    random_id: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    not_before: Mapped[datetime]
    not_after: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    vk_message_id: Mapped[int | None] = mapped_column(BigInteger)
    error_code: Mapped[int | None] = mapped_column(Integer)
    error_text: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditEvent(Base):
    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("districts.id", ondelete="SET NULL"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    details: Mapped[dict[str, Any]]


class Throttle(Base):
    """A counter in a time window: invite attempts per VK id, /remind per district, floods."""

    __tablename__ = "throttles"
    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime]
    blocked_until: Mapped[datetime | None]


class WebSigninToken(Base):
    """A one-time dashboard sign-in link (bot/web): only its SHA-256 is kept."""

    __tablename__ = "web_signin_tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser: the cookie's SHA-256, whose it is and until when."""

    __tablename__ = "web_sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class Lease(Base):
    """Who may do a once-at-a-time job (the planning tick, the Long Poll reader) until when."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime]


class AppState(Base):
    __tablename__ = "app_state"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, Any]]
