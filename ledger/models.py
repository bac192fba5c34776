"""The ledger's tables (SQLAlchemy 2.0 typed ORM).

The ledger stores *events*: messages received (with the gate's verdict), pieces
submitted, adoptions and leader instructions recorded, mail queued in the outbox.
Scores are never stored; they are computed from these events plus the regime in
scoring.yaml (see :mod:`baosong.ledger.scoring`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware datetimes on every backend: stored as UTC, read back as UTC.

    SQLite has no time zone type; storing UTC and re-attaching it on read keeps
    comparisons and month boundaries right on SQLite and PostgreSQL alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the ledger; attach a time zone first")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON, list: JSON}


class Unit(Base):
    """A submitting unit, synced from units.yaml (never deleted: history refers to it)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short: Mapped[str | None] = mapped_column(String(100))
    class_: Mapped[str] = mapped_column("class", String(20))
    principal_name: Mapped[str | None] = mapped_column(String(100))
    principal_email: Mapped[str | None] = mapped_column(String(320))
    active: Mapped[bool] = mapped_column(default=True)

    addresses: Mapped[list[UnitAddress]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitAddress(Base):
    __tablename__ = "unit_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    address: Mapped[str] = mapped_column(String(320), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="addresses")


class Message(Base):
    """One received e-mail and what the gate decided about it (the processed-mail record)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_message_mailbox_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # raw bytes: one record per message
    message_id: Mapped[str | None] = mapped_column(String(998))
    sender: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime]
    size: Mapped[int] = mapped_column(Integer)
    archive_path: Mapped[str] = mapped_column(Text)
    verdict: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(Text)
    # every gate rule that fired, in chain order: [{"rule": reason code, "detail": text}]
    rule_hits: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # set once the message has been moved out of the mailbox's inbox folder
    filed_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()
    pieces: Mapped[list[Piece]] = relationship(back_populates="message", cascade="all, delete-orphan")


class Piece(Base):
    """One submitted piece (稿件): an attached document or a mail body."""

    __tablename__ = "pieces"
    __table_args__ = (Index("ix_pieces_unit_received", "unit_id", "received_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    source: Mapped[str] = mapped_column(Text)  # attachment filename, or "body"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    stated_unit: Mapped[str | None] = mapped_column(String(200))
    author: Mapped[str | None] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(50))
    word_count: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime]

    message: Mapped[Message] = relationship(back_populates="pieces")
    unit: Mapped[Unit] = relationship()
    adoptions: Mapped[list[Adoption]] = relationship(back_populates="piece")
    instructions: Mapped[list[Instruction]] = relationship(back_populates="piece")


class Adoption(Base):
    """An outlet (刊物) adopted a piece: an event, scored by scoring.yaml's outlet table."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("piece_id", "outlet", name="uq_adoption_piece_outlet"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"))
    outlet: Mapped[str] = mapped_column(String(100))
    adopted_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    piece: Mapped[Piece] = relationship(back_populates="adoptions")


class Instruction(Base):
    """A leader's instruction (批示) on a piece, at a level named in scoring.yaml."""

    __tablename__ = "instructions"
    __table_args__ = (UniqueConstraint("piece_id", "level", name="uq_instruction_piece_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"))
    level: Mapped[str] = mapped_column(String(100))
    instructed_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    piece: Mapped[Piece] = relationship(back_populates="instructions")


class OutboxMail(Base):
    """Every outgoing mail: rendered and stored here first, then sent once.

    ``key`` makes queuing idempotent (a reply to one message, a notice for one
    month and recipient are queued at most once).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # reply | notice | letter
    recipients: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    message_ref: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
