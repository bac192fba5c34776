"""The ``notices:`` and ``reminders:`` sections of settings.yaml: what the period's 通报, the interview
letters (反馈函) and the reminders say and carry. Validated with bilingual messages like the rest.

Every fixed phrase of those mails is here (or in ``templates/``): the place word (全市 / 全县 / 全区),
the greetings, the 文号 format, the letter's title.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from baosong.messages import say


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class NoticesConfig(_Model):
    # the level word of the office's area: 市 (全市), 县 (全县), 区 (全区), 旗 …
    place: str = Field(default="市", min_length=1, max_length=4)
    # the 文号 of the formal notice: {year} the year of issue, {seq} its number within that year
    doc_number: str = "滕政办信〔{year}〕{seq}号"
    # the issuing office printed under the notice (default: office.name)
    issuer: str | None = None
    office_greeting: str = "各位领导、各单位"
    principal_greeting: str = "{name}同志"
    # the formal notice as .docx (and as PDF when LibreOffice is installed) attached to the office's
    # copy and to each principal's
    docx: bool = True
    pdf: bool = True
    soffice: str = "soffice"
    pdf_timeout: int = Field(default=120, ge=5, le=3600)
    # the title font of the formal notice; when it is not installed on this machine the title is set
    # in fallback_title_font, bold (GB/T 9704: 方正小标宋简体, 二号)
    title_font: str = "方正小标宋简体"
    fallback_title_font: str = "宋体"
    body_font: str = "仿宋_GB2312"
    heading_font: str = "黑体"
    # the chart of scores by class and the trend of the last N months, embedded in the HTML part
    chart: bool = True
    trend_months: int = Field(default=6, ge=2, le=24)
    # the period's 台账 (.xlsx) attached to the office's copy
    attach_ledger: bool = True
    # the interview letter (反馈函)
    letter_title: str = "滕州市政务信息工作反馈函"
    letter_number: str = "滕政办信函〔{year}〕{seq}号"

    @field_validator("doc_number", "letter_number")
    @classmethod
    def _counter(cls, v: str) -> str:
        if "{seq}" not in v:
            raise ValueError(say("config.doc_number_needs_seq"))
        unknown = set(re.findall(r"{(\w*)}", v)) - {"year", "seq"}
        if unknown:
            raise ValueError(say("config.doc_number_fields", names="、".join(sorted(unknown))))
        return v

    @field_validator("principal_greeting")
    @classmethod
    def _name(cls, v: str) -> str:
        unknown = set(re.findall(r"{(\w*)}", v)) - {"name", "unit"}
        if unknown:
            raise ValueError(say("config.greeting_fields"))
        return v


class RemindersConfig(_Model):
    # remind addressed units that have not answered a commission this many hours before its deadline
    # (0: no reminders)
    commission_hours: float = Field(default=24, ge=0, le=24 * 30)
    # a mid-month note to units behind their quota pace (off by default)
    quota_pace: bool = False
    quota_pace_day: int = Field(default=15, ge=2, le=28)
