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
    ENCRYPTED_DOCUMENT = "encrypted_document"  # password-protected: ask for an unprotected copy
    UNSUPPORTED_ARCHIVE = "unsupported_archive"  # .rar/.7z, or a zip over the limits: ask for .docx or .zip
    CORRESPONDENCE = "correspondence"  # a reply to one of our own receipts: for a person, never counted
    ON_BEHALF = "on_behalf"            # 代报: the document names another registered unit (flag)
    REVISION = "revision"              # 修改稿: replaces a piece the unit sent before (flag)
    # an office address answering a draft notice with its approval code (审核码): the notice is released
    APPROVAL_REPLY = "approval_reply"
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


class UnitSource(StrEnum):
    """Which source gave a piece's unit (extraction, recorded on the piece)."""

    DOCUMENT = "document"   # the document names a unit (matched to units.yaml, or kept raw and flagged)
    SENDER = "sender"       # nothing named: the sender's registered unit
    BOTH = "both"           # the document names the sender's own unit


class TitleSource(StrEnum):
    """Where a piece's title came from."""

    DOCUMENT = "document"   # the document's own title line
    SUBJECT = "subject"     # no title line: the mail subject (without its tags)
    FILENAME = "filename"   # no title line and no subject: the file name


class ExtractionFlag(StrEnum):
    """What the office should check about an extracted piece."""

    UNIT_UNREGISTERED = "unit_unregistered"        # the named unit is not in units.yaml: kept as written
    UNIT_AMBIGUOUS = "unit_ambiguous"              # the named unit could be several registered ones
    UNIT_DIFFERS = "unit_differs_from_sender"      # 代报: the document names another registered unit
    NO_TITLE = "no_title"                          # no title line; the subject or file name stands in


# what a person reads for each (CLI)
UNIT_SOURCE_LABELS = {UnitSource.DOCUMENT.value: "稿件署名", UnitSource.SENDER.value: "发件邮箱的登记单位（稿件未署单位）",
                      UnitSource.BOTH.value: "稿件署名与发件邮箱的登记单位一致"}
EXTRACTION_FLAG_LABELS = {
    ExtractionFlag.UNIT_UNREGISTERED.value: "文中署名单位未在 units.yaml 登记，已保留原文，请核对",
    ExtractionFlag.UNIT_AMBIGUOUS.value: "文中署名单位可能对应多个登记单位，已保留原文，请核对",
    ExtractionFlag.UNIT_DIFFERS.value: "文中署名单位与发件邮箱的登记单位不同（可能是代报）",
    ExtractionFlag.NO_TITLE.value: "文档中没有标题行，备用标题取自邮件主题或文件名",
}


class PieceStatus(StrEnum):
    """Whether a recorded piece counts (a correction changes it; the row is never deleted)."""

    COUNTED = "counted"        # counts for its unit
    VOID = "void"              # a test mail, a mistaken piece: never counted, its credits neither
    SUPERSEDED = "superseded"  # replaced by a revised version (修改稿): the revision counts instead
    MERGED = "merged"          # the rest of one piece that came in two mails: counted in the kept piece


PIECE_STATUS_LABELS = {PieceStatus.COUNTED.value: "计数", PieceStatus.VOID.value: "作废",
                       PieceStatus.SUPERSEDED.value: "已被替换", PieceStatus.MERGED.value: "已合并"}


class Change(StrEnum):
    """One kind of change to the ledger after the fact (a row of the corrections table)."""

    EDIT = "edit"                    # a field of a piece: unit, category, title, author, word_count
    VOID = "void"
    RESTORE = "restore"              # back to counted (undoes void, supersede, merge)
    SUPERSEDE = "supersede"          # this piece replaced by a revision (related: the revision)
    MERGE = "merge"                  # this piece merged into another (related: the kept piece)
    SPLIT = "split"                  # this piece made from another that held two (related: the original)
    ADOPT = "adopt"                  # an adoption recorded (new value: outlet and date)
    ADOPT_UNDO = "adopt_undo"        # an adoption withdrawn (old value: outlet and date)
    INSTRUCT = "instruct"            # a leader's instruction recorded
    INSTRUCT_UNDO = "instruct_undo"  # an instruction withdrawn
    IMPORT = "import"                # a piece created from an office's existing ledger sheet
    RENAME_UNIT = "rename_unit"      # a unit renamed in units.yaml (former_names): its history kept


CHANGE_LABELS = {
    Change.EDIT.value: "修改", Change.VOID.value: "作废", Change.RESTORE.value: "恢复计数",
    Change.SUPERSEDE.value: "被修改稿替换", Change.MERGE.value: "并入", Change.SPLIT.value: "拆分自",
    Change.ADOPT.value: "登记采用", Change.ADOPT_UNDO.value: "撤销采用", Change.INSTRUCT.value: "登记批示",
    Change.INSTRUCT_UNDO.value: "撤销批示", Change.IMPORT.value: "导入", Change.RENAME_UNIT.value: "单位改名",
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
