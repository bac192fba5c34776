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
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import false

from baosong.vocabulary import (
    Change,
    CommissionLink,
    MailKind,
    OutboxState,
    PieceStatus,
    Reason,
    TitleSource,
    UnitSource,
    Verdict,
    values_of,
)

# Alembic's documented convention: every constraint and index gets a predictable name, so a later
# migration can drop or alter it by name on every backend (SQLite's batch mode needs the names).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def one_of(column: str, values: tuple[str, ...]) -> str:
    """SQL for ``column IN (...)``: a vocabulary value stored as a constrained value."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


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
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
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
    former_names: Mapped[list[UnitFormerName]] = relationship(
        back_populates="unit", cascade="all, delete-orphan"
    )


class UnitFormerName(Base):
    """A name a unit had before (units.yaml ``former_names``): one name belongs to one unit only."""

    __tablename__ = "unit_former_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    name: Mapped[str] = mapped_column(String(200), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="former_names")


class UnitAddress(Base):
    __tablename__ = "unit_addresses"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    address: Mapped[str] = mapped_column(String(320), unique=True)

    unit: Mapped[Unit] = relationship(back_populates="addresses")


class Message(Base):
    """One received e-mail and what the gate decided about it (the processed-mail record)."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_message_mailbox_uid"),
        CheckConstraint(one_of("verdict", values_of(Verdict)), name="verdict"),
        CheckConstraint(one_of("reason", values_of(Reason)), name="reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)  # raw bytes: one record per message
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)   # the duplicate rule asks by it
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
    """One submitted piece (稿件): an attached document or a mail body.

    Corrections change a piece in place and record each change in ``corrections``; a piece is never
    deleted. ``status`` says whether it counts; ``replaced_by`` names the piece that counts instead
    of a superseded (修改稿) or merged one.
    """

    __tablename__ = "pieces"
    __table_args__ = (
        Index("ix_pieces_unit_received", "unit_id", "received_at"),
        CheckConstraint(one_of("commission_link", values_of(CommissionLink)), name="commission_link"),
        CheckConstraint(one_of("title_source", values_of(TitleSource)), name="title_source"),
        CheckConstraint(one_of("unit_source", values_of(UnitSource)), name="unit_source"),
        CheckConstraint(one_of("status", values_of(PieceStatus)), name="status"),
        # a period's pieces (scoring, `ledger list --month`): a range scan that also holds what scoring counts
        Index("ix_pieces_received_unit_category", "received_at", "unit_id", "category"),
    )

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
    # the type a regime's outlet points are keyed by (动态类/综合类) when the category does not say it
    piece_type: Mapped[str | None] = mapped_column(String(50))
    # the commission (约稿) this piece answers, and how that was found (a CommissionLink)
    commission_id: Mapped[int | None] = mapped_column(ForeignKey("commissions.id"), index=True)
    commission_link: Mapped[str | None] = mapped_column(String(20))
    # flagged for the office: the piece could belong to any of these commissions (never guessed);
    # [] when it is tagged 【约稿】 but matches none. None: nothing to decide.
    commission_candidates: Mapped[list | None] = mapped_column(JSON(none_as_null=True))  # None: SQL NULL
    # Where extraction found the fields (issue 9): the title's source ("document", "subject",
    # "filename"), the unit's ("document", "sender", "both"), the approver (审核/签发), a 约稿 tag,
    # and what the office should check (comma-separated flags, e.g. "unit_differs_from_sender").
    title_source: Mapped[str | None] = mapped_column(String(10))
    unit_source: Mapped[str | None] = mapped_column(String(10))
    approver: Mapped[str | None] = mapped_column(String(200))
    commissioned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    flags: Mapped[str | None] = mapped_column(String(200))
    # the earlier piece this one is a revised version of (修改稿): both stay, the revision supersedes
    revises_id: Mapped[int | None] = mapped_column(ForeignKey("pieces.id"))
    status: Mapped[str] = mapped_column(String(20), default=PieceStatus.COUNTED.value,
                                        server_default=PieceStatus.COUNTED.value)  # a PieceStatus
    replaced_by: Mapped[int | None] = mapped_column(ForeignKey("pieces.id"))

    message: Mapped[Message] = relationship(back_populates="pieces")
    unit: Mapped[Unit] = relationship()
    commission: Mapped[Commission | None] = relationship()
    adoptions: Mapped[list[Adoption]] = relationship(back_populates="piece")
    instructions: Mapped[list[Instruction]] = relationship(back_populates="piece")


