"""The sender gate: a chain of small named rules, the first that fires decides.

Modelled on GNU Mailman's rules and chains: each rule is one check with its own
reason code and action; the chain ends in accept, reject, ignore or quarantine.
A message that no rule stops is accepted. Rules are pure: they see a
:class:`Candidate` (the parsed message, its examined documents, the registered
unit) and a :class:`GateContext` (lookups the ledger provides), nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache

from .documents import Document, Kind
from .message import ParsedMessage


class Action(StrEnum):
    ACCEPT = "accepted"
    REJECT = "rejected"
    IGNORE = "ignored"
    QUARANTINE = "quarantined"


@dataclass(frozen=True)
class Candidate:
    message: ParsedMessage
    unit: str | None                  # registered unit of the sender, if any
    documents: tuple[Document, ...]   # one per attachment
    body: Document | None             # the mail body as a possible piece


@dataclass(frozen=True)
class GateContext:
    max_bytes: int = 50 * 1024 * 1024
    min_body_words: int = 50
    # (document sha256, unit name) -> True if that unit already submitted that content
    seen_piece: Callable[[str, str], bool] = field(default=lambda sha, unit: False)


@dataclass(frozen=True)
class Decision:
    action: Action
    reason: str | None = None
    rule: str | None = None
    detail: str | None = None
    pieces: tuple[Document, ...] = ()   # what an accepted message contributes


@dataclass(frozen=True)
class Rule:
    name: str
    reason: str
    action: Action
    check: Callable[[Candidate, GateContext], str | None]  # detail text when the rule fires, else None


# ------------------------------------------------------------ helpers


def usable_docx(c: Candidate) -> list[Document]:
    return [d for d in c.documents if d.kind is Kind.DOCX and d.extracted is not None]


def body_piece(c: Candidate, ctx: GateContext) -> Document | None:
    """The body counts as a piece only when no attachment is content and it is long enough."""
    if c.body is None or c.body.extracted is None:
        return None
    if any(d.kind in (Kind.DOCX, Kind.UNSUPPORTED) for d in c.documents):
        return None
    return c.body if c.body.extracted.word_count >= ctx.min_body_words else None


def pieces_of(c: Candidate, ctx: GateContext) -> list[Document]:
    docs = usable_docx(c)
    if docs:
        return docs
    body = body_piece(c, ctx)
    return [body] if body else []


_AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自动答复|自动应答|auto[- ]?reply|automatic reply|out of (the )?office|休假|外出)\s*[:：]?",
    re.I,
)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster|mail-daemon)@", re.I)
_BOUNCE_SUBJECT = re.compile(
    r"(退信|系统退信|投递失败|未送达|Undeliver|Delivery Status Notification|Mail delivery failed|Returned mail)",
    re.I,
)
# 密级 marks as printed on classified documents: 秘密★、机密★5年、密级：绝密
_CLASSIFIED = re.compile(r"(绝密|机密|秘密)\s*★|★\s*(绝密|机密|秘密)|密\s*级\s*[:：]\s*(绝密|机密|秘密)")
_CLOUD_LINK = re.compile(
    r"(pan\.baidu\.com|yun\.baidu\.com|ftn\.qq\.com|mail\.qq\.com/cgi-bin/ftnExs|wx\.mail\.qq\.com/ftn|"
    r"weiyun\.com|dashi\.163\.com|mail\.163\.com/large-attachment|mail\.126\.com/large-attachment|"
    r"fs\.163\.com|aliyundrive\.com|alipan\.com|lanzou\w*\.com|wenshushu\.cn|115\.com|"
    r"cowtransfer\.com|feishu\.cn/file|docs\.qq\.com|kdocs\.cn|quark\.cn)",
    re.I,
)
_AUTH_FAIL = re.compile(r"\b(dmarc|spf)\s*=\s*fail\b", re.I)
_CLOUD_WORDS = re.compile(r"(超大附件|离线文件|云附件|文件中转站|网盘|下载链接)")


# -------------------------------------------------------------- rules


def _auto_reply(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    auto = (m.header("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    for name in ("X-Autoreply", "X-Autorespond"):
        if m.header(name):
            return f"{name} header"
    if (m.header("Precedence") or "").strip().lower() in ("auto_reply", "bulk", "junk", "list"):
        return f"Precedence: {m.header('Precedence')}"
    if _AUTO_SUBJECT.match(m.subject):
        return "auto-reply subject"
    return None


def _bounce(c: Candidate, ctx: GateContext) -> str | None:
    m = c.message
    if m.content_type == "multipart/report":
        return "multipart/report (delivery status notification)"
    if m.return_path == "":
        return "null Return-Path <>"
    if _BOUNCE_SENDER.match(m.sender) or (not m.sender and _BOUNCE_SUBJECT.search(m.subject)):
        return f"from {m.sender or '(no sender)'}"
    return None


def _oversize(c: Candidate, ctx: GateContext) -> str | None:
    if c.message.size > ctx.max_bytes:
        return f"{c.message.size / 1048576:.1f} MB > {ctx.max_bytes / 1048576:.0f} MB"
    return None


def _classified(c: Candidate, ctx: GateContext) -> str | None:
    texts = [("邮件主题", c.message.subject)]
    if c.body is not None:
        texts.append(("邮件正文", c.body.lead_text))
    for d in c.documents:
        texts.append((d.source, d.header_text))
        texts.append((d.source, d.lead_text))
        if d.extracted and d.extracted.title:
            texts.append((d.source, d.extracted.title))
    for where, text in texts:
        hit = _CLASSIFIED.search(text or "")
        if hit:
            return f"{where}：{hit.group(0)}"
    return None


def _spoofed(c: Candidate, ctx: GateContext) -> str | None:
    """The receiving provider's own verdict says the From address was forged."""
    for value in c.message.headers("Authentication-Results"):
        hit = _AUTH_FAIL.search(value)
        if hit:
            return f"Authentication-Results: {hit.group(0)}"
    return None


