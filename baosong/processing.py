"""One message through the whole flow: archive → judge (intake) → record (ledger) → queue reply (notify).

A message is recorded at most once: it is known by (mailbox, UIDVALIDITY, UID) and by
the SHA-256 of its raw bytes, so a crash before the IMAP move, or a UIDVALIDITY reset,
never records it twice. The reply is queued in the same transaction as the record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from baosong.app import App
from baosong.archive import ArchiveBatch, archive_raw
from baosong.commissions import links_for, open_commissions, open_commissions_of, queue_flag_alert
from baosong.intake.commission_link import OpenCommission
from baosong.intake.documents import sha256 as sha256_of
from baosong.intake.gate import Candidate
from baosong.intake.judge import Judgement
from baosong.intake.rules.revision import title_key
from baosong.judging import LedgerLookups, SeenPiece, decide_raw
from baosong.judging import judge_raw as judge_config
from baosong.ledger.messages import (
    MessageRecord,
    PieceRecord,
    StagedMessage,
    StagedPiece,
    find_message,
    find_message_by_sha,
    insert_staged,
    load_units,
    message_id_seen,
    message_ids_seen,
    piece_seen,
    pieces_seen,
    recent_pieces,
    record_message,
    stage_message,
    unit_pieces,
)
from baosong.ledger.models import Message
from baosong.ledger.outbox import enqueue, rejections_since, sent_by_us, sent_by_us_among
from baosong.messages import say
from baosong.replying import build_mails
from baosong.vocabulary import Reason, Verdict


@dataclass(frozen=True)
class Outcome:
    ledger_id: int
    verdict: str
    reason: str | None
    sender: str
    unit: str | None
    pieces: int
    new: bool            # False when the message had been recorded before


_MSGID = re.compile(r"<[^<>\s]+>")   # as the correspondence rule finds them in In-Reply-To / References


class RecentPieces:
    """Each unit's recent pieces by title key and by file-name key (the revision rule and the link to the
    piece revised), kept across the batches of one poll: a unit's latest pieces are asked of the ledger once
    (:func:`recent_pieces`), then each committed batch's new pieces are added (:meth:`learn`). The newest by
    (received date, id) wins, as the ledger's query orders them. A batch that fails (recorded one at a time
    instead) clears it (:meth:`forget`): the next batch asks the ledger again."""

    def __init__(self) -> None:
        self.titles: dict[str, dict[str, tuple[datetime, int]]] = {}
        self.names: dict[str, dict[str, tuple[datetime, int]]] = {}

    def load(self, session: Session, units: set[str]) -> None:
        missing = units - self.titles.keys()
        if not missing:
            return
        with session.no_autoflush:   # the batch's own pending records are learnt, not flushed
            found = recent_pieces(session, missing)
        for unit in missing:
            self.titles.setdefault(unit, {})
            self.names.setdefault(unit, {})
            for pid, title, source, received in found.get(unit, ()):
                self._note(unit, title, source, (received, pid))

    def learn(self, staged: Iterable[StagedMessage]) -> None:
        """A batch was committed: its pieces (with their ids) join their units' recent pieces."""
        for message in staged:
            unit = message.unit.name if message.unit is not None else None
            if unit is None or unit not in self.titles:   # a unit not loaded yet reads them from the ledger
                continue
            for piece in message.pieces:
                self._note(unit, piece.title, piece.source, (message.received_at, piece.id))

    def _note(self, unit: str, title: str | None, source: str, stamp: tuple[datetime, int]) -> None:
        """One piece of a loaded unit, under its title key (the same TITLE: file names are too generic for
        the rule) and its file-name key; the newest (received date, id) of a key wins."""
        key = title_key(title)
        titles = self.titles[unit]
        if key and (key not in titles or titles[key] < stamp):
            titles[key] = stamp
        name = title_key(source) if source != "body" else ""
        names = self.names[unit]
        if name and (name not in names or names[name] < stamp):
            names[name] = stamp

    def forget(self) -> None:
        self.titles.clear()
        self.names.clear()


