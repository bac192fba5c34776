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

from baosong.messages import say
from baosong.vocabulary import GateAction, Reason, values_of

from .commissions import CommissionsConfig
from .paperwork import NoticesConfig as NoticeForm
from .paperwork import RemindersConfig

# A pragmatic addr-spec check: local@domain.tld, no spaces, no display name.
_ADDRESS = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

DEFAULT_CATEGORIES = ("工作动态", "经验亮点", "调研分析", "问题建议", "社情民意")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _check_address(value: str) -> str:
    value = value.strip()
    if not _ADDRESS.match(value):
        raise ValueError(say("config.bad_address", value=repr(value)))
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
    # a ranking group across classes (e.g. 镇街: towns and subdistricts are also ranked among themselves)
    group: str | None = None
    # a direct reporting point (信息直报点): its adoption points are added at year end to this unit's total
    counts_for: str | None = None
    # Other names the unit signs its pieces with ("开发区管委会", "市商务局信息科"), matched by extraction.
    aliases: list[str] = Field(default_factory=list)
    # names the unit had before (renamed): its history in the ledger stays with it
    former_names: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError(say("config.unit_name_empty"))
        return v

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, v: list[str]) -> list[str]:
        out: list[str] = []
        for alias in v:
            alias = "".join(alias.split())
            if len(alias) < 2:
                raise ValueError(say("config.alias_too_short"))
            if alias not in out:
                out.append(alias)
        return out
    @field_validator("addresses")
    @classmethod
    def _some_address(cls, v: list[str], info: ValidationInfo) -> list[str]:
        if not v and info.data.get("active", True):
            raise ValueError(say("config.unit_needs_address"))
        return v

    @field_validator("former_names")
    @classmethod
    def _strip_former(cls, v: list[str]) -> list[str]:
        names = [n.strip() for n in v]
        if any(not n for n in names):
            raise ValueError(say("config.former_name_empty"))
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
            raise ValueError(say("config.password_twice"))
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
    # an extra folder polled after `folder`, e.g. the provider's junk folder ("垃圾邮件", "Junk");
    # its mail is judged like any other (a unit's piece the provider's filter caught is not lost)
    junk_folder: str | None = None
    # seconds: each read from the server (a server that stops answering)
    timeout: float = Field(default=60.0, gt=0)
    # seconds: the whole poll of this mailbox (a server that answers one byte at a time); what is
    # not done by then stays in the folder for the next poll
    deadline: float = Field(default=900.0, gt=0)

    @field_validator("folder", "processed_folder", "rejected_folder", "quarantine_folder", "junk_folder")
    @classmethod
    def _folder_name(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.strip()
        if not v:
            raise ValueError(say("config.folder_name_empty"))
        return v

    @model_validator(mode="after")
    def _folders(self) -> MailboxConfig:
        if self.junk_folder is None:
            return self
        targets = {self.folder, self.processed_folder, self.rejected_folder, self.quarantine_folder}
        if self.junk_folder in targets:
            raise ValueError(say("config.junk_folder_clash", folder=self.junk_folder))
        return self


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
            raise ValueError(say("config.ssl_and_starttls"))
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


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


def _check_month(value: object) -> object:
    if value is None:
        return None
    text = str(value).strip()
    m = _MONTH.match(text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ValueError(say("config.bad_month", value=repr(value)))
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"


NOTICE_PERIODS = {"month": "月度", "quarter": "季度", "half": "半年", "year": "年度"}


def _check_notice_periods(value: object) -> object:
    """``periods: [month]`` / ``[quarter]`` / ``[month, year]``…: which periods the daemon sends notices for."""
    items = [value] if isinstance(value, str) else value
    allowed = "、".join(f"{k}（{v}）" for k, v in NOTICE_PERIODS.items())
    if not isinstance(items, list) or not items:
        raise ValueError(say("config.notice_periods_missing", allowed=allowed, value=repr(value)))
    out: list[str] = []
    for item in items:
        kind = str(item).strip().lower()
        if kind not in NOTICE_PERIODS:
            raise ValueError(say("config.notice_period_unknown", value=repr(item), allowed=allowed))
        if kind not in out:
            out.append(kind)
    return out


class NoticesConfig(NoticeForm):
    """When period notices (通报) may go out at all, and (``NoticeForm``) their wording and form."""

    # the periods the daemon sends notices for, each on schedule.monthly_notice's day and hour of the month
    # after the period ends (interview letters go with the month's notice only)
    periods: Annotated[list[str], BeforeValidator(_check_notice_periods)] = Field(default_factory=lambda: ["month"])

    # no notice for a period that ends before this month (YYYY-MM), e.g. the month baosong went live
    start_month: Annotated[str | None, BeforeValidator(_check_month)] = None
    # the period's notices first go to the office as a draft with a code, and wait for its release
    require_approval: bool = True


class SendingConfig(_Model):
    """How fast and how patiently mail goes out (NetEase and QQ refuse bursts with 554 DT:SPM)."""

    per_minute: float = Field(default=20, ge=0)          # at most this many mails a minute; 0: no limit
    retry_minutes: float = Field(default=5, gt=0)        # a recipient refused for now (4xx): first retry, doubling
    spam_retry_minutes: float = Field(default=60, gt=0)  # a recipient refused as spam (554 DT:SPM)


class DaemonConfig(_Model):
    """`baosong run`: logs, monitoring, alerts."""

    log_file: str | None = None                       # rotating log file (relative to the config directory)
    log_max_mb: float = Field(default=10, gt=0)
    log_backups: int = Field(default=5, ge=0, le=100)
    # `baosong status` exits non-zero when a mailbox has not been polled successfully for longer
    stale_minutes: int = Field(default=60, ge=1)
    # commission deadline checks and reminders run every this many minutes
    check_minutes: int = Field(default=60, ge=1, le=1440)
    # the office is alerted when a mailbox fails this many polls in a row (e.g. an expired 授权码)
    mailbox_failure_alert: int = Field(default=3, ge=1, le=1000)


class LimitsConfig(_Model):
    max_message_mb: float = Field(default=50, gt=0)
    # A mail body counts as a piece only if it has at least this many 字.
    min_body_words: int = Field(default=50, ge=1)
    # a message whose processing fails this many times is moved to quarantine and the office alerted
    max_attempts: int = Field(default=3, ge=1, le=100)


class RepliesConfig(_Model):
    """When the office answers a sender (backscatter: never mail a forged address's owner)."""

    # reply to an UNREGISTERED sender only when the receiving server's Authentication-Results
    # shows spf=pass or dkim=pass for the sender's domain; false: reply to every sender
    require_authentication: bool = True
    # at most this many rejection replies to one address per day (0: no rejection replies at all)
    max_rejections_per_day: int = Field(default=3, ge=0, le=1000)
    # a reply quotes at most this many characters of the sender's subject
    subject_max_chars: int = Field(default=40, ge=0, le=500)


def _gate_action(value: object) -> object:
    if value is False:   # YAML reads a bare `off` as false
        return GateAction.OFF.value
    if isinstance(value, str) and value.strip().lower() in values_of(GateAction):
        return value.strip().lower()
    raise ValueError(say("config.gate_action_unknown", value=repr(value),
                         choices="、".join(values_of(GateAction)), choices_en=", ".join(values_of(GateAction))))


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
            raise ValueError(say("config.column_mapped_twice", columns="、".join(dupes)))
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
    replies: RepliesConfig = Field(default_factory=RepliesConfig)
    gate: GateConfig = Field(default_factory=GateConfig)  # type: ignore[valid-type]
    commissions: CommissionsConfig = Field(default_factory=CommissionsConfig)
    notices: NoticesConfig = Field(default_factory=NoticesConfig)
    sending: SendingConfig = Field(default_factory=SendingConfig)
    daemon: DaemonConfig = Field(default_factory=DaemonConfig)
    legacy_ledger: LegacyLedger | None = None
    reminders: RemindersConfig = Field(default_factory=RemindersConfig)
    # the first month (YYYY-MM) the ledger holds the office's submissions, e.g. the month baosong went
    # live without importing the old 台账: quotas and periodic deadlines of earlier months are not judged
    ledger_start: Annotated[str | None, BeforeValidator(_check_month)] = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            zoneinfo.ZoneInfo(v)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(say("config.unknown_timezone", zone=v)) from None
        return v

    @model_validator(mode="after")
    def _unique_mailboxes(self) -> Settings:
        names = [m.name for m in self.mailboxes]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(say("config.duplicate_mailbox", names="、".join(dupes)))
        return self


# -------------------------------------------------------------- scoring.yaml


PeriodKind = Literal["week", "month", "quarter", "half", "year"]
ScoringPeriod = Literal["month", "quarter", "half", "year"]
# points, either one number or one number per piece type / commission kind: {动态类: 1, 综合类: 2}
Points = float | dict[str, float]


class QuotaPoints(_Model):
    """Points for a quota, per judged period: all values are added (negative values deduct)."""

    met: float = 0                 # 完成任务加分
    per_extra: float = 0           # 超出任务每篇加分
    per_missing: float = 0         # 每少一篇的分值（负数为扣分）
    # required: a category short means the task is not done, and each piece needed counts as missing;
    # advisory: only the total decides; category completion is reported but not scored.
    categories: Literal["required", "advisory"] = "required"


class Quota(_Model):
    """A class's task for one period length: a total and/or minimum numbers per category."""

    name: str | None = None
    period: PeriodKind | None = None  # default: scoring.yaml's period
    total: int | None = Field(default=None, ge=0)
    by_category: dict[str, int] = Field(default_factory=dict)
    points: QuotaPoints | None = None  # default: scoring.yaml's quota_points
    # what counts: pieces submitted (报送数), or pieces adopted (刊用数) — by the outlets listed, or by any
    counts: Literal["submitted", "adopted"] = "submitted"
    outlets: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Quota:
        if self.outlets and self.counts != "adopted":
            raise ValueError(say("config.outlets_need_adopted"))
        if self.total is None and not self.by_category:
            raise ValueError(say("config.quota_needs_total"))
        if any(v < 0 for v in self.by_category.values()):
            raise ValueError(say("config.category_quota_negative"))
        if self.total is not None and sum(self.by_category.values()) > self.total:
            raise ValueError(say("config.category_quotas_exceed_total"))
        return self


class UnitClass(_Model):
    label: str | None = None
    quota: Quota | None = None       # one task, for scoring.yaml's period
    quotas: list[Quota] = Field(default_factory=list)  # several tasks of different periods

    def rules(self) -> list[Quota]:
        return ([self.quota] if self.quota else []) + list(self.quotas)


_MONTH_DAY = re.compile(r"^(\d{1,2})-(\d{1,2})$")


class ScoringYearConfig(_Model):
    """A custom scoring year, e.g. start 01-01, end 11-30 (whole months)."""

    start: str = "01-01"
    end: str = "12-31"

    @model_validator(mode="after")
    def _whole_months(self) -> ScoringYearConfig:
        import calendar

        parsed = []
        for key in ("start", "end"):
            m = _MONTH_DAY.match(str(getattr(self, key)).strip())
            if not m or not 1 <= int(m.group(1)) <= 12:
                raise ValueError(say("config.bad_month_day", key=key))
            parsed.append((int(m.group(1)), int(m.group(2))))
        (_, sd), (em, ed) = parsed
        if sd != 1 or ed != calendar.monthrange(2001, em)[1]:
            raise ValueError(say("config.scoring_year_whole_months"))
        return self

    def months(self) -> tuple[int, int]:
        sm = int(self.start.split("-")[0])
        em = int(self.end.split("-")[0])
        return sm, (em - sm) % 12 + 1


class CommissionPoints(_Model):
    """Points per commission (约稿) outcome for a unit; each may differ by commission kind."""

    sent: Points = 0       # 每条按要求报送（按时或迟报）
    on_time: Points = 0    # 按时报送另加
    late: Points = 0       # 迟报
    missed: Points = 0     # 漏报
    refused: Points = 0    # 拒报
    adopted: Points = 0    # 约稿被采用


class Endorsements(_Model):
    """The monthly notice endorsed (批示) by the unit's principal or deputy, points each time."""

    principal: float = 0
    deputy: float = 0


class Adjustment(_Model):
    """A named addition or deduction the office records for a unit.

    Either ``points`` for each recorded occurrence (信息失实 −30), or ``done``/``not_done``
    for a task recorded as done or not (年度培训 +10/−10).
    ``period: year`` counts it only when a whole (scoring) year is scored.
    """

    label: str | None = None
    points: float | None = None
    done: float | None = None
    not_done: float | None = None
    period: Literal["event", "year"] = "event"

    @model_validator(mode="after")
    def _one_form(self) -> Adjustment:
        if (self.points is None) == (self.done is None and self.not_done is None):
            raise ValueError(say("config.adjustment_form"))
        return self


class Normalise(_Model):
    """折合百分制: the highest total becomes ``to``, the others in proportion."""

    to: float = Field(default=100, gt=0)
    scope: Literal["all", "class"] = "all"


class Interviews(_Model):
    """Who is interviewed (约谈) and sent the feedback letter (反馈函) after a month is scored.

    Seed 004: "对连续两个月排名后三位的镇街和A、B、C三类后三位的单位实行约谈". Read as two rules:
    a unit of ``group`` in the group's bottom ``bottom`` in each of the last ``consecutive_months``
    months (this month included), and a unit in the bottom ``bottom`` of its class (``classes``; empty:
    every class) in this month. "Bottom N" counts ties: every unit scoring no more than the N-th lowest.
    """

    enabled: bool = True
    group: str | None = "镇街"
    bottom: int = Field(default=3, ge=1, le=50)
    consecutive_months: int = Field(default=2, ge=1, le=12)
    classes: list[str] = Field(default_factory=list)
    # the class rule needs this many units in the class; None (the default): more than ``bottom``, so a
    # class of 3 is never "bottom 3" as a whole and its first-ranked unit is not summoned
    min_class_size: int | None = Field(default=None, ge=1)


class Scoring(_Model):
    regime: str = "滕州市政务信息工作考核计分标准"
    period: ScoringPeriod = "month"
    scoring_year: ScoringYearConfig | None = None
    categories: list[str] = Field(default_factory=lambda: list(DEFAULT_CATEGORIES), min_length=1)
    piece_types: list[str] = Field(default_factory=list)
    groups: dict[str, str] = Field(default_factory=dict)
    classes: dict[str, UnitClass] = Field(min_length=1)
    quota_points: QuotaPoints = Field(default_factory=QuotaPoints)
    outlets: dict[str, Points] = Field(min_length=1)
    outlet_mode: Literal["accumulate", "highest"] = "accumulate"
    instructions: dict[str, float] = Field(default_factory=dict)
    instruction_mode: Literal["accumulate", "highest"] = "accumulate"
    joint_split: Literal["equal", "full"] = "equal"
    commissions: CommissionPoints | None = None
    endorsements: Endorsements | None = None
    adjustments: dict[str, Adjustment] = Field(default_factory=dict)
    base: float = 0
    floor: float | None = None
    normalise: Normalise | None = None
    # Other tags units write for a category in subjects and file names: {动态: 工作动态, 社情: 社情民意}.
    category_aliases: dict[str, str] = Field(default_factory=dict)
    interviews: Interviews = Field(default_factory=Interviews)

    def types(self) -> list[str]:
        """What per-type outlet points are keyed by: piece_types, else the categories."""
        return self.piece_types or self.categories

    @model_validator(mode="after")
    def _quota_categories(self) -> Scoring:
        wrong = [f"{k} → {v}" for k, v in self.category_aliases.items() if v not in self.categories]
        if wrong:
            raise ValueError(say("config.alias_category_unknown", aliases="、".join(wrong)))
        for key, klass in self.classes.items():
            for rule in klass.rules():
                missing = [o for o in rule.outlets if o not in self.outlets]
                if missing:
                    raise ValueError(say("config.quota_outlet_unknown", klass=key, outlets="、".join(missing)))
                unknown = [c for c in rule.by_category if c not in self.categories]
                if unknown:
                    raise ValueError(say("config.quota_category_unknown", klass=key, categories="、".join(unknown)))
        for table, values in (("outlets", self.outlets), ("instructions", self.instructions)):
            negative = [k for k, v in values.items()
                        if (min(v.values(), default=0) if isinstance(v, dict) else v) < 0]
            if negative:
                raise ValueError(say("config.negative_points", table=table, names="、".join(negative)))
        if self.interviews.group and self.groups and self.interviews.group not in self.groups:
            raise ValueError(say("config.interview_group_unknown", group=self.interviews.group,
                                 groups="、".join(self.groups)))
        unknown_classes = [c for c in self.interviews.classes if c not in self.classes]
        if unknown_classes:
            raise ValueError(say("config.interview_class_unknown", classes="、".join(unknown_classes)))
        types = self.types()
        for outlet, v in self.outlets.items():
            unknown = [t for t in v if t not in types] if isinstance(v, dict) else []
            if unknown:
                raise ValueError(say("config.outlet_type_unknown", outlet=outlet, types="、".join(unknown),
                                     table="piece_types" if self.piece_types else "categories"))
        return self