def _unregistered(c: Candidate, ctx: GateContext) -> str | None:
    return None if c.unit else c.message.sender or "(no From address)"


def _offline_file(c: Candidate, ctx: GateContext) -> str | None:
    if any(d.kind is Kind.DOCX for d in c.documents):
        return None
    text = f"{c.message.text}\n{c.message.html or ''}"
    hit = _CLOUD_LINK.search(text) or _CLOUD_WORDS.search(text)
    return hit.group(0) if hit else None


def _non_electronic(c: Candidate, ctx: GateContext) -> str | None:
    if pieces_of(c, ctx):
        return None
    images = [d.source for d in c.documents if d.kind is Kind.IMAGE]
    others = [d for d in c.documents if d.kind in (Kind.DOCX, Kind.UNSUPPORTED)]
    if images and not others:
        return "、".join(images)
    return None


def _unsupported(c: Candidate, ctx: GateContext) -> str | None:
    if any(d.kind is Kind.DOCX for d in c.documents):
        return None
    names = [d.source for d in c.documents if d.kind is Kind.UNSUPPORTED]
    return "、".join(names) if names else None


def _corrupt(c: Candidate, ctx: GateContext) -> str | None:
    broken = [d for d in c.documents if d.kind is Kind.DOCX and d.extracted is None]
    if broken and not usable_docx(c):
        return "；".join(f"{d.source}（{d.error}）" for d in broken)
    return None


def _no_document(c: Candidate, ctx: GateContext) -> str | None:
    return None if pieces_of(c, ctx) else "no .docx attachment and the body is too short to be a piece"


def _duplicate(c: Candidate, ctx: GateContext) -> str | None:
    pieces = pieces_of(c, ctx)
    if pieces and c.unit and all(ctx.seen_piece(p.sha256, c.unit) for p in pieces):
        return "、".join(p.source for p in pieces)
    return None


CHAIN: tuple[Rule, ...] = (
    Rule("bounce", "bounce", Action.IGNORE, _bounce),
    Rule("auto-reply", "auto_reply", Action.IGNORE, _auto_reply),
    Rule("oversize", "oversize", Action.REJECT, _oversize),
    Rule("classified", "classified", Action.QUARANTINE, _classified),
    Rule("spoofed-sender", "spoofed_sender", Action.REJECT, _spoofed),
    Rule("registered-sender", "unregistered_sender", Action.REJECT, _unregistered),
    Rule("offline-file", "offline_file", Action.REJECT, _offline_file),
    Rule("non-electronic", "non_electronic", Action.REJECT, _non_electronic),
    Rule("unsupported-format", "unsupported_format", Action.REJECT, _unsupported),
    Rule("corrupt-document", "corrupt_document", Action.REJECT, _corrupt),
    Rule("no-document", "no_document", Action.REJECT, _no_document),
    Rule("duplicate", "duplicate", Action.REJECT, _duplicate),
)


def run_chain(candidate: Candidate, ctx: GateContext, chain: Sequence[Rule] = CHAIN) -> Decision:
    # each ledger look-up once per message, however many rules ask
    ctx = replace(ctx, seen_piece=cache(ctx.seen_piece))
    for rule in chain:
        detail = rule.check(candidate, ctx)
        if detail is not None:
            return Decision(rule.action, rule.reason, rule.name, detail)
    pieces = [p for p in pieces_of(candidate, ctx)
              if not (candidate.unit and ctx.seen_piece(p.sha256, candidate.unit))]
    return Decision(Action.ACCEPT, pieces=tuple(pieces))