class BatchLookups:
    """The gate's questions about a whole batch, asked of the ledger in a few queries instead of several
    per message: its documents by SHA-256, its Message-IDs, the Message-IDs it answers, its units' recent
    titles. What the batch itself records is learnt as it goes (:meth:`learn`), so a message sees its
    batch's earlier messages as it would see them committed. A question about something not asked in
    advance (a header-only message, a body piece) falls back to its own query."""

    def __init__(self, session: Session, candidates: Iterable[Candidate], recent: RecentPieces | None = None):
        self.session = session
        self._recent = recent if recent is not None else RecentPieces()
        cands = [c for c in candidates]
        piece_pairs = {(d.sha256, c.unit) for c in cands if c.unit
                       for d in (*c.documents, *((c.body,) if c.body is not None else ()))}
        self._piece_keys = piece_pairs
        self._pieces = pieces_seen(session, piece_pairs) if piece_pairs else set()
        mid_pairs = {(c.message.message_id, c.unit) for c in cands if c.unit and c.message.message_id}
        self._mid_keys = mid_pairs
        self._mids = message_ids_seen(session, mid_pairs) if mid_pairs else set()
        refs = {msgid for c in cands for header in ("In-Reply-To", "References")
                for value in c.message.headers(header) for msgid in _MSGID.findall(value)}
        self._ref_keys = refs
        self._ours = sent_by_us_among(session, refs) if refs else set()
        # per unit: title key -> its newest piece's (received_at, id), file-name key -> likewise (revisions
        # link to them); kept across a poll's batches
        self._recent.load(session, {c.unit for c in cands if c.unit})
        self._commissions: dict[str, list[OpenCommission]] = open_commissions_of(
            session, {c.unit for c in cands if c.unit})
        load_units(session, {c.unit for c in cands if c.unit})   # the units the batch records, in one query
        # the batch's own new pieces by key, the latest last (their ids come with the batch's flush)
        self._new_titles: dict[tuple[str, str], StagedPiece] = {}
        self._new_names: dict[tuple[str, str], StagedPiece] = {}

    def _unit(self, unit: str) -> None:
        if unit not in self._recent.titles:
            self._recent.load(self.session, {unit})

    def _answer(self, key: object, found: set, asked: set, ask: Callable[[], bool]) -> bool:
        """Found by the batch's query (or learnt since), else asked in advance and not found, else
        ``ask``: a query of its own, without flushing the batch's pending INSERTs."""
        if key in found:
            return True
        if key in asked:
            return False
        with self.session.no_autoflush:
            return ask()

    def seen_piece(self, sha: str, unit: str) -> bool:
        return self._answer((sha, unit), self._pieces, self._piece_keys,
                            lambda: piece_seen(self.session, sha, unit) is not None)

    def seen_message_id(self, message_id: str, unit: str) -> bool:
        return self._answer((message_id, unit), self._mids, self._mid_keys,
                            lambda: message_id_seen(self.session, message_id, unit))

    def ours(self, message_id: str) -> bool:
        return self._answer(message_id.strip(), self._ours, self._ref_keys,   # the outbox's ids are stripped
                            lambda: sent_by_us(self.session, message_id))

    def seen_title(self, key: str, unit: str) -> bool:
        self._unit(unit)
        return key in self._recent.titles[unit] or (key, unit) in self._new_titles

    def revised(self, unit: str | None, title: str | None, source: str) -> int | StagedPiece | None:
        """:func:`revised_piece` from the batch's one query: the id of the earlier piece, or the batch's
        own (not yet inserted) piece, whose id :meth:`Batch.finish` links once the batch is inserted."""
        if unit is None:
            return None
        self._unit(unit)
        by_title = title_key(title)
        if by_title:   # the same title first, then the same file name once the revision marks are dropped
            staged = self._new_titles.get((by_title, unit))
            if staged is not None:
                return staged
            found = self._recent.titles[unit].get(by_title)
            if found is not None:
                return found[1]
        by_name = title_key(source) if source != "body" else ""
        if by_name:
            staged = self._new_names.get((by_name, unit))
            if staged is not None:
                return staged
            found = self._recent.names[unit].get(by_name)
            return found[1] if found is not None else None
        return None

    def learn(self, verdict: Judgement, message: StagedMessage) -> None:
        """A message of the batch was staged (not yet inserted): later messages see its pieces."""
        unit = verdict.unit
        if unit is None:
            return
        for p, piece in zip(verdict.pieces, message.pieces, strict=True):
            self._pieces.add((p.sha256, unit))
            key = title_key(p.ledger_title)
            if key:
                self._new_titles[(key, unit)] = piece
            name = title_key(p.source) if p.source != "body" else ""
            if name:
                self._new_names[(name, unit)] = piece
        if verdict.verdict is Verdict.ACCEPTED and verdict.message.message_id:
            self._mids.add((verdict.message.message_id, unit))

    def commissions(self, unit: str) -> list[OpenCommission]:
        """The unit's open commissions, asked once per batch (a poll creates none), without flushing the
        batch's pending INSERTs."""
        found = self._commissions.get(unit)
        if found is None:
            with self.session.no_autoflush:
                found = self._commissions[unit] = open_commissions(self.session, unit)
        return found

    def as_lookups(self) -> LedgerLookups:
        return LedgerLookups(seen_piece=self.seen_piece, seen_message_id=self.seen_message_id, ours=self.ours,
                             seen_title=self.seen_title)


