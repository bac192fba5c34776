"""The piece was sent as a cloud link or 超大附件 instead of an attachment."""

from __future__ import annotations

import re

from baosong.vocabulary import Reason

from .base import Candidate, GateContext, described_by

name = Reason.OFFLINE_FILE
description: str  # its text: rule_offline_file in templates/messages/intake.yaml, read when asked
__getattr__ = described_by("intake.rule_offline_file")

_CLOUD_LINK = re.compile(
    r"(pan\.baidu\.com|yun\.baidu\.com|ftn\.qq\.com|mail\.qq\.com/cgi-bin/ftnExs|wx\.mail\.qq\.com/ftn|"
    r"weiyun\.com|dashi\.163\.com|mail\.163\.com/large-attachment|mail\.126\.com/large-attachment|"
    r"fs\.163\.com|aliyundrive\.com|alipan\.com|lanzou\w*\.com|wenshushu\.cn|115\.com|"
    r"cowtransfer\.com|feishu\.cn/file|docs\.qq\.com|kdocs\.cn|quark\.cn)",
    re.I,
)
_CLOUD_WORDS = re.compile(r"(超大附件|离线文件|云附件|文件中转站|网盘|下载链接)")


def check(c: Candidate, ctx: GateContext) -> str | None:
    if any(d.supported for d in c.documents):   # the piece is attached after all
        return None
    text = f"{c.message.text}\n{c.message.html or ''}"
    hit = _CLOUD_LINK.search(text) or _CLOUD_WORDS.search(text)
    return hit.group(0) if hit else None
