"""The shared words of baosong: verdicts, reason codes, document kinds, outbox states and mail kinds.

Every layer (intake, ledger, notify, the wiring in ``baosong/``) may import this module and
nothing else of ``baosong/``. It imports nothing of baosong itself. A string that names one of
these things anywhere else in the code is a bug: use the enum. The ledger stores these values in
columns constrained to them (see ``values_of``), so a typo can never reach the database.

Adding a reason code: add the member here, write its wording in ``templates/reply.txt.j2``
(``tests/test_vocabulary.py`` renders a reply for every code and fails until it exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """What became of a received message (the gate's action, recorded on the message row)."""

    ACCEPTED = "accepted"        # counted: its pieces are in the ledger
    REJECTED = "rejected"        # not counted; the sender is told why
    IGNORED = "ignored"          # bounces, auto-replies: no reply, never counted
    QUARANTINED = "quarantined"  # held for a person in the office (classified, correspondence, poison)


# what a person reads for each verdict: templates/labels.j2 (baosong.notify.labels.verdict_labels)


class Reason(StrEnum):
    """Why a message was not simply accepted: the name of the gate rule that decided (or a failure)."""

    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    OVERSIZE = "oversize"
    CLASSIFIED = "classified"
    SPOOFED_SENDER = "spoofed_sender"
    UNREGISTERED_SENDER = "unregistered_sender"
    OFFLINE_FILE = "offline_file"
    NON_ELECTRONIC = "non_electronic"
    UNSUPPORTED_FORMAT = "unsupported_format"
    CORRUPT_DOCUMENT = "corrupt_document"
    NO_DOCUMENT = "no_document"
    DUPLICATE = "duplicate"
    # not a rule: processing kept failing and the message was set aside after N attempts
    PROCESSING_FAILED = "processing_failed"


class DocKind(StrEnum):
    """What one attachment (or the mail body) is, judged by its bytes."""

    DOCX = "docx"                # Word 2007+ (also .docm, never run)
    DOC = "doc"                  # Word 97-2003 (OLE compound file)
    WPS = "wps"                  # WPS Office (OLE compound file)
    PDF = "pdf"
    ARCHIVE = "archive"          # .zip, .rar, .7z
    TNEF = "tnef"                # Outlook winmail.dat
    IMAGE = "image"              # photos and scans: not an electronic submission
    UNSUPPORTED = "unsupported"  # anything no reader takes
    IGNORABLE = "ignorable"      # signatures, calendar parts, vCards: not content
    BODY = "body"                # the mail body itself, as a possible piece


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class MailKind(StrEnum):
    """What an outgoing mail is (the outbox row's kind)."""

    REPLY = "reply"      # to the sender of a received message
    ALERT = "alert"      # to the office: something needs a person
    NOTICE = "notice"    # the period's 通报
    LETTER = "letter"    # 约谈 / 反馈函
    COMMISSION = "commission"  # 约稿通知单 and reminders


class CommissionStatus(StrEnum):
    """Where an addressed unit stands on a commission (约稿): pinned in ``commission show --json``."""

    OPEN = "open"          # the deadline has not passed and nothing is linked yet
    ON_TIME = "on_time"    # a linked piece arrived by the deadline
    LATE = "late"          # the first linked piece arrived after the deadline (迟报)
    MISSED = "missed"      # the deadline passed with nothing linked (漏报)
    REFUSED = "refused"    # the office marked the unit as having refused (拒报)


# what a person reads for each status (CLI, notices, letters)
COMMISSION_STATUS_LABELS = {
    CommissionStatus.OPEN.value: "未到期", CommissionStatus.ON_TIME.value: "按时报送",
    CommissionStatus.LATE.value: "迟报", CommissionStatus.MISSED.value: "漏报",
    CommissionStatus.REFUSED.value: "拒报",
}


class CommissionLink(StrEnum):
    """How a piece came to be linked to a commission (stored on the piece)."""

    REPLY = "reply"      # In-Reply-To / References carry the commission mail's Message-ID
    NUMBER = "number"    # the subject or file name carries the commission's number
    TAG = "tag"          # 【约稿】 plus words of the topic
    OFFICE = "office"    # linked by hand (`baosong commission link`)


COMMISSION_LINK_LABELS = {
    CommissionLink.REPLY.value: "回复约稿通知", CommissionLink.NUMBER.value: "注明约稿编号",
    CommissionLink.TAG.value: "【约稿】及主题", CommissionLink.OFFICE.value: "人工确认",
}


@dataclass(frozen=True)
class Disposition:
    """What follows from a verdict: where the message is filed, which reply, whether the office is alerted."""

    folder: str                 # the MailboxConfig attribute naming the IMAP folder
    reply_template: str | None  # the template of the reply to the sender; None: no reply
    alert: bool                 # the office gets an alert mail


DISPOSITIONS: dict[Verdict, Disposition] = {
    Verdict.ACCEPTED: Disposition("processed_folder", "reply.txt.j2", alert=False),
    Verdict.REJECTED: Disposition("rejected_folder", "reply.txt.j2", alert=False),
    Verdict.IGNORED: Disposition("rejected_folder", None, alert=False),
    Verdict.QUARANTINED: Disposition("quarantine_folder", "reply.txt.j2", alert=True),
}


def values_of(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of an enum, for CHECK constraints and validation messages."""
    return tuple(member.value for member in enum)


class GateAction(StrEnum):
    """What a link of the gate chain does when its rule fires (``gate:`` in settings.yaml)."""

    ACCEPT = "accept"          # stop: accept the message (its readable pieces are counted)
    REJECT = "reject"          # stop: refuse it, the sender is told why
    IGNORE = "ignore"          # stop: file it away, no reply (bounces, auto-replies)
    QUARANTINE = "quarantine"  # stop: hold it for a person, the office is alerted
    FLAG = "flag"              # record the hit on the message row, decide nothing, go on
    OFF = "off"                # do not run the rule at all

    @property
    def verdict(self) -> Verdict | None:
        """The verdict this action decides; None for flag and off."""
        return _DECIDES.get(self)


_DECIDES = {GateAction.ACCEPT: Verdict.ACCEPTED, GateAction.REJECT: Verdict.REJECTED,
            GateAction.IGNORE: Verdict.IGNORED, GateAction.QUARANTINE: Verdict.QUARANTINED}