@dataclass
class Batch:
    """Several messages of one mailbox folder recorded in one transaction (``baosong.poll``).

    The caller opens the session, makes the archive durable (``archive.sync()``) and commits once
    for the whole batch; ``known`` holds the batch's messages already in the ledger by SHA-256.
    """

    session: Session
    archive: ArchiveBatch
    known: dict[str, Message | StagedMessage] = field(default_factory=dict)
    # examined ahead by another process (``baosong.judge_pool``), by SHA-256; the gate runs here
    examined: dict[str, Candidate] = field(default_factory=dict)

    # the gate's ledger questions for the batch, asked at once (set by the caller once it has examined)
    lookups: BatchLookups | None = None
    # every message of the batch in order (new ones staged, inserted by finish()), and the new ones' verdicts
    messages: list[tuple[Message | StagedMessage, bool]] = field(default_factory=list)
    staged: list[StagedMessage] = field(default_factory=list)
    replies: list[tuple[Judgement, StagedMessage]] = field(default_factory=list)

    def add(self, message: Message | StagedMessage, *, new: bool) -> Outcome:
        """Note a message of the batch; its outcome (with its ledger id) comes from :meth:`finish`."""
        self.messages.append((message, new))
        return Outcome(-1, message.verdict, message.reason, message.sender, None, len(message.pieces), new)

    def finish(self, app: App) -> list[Outcome]:
        """Insert the batch's messages and pieces (two Core INSERT ... RETURNING), queue their replies;
        their outcomes, in order."""
        insert_staged(self.session, self.staged)
        for verdict, message in self.replies:
            _after_recording(app, self.session, verdict, message)
        self.session.flush()
        return [_outcome(message, new) for message, new in self.messages]


def piece_seen_in(session: Session) -> SeenPiece:
    """The gate's "seen before" question, asked of the ledger."""
    return lambda sha, unit: piece_seen(session, sha, unit) is not None


def ledger_lookups(session: Session) -> LedgerLookups:
    """Every question the gate asks of the ledger, answered from one session."""

    @cache
    def titles_of(unit: str) -> dict[str, int]:
        keys: dict[str, int] = {}
        for piece in unit_pieces(session, unit):      # newest first: the latest version wins
            key = title_key(piece.title)                # the same TITLE (file names are too generic)
            if key:
                keys.setdefault(key, piece.id)
        return keys

    return LedgerLookups(
        seen_piece=piece_seen_in(session),
        seen_message_id=lambda message_id, unit: message_id_seen(session, message_id, unit),
        ours=lambda message_id: sent_by_us(session, message_id),
        seen_title=lambda key, unit: key in titles_of(unit),
    )


