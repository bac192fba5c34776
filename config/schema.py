"""The settings schema: what an office admin may write in the three YAML files.

Every model forbids unknown keys, so a typo (``pasword:``) is reported instead of
silently ignored. Validators raise ``ValueError`` with a bilingual message
("中文 / English"); the loader turns them into problems that name file, line and key.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from baosong.vocabulary import GateAction, Reason, values_of

# A pragmatic addr-spec check: local@domain.tld, no spaces, no display name.
_ADDRESS = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

DEFAULT_CATEGORIES = ("工作动态", "经验亮点", "调研分析", "问题建议", "社情民意")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_address(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.match(value):
        raise ValueError(f"不是有效的邮箱地址：{value!r} / not a valid e-mail address")
    return value.lower()


Address = Annotated[str, AfterValidator(_check_address)]


# ---------------------------------------------------------------- units.yaml


class Principal(_Model):
    name: str = Field(min_length=1)
    email: Address


class UnitConfig(_Model):
    name: str = Field(min_length=1)
    short: str | None = None
    class_: str = Field(alias="class", min_length=1)
    # false: a unit that no longer exists (撤销) but has history: kept in the ledger and its 台账, not
    # ranked, not sent notices, and its addresses (if still listed) no longer accepted
    active: bool = True
    addresses: list[Address] = Field(default_factory=list, validate_default=True)
    principal: Principal | None = None
    # names the unit had before (renamed): its history in the ledger stays with it
    former_names: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("单位名称不能为空 / unit name must not be empty")
        return v

    @field_validator("addresses")
    @classmethod
    def _some_address(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if not v and info.data.get("active", True):
            raise ValueError("至少登记一个报送邮箱（已撤销、写了 active: false 的单位可以不写）"
                             " / at least one address (except for a unit with active: false)")
        return v

    @field_validator("former_names")
    @classmethod
    def _strip_former(cls, v: list[str]) -> list[str]:
        names = [n.strip() for n in v]
        if any(not n for n in names):
            raise ValueError("former_names 中的名称不能为空 / a former name must not be empty")
        return names


class UnitsFile(_Model):
    # uniqueness of names and addresses is checked by the loader, which can point at the line
    units: list[UnitConfig] = Field(min_length=1)


# ------------------------------------------------------------- settings.yaml


class _Secret(_Model):
    password: str | None = None
    password_env: str | None = None

    @model_validator(mode="after")
    def _one_secret(self):  # type: ignore[no-untyped-def]
        if self.password is not None and self.password_env is not None:
            raise ValueError(
                "password 和 password_env 只能填写一个 / give either password or password_env, not both"
            )
        return self


class MailboxConfig(_Secret):
    name: str = Field(min_length=1)
    host: str = Field(min_length=1)
    port: int = Field(default=993, ge=1, le=65535)
    ssl: bool = True
    username: str = Field(min_length=1)
    folder: str = "INBOX"
    processed_folder: str = "已处理"
    rejected_folder: str = "已退回"
    quarantine_folder: str = "隔离"
    timeout: float = Field(default=60.0, gt=0)


class SmtpConfig(_Secret):
    host: str = Field(min_length=1)
    port: int = Field(default=465, ge=1, le=65535)
    ssl: bool = True
    starttls: bool = False
    username: str | None = None
    sender: str = Field(min_length=3)
    timeout: float = Field(default=60.0, gt=0)
    # name given in EHLO; empty means this machine's name (looked up in DNS)
    helo: str | None = None

    @model_validator(mode="after")
    def _tls_modes(self) -> SmtpConfig:
        if self.ssl and self.starttls:
            raise ValueError(
                "ssl 与 starttls 不能同时为 true（465 端口用 ssl，587 端口用 starttls）"
                " / ssl and starttls are exclusive"
            )
        return self


class OfficeConfig(_Model):
    name: str = "滕州市人民政府办公室"
    department: str = "信息科"
    phone: str | None = None
    to: list[Address] = Field(default_factory=list)


class MonthlyNoticeSchedule(_Model):
    day: int = Field(default=3, ge=1, le=28)
    hour: int = Field(default=9, ge=0, le=23)
    minute: int = Field(default=0, ge=0, le=59)


class ScheduleConfig(_Model):
    poll_minutes: int = Field(default=10, ge=1, le=1440)
    monthly_notice: MonthlyNoticeSchedule = Field(default_factory=MonthlyNoticeSchedule)


class LimitsConfig(_Model):
    max_message_mb: float = Field(default=50, gt=0)
    # A mail body counts as a piece only if it has at least this many 字.
    min_body_words: int = Field(default=50, ge=1)
    # a message whose processing fails this many times is moved to quarantine and the office alerted
    max_attempts: int = Field(default=3, ge=1, le=100)


def _gate_action(value: object) -> object:
    if value is False:   # YAML reads a bare `off` as false
        return GateAction.OFF.value
    if isinstance(value, str) and value.strip().lower() in values_of(GateAction):
        return value.strip().lower()
    raise ValueError(
        f"不认识的处理方式：{value!r}，可选：{'、'.join(values_of(GateAction))}"
        f" / unknown gate action, use one of: {', '.join(values_of(GateAction))}"
    )


_GateActionValue = Annotated[str | None, BeforeValidator(_gate_action)]
# The rules an office may re-configure: every reason code that names a gate rule.
GATE_RULES = tuple(r.value for r in Reason if r is not Reason.PROCESSING_FAILED)

# `gate:` in settings.yaml: one optional key per rule, its action when it fires. Unknown rule
# names are refused like any unknown key.
GateConfig = create_model(  # type: ignore[call-overload]
    "GateConfig", __base__=_Model, **{name: (_GateActionValue, None) for name in GATE_RULES},
)


def gate_overrides(gate: BaseModel) -> dict[str, str]:
    """The actions an office set, by rule name (the rest keep the chain's defaults)."""
    return {name: value for name, value in gate.model_dump().items() if value is not None}


class LegacyColumns(_Model):
    """Which column of an office's existing ledger sheet holds what: the header text of each column."""

    received_at: str = Field(min_length=1)   # 收到（报送）日期
    unit: str = Field(min_length=1)          # 报送单位
    title: str = Field(min_length=1)         # 标题
    author: str | None = None
    category: str | None = None
    word_count: str | None = None
    adoptions: str | None = None             # 采用情况：刊物名称，可带日期，多个用“；”或“、”分隔
    instructions: str | None = None          # 批示情况：批示级别，可带日期
    adopted_on: str | None = None            # 采用日期（没有时按收到日期）

    @model_validator(mode="after")
    def _distinct(self) -> LegacyColumns:
        headers = [v for v in self.model_dump().values() if v]
        dupes = sorted({h for h in headers if headers.count(h) > 1})
        if dupes:
            raise ValueError(f"同一列“{'、'.join(dupes)}”被对应到了两项 / one column mapped twice")
        return self


class LegacyLedger(_Model):
    """`baosong ledger import` of an office's existing ledger (last year's sheet): where its table is."""

    sheet: str | None = None                # worksheet name; empty: the first sheet
    header_row: int = Field(default=1, ge=1, le=50)
    columns: LegacyColumns


class Settings(_Model):
    timezone: str = "Asia/Shanghai"
    data_dir: str = "data"
    database: str | None = None
    archive_dir: str | None = None
    mailboxes: list[MailboxConfig] = Field(default_factory=list)
    smtp: SmtpConfig | None = None
    office: OfficeConfig = Field(default_factory=OfficeConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    gate: GateConfig = Field(default_factory=GateConfig)  # type: ignore[valid-type]
    legacy_ledger: LegacyLedger | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知的时区：{v}（例如 Asia/Shanghai） / unknown time zone") from None
        return v

    @model_validator(mode="after")
    def _unique_mailboxes(self) -> Settings:
        names = [m.name for m in self.mailboxes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"邮箱名称重复：{'、'.join(dupes)} / duplicate mailbox name")
        return self


# -------------------------------------------------------------- scoring.yaml


class Quota(_Model):
    total: int = Field(ge=0)
    by_category: dict[str, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> Quota:
        if sum(self.by_category.values()) > self.total:
            raise ValueError(
                "分类任务之和超过了总任务数 / category quotas add up to more than the total"
            )
        return self


class UnitClass(_Model):
    label: str | None = None
    quota: Quota


class Scoring(_Model):
    regime: str = "滕州市政务信息工作考核计分标准"
    period: Literal["month"] = "month"
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1)
    classes: dict[str, UnitClass] = Field(min_length=1)
    outlets: dict[str, float] = Field(min_length=1)
    instructions: dict[str, float] = Field(default_factory=dict)
    instruction_mode: Literal["accumulate", "highest"] = "accumulate"

    @model_validator(mode="after")
    def _quota_categories(self) -> Scoring:
        for key, klass in self.classes.items():
            unknown = [c for c in klass.quota.by_category if c not in self.categories]
            if unknown:
                raise ValueError(
                    f"{key} 类任务中的分类 {'、'.join(unknown)} 不在 categories 列表中"
                    f" / quota category not listed in categories"
                )
        for table, values in (("outlets", self.outlets), ("instructions", self.instructions)):
            negative = [k for k, v in values.items() if v < 0]
            if negative:
                raise ValueError(
                    f"{table} 中的分值不能为负：{'、'.join(negative)} / points must not be negative"
                )
        return self
