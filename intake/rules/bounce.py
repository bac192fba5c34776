"""A delivery failure report (bounce, 退信) is not a submission: never answer one (mail loops).

Recognised by structure first (a DSN: multipart/report with report-type=delivery-status, or a
message/delivery-status part; the null Return-Path), then by who sends it (mailer-daemon,
postmaster, post_master, imss, antivirus gateways, mailing-list -admin/-owner/-bounces, no-reply),
then by what it says (subject and body of the delivery reports real servers write, Chinese
providers' 退信 included) — the last only when the message carries no readable document of a
registered unit, so a submission that happens to mention 投递失败 is never discarded.
"""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.BOUNCE
description: str  # its text: rule_bounce in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_bounce")

_DSN = re.compile(r"report-type\s*=\s*\"?delivery-status", re.I)
_DSN_PARTS = ("message/delivery-status", "message/global-delivery-status")
_SENDER = re.compile(
    r"^(mailer[-_]?daemon|mail[-_]?daemon|post[-_]?master|postmaster[-_.]\w*|mail[-_]?delivery[-_]?\w*|"
    r"imss|imsva|antivirus\w*|anti[-_]virus\w*|virus[-_]?\w*|mailscanner|mail[-_]?scanner|mailsweeper|"
    r"mdaemon|bounces?|bounce[-+_.][^@]*|[^@]*[-+_.]bounces?|[^@]*-(admin|owner|request)|"
    r"no[-_.]?reply|do[-_.]?not[-_.]?reply|donotreply|noreply[-_.]\w*|system[-_]?admin)@", re.I)
_SENDER_NAME = re.compile(r"(mail delivery (subsystem|system)|mailer[- ]daemon|系统退信|邮件系统|退信服务|"
                          r"postmaster|mail administrator)", re.I)
_SUBJECT = re.compile(
    r"(退信|系统退信|投递失败|未送达|无法送达|发送失败|投递延迟|延迟投递|邮件被退回|退回的邮件|"
    r"undeliver|delivery status notification|delivery (status )?(failure|failed|warning|delayed|notification)|"
    r"mail delivery (failed|failure|warning|problem|system)|returned mail|failure notice|"
    r"non[- ]?delivery|message not delivered|could not (be )?deliver|delivery has failed|"
    r"warning: could not send|delayed mail|returned to sender|virus (alert|found|detected)|"
    r"病毒(警告|告警|拦截|邮件)|邮件被拦截|message (blocked|quarantined|intercepted))", re.I)
_BODY = re.compile(
    r"(final-recipient\s*:|diagnostic-code\s*:|status\s*:\s*[45]\.\d+\.\d+|action\s*:\s*(failed|delayed)|"
    r"this is the mail system at host|this message was created automatically by mail delivery|"
    r"i'?m sorry to have to inform you that your message|delivery to the following recipients? failed|"
    r"could not be delivered to one or more recipients|your message (was|could) not (be )?delivered|"
    r"the following addresses had permanent fatal errors|unable to deliver|"
    r"抱歉.{0,10}(您|你)的邮件.{0,10}(退回|无法|未能|没有)|(邮件|信件).{0,8}(无法|未能|不能)(成功)?(投递|送达|发送)|"
    r"退信原因|投递失败|系统退信|收件人.{0,10}不存在)",
    re.I | re.S)


def _structure(c: Candidate) -> str | None:
    m = c.message
    if m.content_type == "multipart/report" and _DSN.search(m.header("Content-Type") or ""):
        return "multipart/report; report-type=delivery-status"
    if any(a.content_type in _DSN_PARTS for a in m.attachments):
        return "message/delivery-status part"
    if m.return_path == "" and not _is_mdn(c):
        return "null Return-Path <>"
    return None


def _is_mdn(c: Candidate) -> bool:
    from .auto_reply import is_read_receipt
    return is_read_receipt(c)


def check(c: Candidate, ctx: GateContext) -> str | None:
    if _is_mdn(c):
        return None            # a read receipt is an automatic reply (auto_reply), not a bounce
    found = _structure(c)
    if found:
        return found
    m = c.message
    if _SENDER.match(m.sender):
        return f"from {m.sender}"
    has_piece = c.unit is not None and any(d.readable for d in c.documents)
    if has_piece:
        return None
    if not m.sender and _SUBJECT.search(m.subject):
        return "(no sender), bounce subject"
    if c.unit is None and _SENDER_NAME.search(m.sender_name):
        return f"from {m.sender_name} <{m.sender}>"
    subject_hit = _SUBJECT.search(m.subject)
    body_hit = _BODY.search(m.text[:20000])
    if subject_hit and (body_hit or c.unit is None):
        return f"subject: {subject_hit.group(0)}"
    if body_hit and (c.unit is None or any(a.content_type.startswith(("message/rfc822", "text/rfc822-headers"))
                                          for a in m.attachments)):
        return f"report text: {body_hit.group(0)[:40]}"
    return None