def revised_piece(session: Session, unit: str | None, title: str | None, source: str) -> int | None:
    """The earlier piece of ``unit`` that a piece with this title or file name revises, if any."""
    if unit is None:
        return None
    earlier = unit_pieces(session, unit)
    by_title = title_key(title)
    if by_title:   # the same title first, then the same file name once the revision marks are dropped
        for piece in earlier:
            if title_key(piece.title) == by_title:
                return piece.id
    by_name = title_key(source) if source != "body" else ""
    if by_name:
        for piece in earlier:
            if piece.source != "body" and title_key(piece.source) == by_name:
                return piece.id
    return None


def judge_raw(app: App, raw: bytes, session: Session | None = None, size: int | None = None) -> Judgement:
    return judge_config(app.config, raw, ledger_lookups(session) if session is not None else None, size=size)


def _outcome(message: Message | StagedMessage, new: bool) -> Outcome:
    return Outcome(message.id, message.verdict, message.reason, message.sender,
                   message.unit.name if message.unit else None, len(message.pieces), new)


def already_recorded(session: Session, mailbox: str, uidvalidity: int | None, uid: int | None,
                     sha: str) -> Message | None:
    return find_message(session, mailbox, uidvalidity, uid) or find_message_by_sha(session, sha)


def process(app: App, raw: bytes, *, mailbox: str, uidvalidity: int | None = None, uid: int | None = None,
            received_at: datetime | None = None, size: int | None = None, batch: Batch | None = None,
            sha: str | None = None) -> Outcome:
    """Archive, judge, record and queue the reply of one message; ``size`` is the message's size on the
    server when ``raw`` holds only its header (too large to download). With ``batch`` the caller commits;
    ``sha``: the SHA-256 of ``raw`` when the caller has it already."""
    sha = sha or sha256_of(raw)
    when = received_at or datetime.now(timezone.utc)
    if batch is not None:
        path = batch.archive.write(raw, sha, when)  # durable before the batch's commit
    else:
        path = archive_raw(app.config.archive_dir, raw, sha, when, app.config.tz)  # idempotent

    with nullcontext(batch.session) if batch is not None else app.sessions() as session:
        if batch is not None:  # the batch's UIDs were checked before fetching; its SHA-256s in one query
            seen = batch.known.get(sha)
        else:
            seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
        if seen is not None:
            if batch is not None:
                return batch.add(seen, new=False)
            return _outcome(seen, new=False)
        ahead = batch.examined.pop(sha, None) if batch is not None else None
        lookups = (batch.lookups.as_lookups() if batch is not None and batch.lookups is not None
                   else ledger_lookups(session))
        if ahead is not None:  # parsed and read ahead (in a worker, or before the batch's queries)
            verdict = decide_raw(app.config, ahead, lookups)
        else:
            verdict = judge_config(app.config, raw, lookups, size=size)
        m = verdict.message
        # the commission (约稿) each piece answers, or a flag for the office
        links = links_for(app, session, verdict.unit, m, [(p.source, p.title) for p in verdict.pieces],
                          batch.lookups.commissions(verdict.unit)
                          if batch is not None and batch.lookups is not None and verdict.unit else None)
        revised = [_revises(session, verdict, p.title, p.source, batch.lookups if batch else None)
                   for p in verdict.pieces]
        record = MessageRecord(
            mailbox=mailbox, uidvalidity=uidvalidity, uid=uid, sha256=sha, message_id=m.message_id,
            sender=m.sender, subject=m.subject, received_at=when, size=size or len(raw), archive_path=str(path),
            verdict=verdict.verdict.value, reason=verdict.reason.value if verdict.reason else None,
            detail=verdict.detail, unit_name=verdict.unit,
            pieces=tuple(PieceRecord(p.source, p.sha256, p.ledger_title, p.stated_unit, p.author, p.category,
                                     p.word_count, revises_id=revises if isinstance(revises, int) else None,
                                     commission_id=link.commission_id, commission_link=link.how,
                                     commission_candidates=link.candidates,
                                     title_source=p.title_source, unit_source=p.unit_source,
                                     approver=p.approver, commissioned=p.commissioned, flags=p.flags)
                         for p, link, revises in zip(verdict.pieces, links, revised, strict=True)),
            rule_hits=tuple((h.rule.value, h.detail) for h in verdict.hits),
        )
        if batch is not None:  # inserted with the whole batch; its mail queued then (the key needs its id)
            staged = stage_message(session, record)
            for piece, earlier in zip(staged.pieces, revised, strict=True):
                if isinstance(earlier, StagedPiece):   # a revision of a piece sent in this same batch
                    piece.revises = earlier
            batch.known[sha] = staged
            batch.staged.append(staged)
            if batch.lookups is not None:
                batch.lookups.learn(verdict, staged)
            batch.replies.append((verdict, staged))
            return batch.add(staged, new=True)
        message = record_message(session, record)
        _after_recording(app, session, verdict, message)
        try:
            session.commit()
        except IntegrityError:  # lost a race to another process (`poll --once` beside the daemon)
            session.rollback()
            seen = already_recorded(session, mailbox, uidvalidity, uid, sha)
            if seen is None:
                raise
            return _outcome(seen, new=False)
        return _outcome(message, new=True)