class Adoption(Base):
    """An outlet (刊物) adopted a piece: an event, scored by scoring.yaml's outlet table."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("piece_id", "outlet", name="uq_adoption_piece_outlet"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"))
    outlet: Mapped[str] = mapped_column(String(100))
    adopted_on: Mapped[date] = mapped_column(Date, index=True)  # a period's adoptions
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    piece: Mapped[Piece] = relationship(back_populates="adoptions")


class Instruction(Base):
    """A leader's instruction (批示) on a piece, at a level named in scoring.yaml."""

    __tablename__ = "instructions"
    __table_args__ = (UniqueConstraint("piece_id", "level", name="uq_instruction_piece_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"))
    level: Mapped[str] = mapped_column(String(100))
    instructed_on: Mapped[date] = mapped_column(Date, index=True)  # a period's instructions
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    piece: Mapped[Piece] = relationship(back_populates="instructions")


class PieceJointUnit(Base):
    """Another unit that shares a piece's credit (a joint item, or the same item sent by several units)."""

    __tablename__ = "piece_joint_units"
    __table_args__ = (UniqueConstraint("piece_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int] = mapped_column(ForeignKey("pieces.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()


class UnitEntry(Base):
    """An entry the office makes for a unit that scores: an endorsement of the notice by the unit's
    principal or deputy (kind ``endorsement``, key ``principal``/``deputy``), or an adjustment named
    in scoring.yaml (kind ``adjustment``, key the adjustment's name; ``done`` for yearly tasks)."""

    __tablename__ = "unit_entries"
    __table_args__ = (Index("ix_unit_entries_entered_on", "entered_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(100))
    entered_on: Mapped[date] = mapped_column(Date)
    done: Mapped[bool | None]
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    unit: Mapped[Unit] = relationship()
class Correction(Base):
    """One change made to the ledger after the fact: who, when, what (old and new value), why.

    ``piece_id`` is the piece changed (``unit_id`` for a unit renamed), ``related_piece_id`` the
    other piece of a supersede, merge or split. ``via`` says how: ``cli`` or ``import <file>``.
    """

    __tablename__ = "corrections"
    __table_args__ = (CheckConstraint(one_of("action", values_of(Change)), name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    piece_id: Mapped[int | None] = mapped_column(ForeignKey("pieces.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    action: Mapped[str] = mapped_column(String(20))  # a Change
    field: Mapped[str | None] = mapped_column(String(40))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    related_piece_id: Mapped[int | None] = mapped_column(ForeignKey("pieces.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    via: Mapped[str] = mapped_column(String(300), default="cli")


class OutboxMail(Base):
    """Every outgoing mail: rendered and stored here first, then sent once.

    ``key`` makes queuing idempotent (a reply to one message, a notice for one
    month and recipient are queued at most once).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint(one_of("status", values_of(OutboxState)), name="status"),
        CheckConstraint(one_of("kind", values_of(MailKind)), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # a MailKind
    recipients: Mapped[list] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text)
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(20), default=OutboxState.PENDING.value)  # an OutboxState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    message_ref: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    # the mail's own Message-ID header: a reply to it (In-Reply-To) is correspondence, not a piece
    rfc_message_id: Mapped[str | None] = mapped_column(String(998), index=True)


class OutboxRecipient(Base):
    """One recipient of an outbox mail: delivered, refused for good, or still to try (with backoff).

    A mail to two addresses where one answered 451 is sent to the other and retried for that one only;
    the mail's own status follows its recipients (sent when every one is sent, failed when none is left
    to try and one failed).
    """

    __tablename__ = "outbox_recipients"
    __table_args__ = (
        UniqueConstraint("outbox_id", "address", name="uq_outbox_recipients_outbox_id"),
        CheckConstraint(one_of("status", values_of(OutboxState)), name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id"), index=True)
    address: Mapped[str] = mapped_column(String(320))
    status: Mapped[str] = mapped_column(String(20), default=OutboxState.PENDING.value)  # an OutboxState
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # the process handing this recipient over right now ("host:pid:token") and since when (ledger/outbox.py)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None]


class Lease(Base):
    """Who may send: one row per lease name, held by one daemon until it expires (renewed while running)."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]


class Approval(Base):
    """A period's notices held for the office's approval: the draft's code, and when and by whom released."""

    __tablename__ = "approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(20), unique=True)  # "2026-10", "2026Q4" ...
    code: Mapped[str] = mapped_column(String(20), unique=True)
    drafted_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(320))


class Failure(Base):
    """A received message whose processing raised: counted per attempt, set aside after N.

    Known by (mailbox, UIDVALIDITY, UID); ``sha256`` is of the raw bytes. Once ``set_aside_at`` is
    set, the message has been moved to the quarantine folder and recorded as a message row
    (``message_ref``: verdict quarantined, reason processing_failed) and the office alerted once.
    """

    __tablename__ = "failures"
    __table_args__ = (UniqueConstraint("mailbox", "uidvalidity", "uid", name="uq_failures_mailbox_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200))
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    uid: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text)  # the last traceback
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_aside_at: Mapped[datetime | None]
    message_ref: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))


class Commission(Base):
    """A commission (约稿): a topic asked of some units by a deadline, announced by a 约稿通知单.

    ``message_id`` is the commission's own Message-ID: the office's copy of the notice carries it and
    every unit's notice references it, so a reply to any of them names the commission.
    """

    __tablename__ = "commissions"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_commissions_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)          # numbering restarts every year
    number: Mapped[str] = mapped_column(String(100), unique=True)  # 约稿〔2026〕12号
    topic: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(50))
    contact: Mapped[str | None] = mapped_column(String(200))
    deadline: Mapped[datetime]
    deadline_text: Mapped[str] = mapped_column(String(100))  # as given: "2026-12-05 17:00", "3工作日"
    message_id: Mapped[str] = mapped_column(String(998), unique=True)
    notified: Mapped[bool] = mapped_column(default=False)   # the notices were queued in the outbox
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    units: Mapped[list[CommissionUnit]] = relationship(
        back_populates="commission", cascade="all, delete-orphan", order_by="CommissionUnit.id")


class CommissionUnit(Base):
    """A unit a commission was addressed to; its status is computed, except a refusal the office marks."""

    __tablename__ = "commission_units"
    __table_args__ = (UniqueConstraint("commission_id", "unit_id", name="uq_commission_units_commission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commission_id: Mapped[int] = mapped_column(ForeignKey("commissions.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    message_id: Mapped[str | None] = mapped_column(String(998), index=True)  # this unit's notice
    refused_at: Mapped[datetime | None]
    refused_note: Mapped[str | None] = mapped_column(Text)

    commission: Mapped[Commission] = relationship(back_populates="units")
    unit: Mapped[Unit] = relationship()
class MailboxPoll(Base):
    """Per polled mailbox folder: the last poll, the last successful one, and the folder's UIDVALIDITY.

    ``mailbox`` is the name messages are recorded under (the mailbox's name, or "name#folder" for
    an extra folder such as the junk folder). ``uidvalidity`` is what the folder had at the last
    poll: a change means the server renumbered it, and messages are then known by content alone.
    """

    __tablename__ = "mailbox_polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(200), unique=True)
    uidvalidity: Mapped[int | None] = mapped_column(Integer)
    last_attempt_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # polls in a row that failed, and when the office was told the mailbox keeps failing (a success clears both)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    alerted_at: Mapped[datetime | None]


class LedgerMeta(Base):
    """Small facts about the ledger itself, by key: e.g. ``units_sha256``, the digest of the units.yaml
    content last synced into ``units`` (start-up syncs again only when it changed)."""

    __tablename__ = "ledger_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DocNumber(Base):
    """A 文号 given to a formal document (the period's notice, an interview letter): numbered per year
    and per series (the format), given once per ``key`` so a preview and the real sending agree."""

    __tablename__ = "doc_numbers"
    __table_args__ = (UniqueConstraint("series", "year", "seq", name="uq_doc_numbers_series"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)   # notice:2026-10, letter:2026-10:滨湖镇人民政府
    series: Mapped[str] = mapped_column(String(100))             # the format, e.g. 滕政办信〔{year}〕{seq}号
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
