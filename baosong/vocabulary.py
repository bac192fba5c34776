"""The shared words of baosong: verdicts, reason codes, document kinds, outbox states and mail kinds.

Every layer (intake, ledger, notify, the wiring in ``baosong/``) may import this module and
nothing else of ``baosong/``. It imports nothing of baosong itself. A string that names one of
these things anywhere else in the code is a bug: use the enum. The ledger stores these values in
columns constrained to them (see ``values_of``), so a typo can never reach the database.

Adding a reason code: add the member here, write its wording in ``templates/reply.txt.j2``
(``tests/test_vocabulary.py`` renders a reply for every code and fails until it exists).

What a person reads for each value (受理, 迟报, 作废 ...) is not here but in ``templates/labels.yaml``,
read by ``label``/``labels`` at the end of this module (the only thing of baosong it touches is that
data file). Adding a member to a labelled enum: add its words there too (``tests/test_labels.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from baosong.messages import say


class Verdict(StrEnum):
    """What became of a received message (the gate's action, recorded on the message row)."""

    ACCEPTED = "accepted"        # counted: its pieces are in the ledger
    REJECTED = "rejected"        # not counted; the sender is told why
    IGNORED = "ignored"          # bounces, auto-replies: no reply, never counted
    QUARANTINED = "quarantined"  # held for a person in the office (classified, correspondence, poison)


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


class CommissionLink(StrEnum):
    """How a piece came to be linked to a commission (stored on the piece)."""

    REPLY = "reply"      # In-Reply-To / References carry the commission mail's Message-ID
    NUMBER = "number"    # the subject or file name carries the commission's number
    TAG = "tag"          # 【约稿】 plus words of the topic
    OFFICE = "office"    # linked by hand (`baosong commission link`)


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


class PieceStatus(StrEnum):
    """Whether a recorded piece counts (a correction changes it; the row is never deleted)."""

    COUNTED = "counted"        # counts for its unit
    VOID = "void"              # a test mail, a mistaken piece: never counted, its credits neither
    SUPERSEDED = "superseded"  # replaced by a revised version (修改稿): the revision counts instead
    MERGED = "merged"          # the rest of one piece that came in two mails: counted in the kept piece


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


# ------------------------------------------------------------------ what a person reads for each value
#
# The words live in ``templates/labels.yaml`` (shipped with the templates), one section per kind of
# value: an enum's section is its class name in snake_case (``CommissionStatus`` -> ``commission_status``),
# a few value sets that are no enum have a plain name (``correction_field``, ``scoring_period``).
# An office rewords any of them with a ``labels.yaml`` in the ``templates/`` folder of its config
# directory, holding only the entries it changes (``use_labels_from``, called with the templates
# override). Every layer reads them here: ``label(PieceStatus.VOID)``, ``labels(Change).get(stored, stored)``.

LABELS_FILE = "labels.yaml"
_labels_override: Path | None = None


def label_section(kind: type[StrEnum] | str) -> str:
    """The section of labels.yaml for an enum (its class name in snake_case) or a named value set."""
    return kind if isinstance(kind, str) else re.sub(r"(?<!^)(?=[A-Z])", "_", kind.__name__).lower()


def use_labels_from(folder: Path | str | None) -> None:
    """Read ``<folder>/labels.yaml`` (when it exists) over the shipped labels; None: the shipped ones only."""
    global _labels_override
    _labels_override = Path(folder) / LABELS_FILE if folder is not None else None
    _label_table.cache_clear()


def labels(kind: type[StrEnum] | str) -> Mapping[str, str]:
    """Stored value -> what a person reads, in the order of labels.yaml (the enum's order)."""
    return _label_table().get(label_section(kind), MappingProxyType({}))


def label(value: StrEnum) -> str:
    """What a person reads for one enum member (its value when labels.yaml has no entry)."""
    return labels(type(value)).get(value.value, value.value)


def shipped_labels() -> dict[str, dict[str, str]]:
    """The shipped labels.yaml, section -> value -> label."""
    text = resources.files("baosong.templates").joinpath(LABELS_FILE).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def label_problems(data: Any) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong with an office's labels.yaml (parsed): (where, message) pairs, in Chinese and English."""
    if data is None:
        return []
    if not isinstance(data, dict):
        return [((), say("config.labels_not_mapping"))]
    shipped = shipped_labels()
    problems: list[tuple[tuple[str, ...], str]] = []
    for section, entries in data.items():
        where = (str(section),)
        if section not in shipped:
            problems.append((where, say("config.labels_unknown_section", sections="、".join(shipped))))
        elif not isinstance(entries, dict):
            problems.append((where, say("config.labels_entries_not_mapping")))
        else:
            for key, text in entries.items():
                if key not in shipped[section]:
                    problems.append(((*where, str(key)), say("config.labels_unknown_value",
                                                             values="、".join(shipped[section]))))
                elif not isinstance(text, str) or not text.strip():
                    problems.append(((*where, str(key)), say("config.labels_empty")))
    return problems


@lru_cache(maxsize=1)
def _label_table() -> dict[str, Mapping[str, str]]:
    table = shipped_labels()
    if _labels_override is not None and _labels_override.is_file():
        try:
            office = yaml.safe_load(_labels_override.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ValueError(say("config.labels_unreadable", path=_labels_override, error=exc)) from None
        if label_problems(office):  # check-config names each; the shipped words stand meanwhile
            office = {}
        for section, entries in (office or {}).items():
            table[section] = {**table[section], **entries}
    return {section: MappingProxyType(dict(entries)) for section, entries in table.items()}