def _revises(session: Session, verdict: Judgement, title: str | None, source: str,
             lookups: BatchLookups | None = None) -> int | StagedPiece | None:
    """Link a revision (the gate's ``revision`` hit) to the piece it replaces."""
    if not any(h.rule is Reason.REVISION for h in verdict.hits):
        return None
    if lookups is not None:
        return lookups.revised(verdict.unit, title, source)
    return revised_piece(session, verdict.unit, title, source)


def _after_recording(app: App, session: Session, verdict: Judgement, message: Message | StagedMessage) -> None:
    """What follows a recorded message, in its own transaction: the mail its verdict calls for, an
    alert for a piece that could answer several commissions, a notice released by the office's reply."""
    _queue_mail(app, session, verdict, message)
    queue_flag_alert(app, session, message)
    if verdict.reason is Reason.APPROVAL_REPLY and verdict.detail:
        release_by_reply(session, verdict.detail, verdict.sender)


def release_by_reply(session: Session, code: str, sender: str | None) -> bool:
    """An office address quoted a draft's code: mark its period approved, in the message's own
    transaction. The next notice job (or `baosong notify approve` again) queues and sends it."""
    from baosong.ledger.approvals import approval_by_code, approve

    row = approval_by_code(session, code)
    return row is not None and approve(session, row, sender or "")


def _queue_mail(app: App, session: Session, verdict: Judgement, message: Message | StagedMessage) -> None:
    """Queue what the verdict's disposition asks for: a reply to the sender, an alert to the office."""
    tz = app.config.tz
    received = say("poll.mail_time", when=message.received_at.astimezone(tz))
    day_start = datetime.now(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    # the rate limit counts rejection replies only: an accepted piece needs no count
    today = (rejections_since(session, verdict.sender, day_start)
             if verdict.sender and verdict.verdict is not Verdict.ACCEPTED and app.config.settings.smtp is not None
             else 0)
    mails = build_mails(app.config, verdict, received_at=received, archive_path=message.archive_path,
                        rejections_today=today)
    if mails.reply is not None:
        enqueue(session, key=f"reply:{message.id}", kind=mails.reply.kind, recipients=mails.reply.recipients,
                subject=mails.reply.subject, raw=mails.reply.raw, message_ref=message.id)
    if mails.alert is not None:
        enqueue(session, key=f"alert:{message.id}", kind=mails.alert.kind, recipients=mails.alert.recipients,
                subject=mails.alert.subject, raw=mails.alert.raw, message_ref=message.id)
