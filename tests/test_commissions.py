"""Commissions (约稿) on real parts: the 约稿通知单 through aiosmtpd, a unit's reply polled from Dovecot
and linked, numbers and 【约稿】 in subjects and file names, ambiguity flagged, every status with an
injected clock, a working-day deadline across National Day, periodic deadlines."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from conftest import write_office_config
from sqlalchemy import select
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli
from baosong.commissions import new_commission
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail
from baosong.ledger.commissions import commission_events
from baosong.ledger.models import OutboxMail, Piece
from baosong.ledger.periodic import periodic_events
from baosong.ledger.periods import Period
from baosong.ledger.scoring_events import PERIODIC_KIND, period_events
from baosong.processing import process
from baosong.vocabulary import CommissionLink, CommissionStatus, MailKind

import mailcorpus as mc

TZ = ZoneInfo("Asia/Shanghai")
runner = CliRunner()
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SHANGWU, BINHU, SHENJI = "shangwu-xx@example.org", "binhu-xx@example.com", "shenji-xx@example.org"


def set_commissions(config: Path, section: dict) -> None:
    """Write a ``commissions:`` section into the config's settings.yaml."""
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["commissions"] = section
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")


def invoke(config: Path, *args: str):
    return runner.invoke(cli, ["--config", str(config), *args], catch_exceptions=False)


def show(config: Path, key: int | str, at: datetime | None = None) -> dict:
    result = invoke(config, "commission", "show", str(key), "--json",
                    *(["--at", at.isoformat()] if at else []))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def statuses(config: Path, key: int | str, at: datetime | None = None) -> dict[str, str]:
    return {u["unit"]: u["status"] for u in show(config, key, at)["units"]}


def piece_mail(sender: str, subject: str, filename: str, title: str, when: datetime) -> bytes:
    doc = docx_bytes(title, ["今年以来，我单位认真落实各项部署，取得积极成效。", "下一步将继续抓好落实。"], None)
    return mail(sender=sender, to="tzxxk@example.com", subject=subject, body="请审阅。", when=when,
                attachments=[(filename, doc, DOCX_TYPE)])


def ingest(application: App, raw: bytes, when: datetime) -> Piece:
    outcome = process(application, raw, mailbox="ingest", received_at=when)
    assert outcome.verdict == "accepted" and outcome.pieces == 1, outcome
    with application.sessions() as session:
        return session.scalars(select(Piece).where(Piece.message_id == outcome.ledger_id)).one()


def test_notice_reaches_smtp_and_a_reply_polled_from_dovecot_is_linked(tmp_path: Path, imap_account, smtp_sink):
    config = write_office_config(tmp_path / "config", smtp=smtp_sink, mailboxes=[{
        "name": "信息科报送邮箱", "host": imap_account.host, "port": imap_account.port, "ssl": False,
        "username": imap_account.username, "password": imap_account.password,
    }])
    set_commissions(config, {"mailbox": "tzxxk@example.com"})
    deadline = (datetime.now(TZ) + timedelta(days=20)).replace(hour=17, minute=0, second=0, microsecond=0)
    result = invoke(config, "commission", "new", "--topic", "今冬明春安全生产工作开展情况", "--units", "商务局、滨湖镇",
                    "--deadline", deadline.strftime("%Y-%m-%d %H:%M"), "--kind", "调研报告",
                    "--contact", "李娜 0632-1234567", "--json")
    assert result.exit_code == 0, result.output
    made = json.loads(result.stdout)
    assert set(made) >= {"id", "number", "message_id"}
    assert made["number"] == f"约稿〔{datetime.now(TZ).year}〕1号"

    # one notice per unit, to its registered addresses, plus the office's copy with the commission's Message-ID
    received = smtp_sink.wait_for(3)
    by_rcpt = {tuple(sorted(r.rcpt_tos)): BytesParser(policy=policy.default).parsebytes(r.data) for r in received}
    assert set(by_rcpt) == {(SHANGWU,), (BINHU,), ("leaders-office@example.com", "xinxike@example.com")}
    office = by_rcpt[("leaders-office@example.com", "xinxike@example.com")]
    assert office["Message-ID"].strip() == made["message_id"]
    shangwu = by_rcpt[(SHANGWU,)]
    assert made["number"] in shangwu["Subject"] and "今冬明春安全生产工作开展情况" in shangwu["Subject"]
    assert shangwu["References"].strip() == made["message_id"] and shangwu["Message-ID"].strip() != made["message_id"]
    text = shangwu.get_body(("plain",)).get_content()
    # seed 002's fields: department, topic, deadline day and hour, contact, mailbox
    for expected in ("滕州市商务局：", "今冬明春安全生产工作开展情况", "调研报告",
                     f"{deadline.year}年{deadline.month}月{deadline.day}日", "17时之前", "李娜 0632-1234567",
                     "邮箱：tzxxk@example.com", made["number"], "滕州市人民政府办公室"):
        assert expected in text, expected
    html = shangwu.get_body(("html",)).get_content()
    assert "今冬明春安全生产工作开展情况" in html
    application = App.open(config)
    with application.sessions() as session:
        rows = list(session.scalars(select(OutboxMail).where(OutboxMail.kind == MailKind.COMMISSION.value)))
        assert len(rows) == 3 and all(r.status == "sent" for r in rows)

    # 商务局 answers the notice from its registered address (Foxmail quoting In-Reply-To and References);
    # the subject names neither the number nor the tag: the reply headers alone link it
    reply = mc.foxmail_gbk(
        sender=SHANGWU, sender_name="信息员", to="tzxxk@example.com", subject="商务局冬春安全生产工作材料",
        body="信息科：材料见附件。", filename_style="encoded_word", message_id="reply-1@foxmail.example",
        attachments=[("商务局安全生产.docx", docx_bytes("商务局扎实开展今冬明春安全生产工作",
                                                      ["商务局组织专项检查，排查隐患。", "已整改问题十二项。"],
                                                      "（滕州市商务局 王芳）"), DOCX)],
        extra_headers=[("In-Reply-To", shangwu["Message-ID"]),
                       ("References", f"{made['message_id']} {shangwu['Message-ID']}")])
    arrived = datetime.now(TZ).replace(microsecond=0) - timedelta(hours=1)  # Dovecot keeps no future INTERNALDATE
    imap_account.client().append("INBOX", reply, msg_time=arrived)
    smtp_sink.clear()
    assert invoke(config, "poll", "--once").exit_code == 0
    with application.sessions() as session:
        piece = session.scalars(select(Piece)).one()
        assert (piece.commission_id, piece.commission_link) == (made["id"], CommissionLink.REPLY.value)
        assert piece.received_at == arrived  # INTERNALDATE, not the Date header
    now_state = show(config, made["id"])
    assert now_state["number"] == made["number"] and now_state["deadline"] == deadline.isoformat()
    assert {u["unit"]: u["status"] for u in now_state["units"]} == {"滕州市商务局": "on_time", "滨湖镇人民政府": "open"}
    assert statuses(config, made["id"], deadline + timedelta(minutes=1)) == {
        "滕州市商务局": "on_time", "滨湖镇人民政府": "missed"}


def test_number_and_tag_link_and_an_ambiguous_piece_is_flagged_for_the_office(tmp_path: Path, office_database: str | None, smtp_sink):
    config = write_office_config(tmp_path / "config", database=office_database, smtp=smtp_sink)
    application = App.open(config)
    issued = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)

    def commission(topic: str) -> str:
        made = new_commission(application, topic=topic, unit_names=["商务局", "审计局"],
                              deadline_text="2026-11-20 17:00", now=issued, send=False)
        assert made.queued == 0 and made.delivery is None  # --no-send: recorded only
        return made.number

    safety, grain, check = commission("今冬明春安全生产"), commission("秋粮收购进展"), commission("安全生产大检查")
    assert (safety, grain, check) == ("约稿〔2026〕1号", "约稿〔2026〕2号", "约稿〔2026〕3号")
    when = datetime(2026, 11, 10, 10, 0, tzinfo=TZ)

    by_number = ingest(application, piece_mail(SHANGWU, "关于约稿[2026]2号的报送", "商务局材料.docx",
                                               "商务局多措并举促进消费", when), when)
    assert (by_number.commission_id, by_number.commission_link) == (2, "number")
    in_file = ingest(application, piece_mail(SHENJI, "审计局信息", f"审计局-{check}.docx", "审计局开展专项审计", when),
                     when)
    assert (in_file.commission_id, in_file.commission_link) == (3, "number")
    by_tag = ingest(application, piece_mail(SHENJI, "【约稿】审计局助力秋粮收购", "审计局秋粮.docx",
                                            "审计局护航秋粮收购资金", when), when)
    assert (by_tag.commission_id, by_tag.commission_link) == (2, "tag")
    ambiguous = ingest(application, piece_mail(SHANGWU, "【约稿】商务局安全生产工作", "商务局安全生产.docx",
                                               "商务局抓实安全生产", when), when)
    assert ambiguous.commission_id is None and ambiguous.commission_candidates == [1, 3]
    # the office is told, once, which commissions it could be
    with application.sessions() as session:
        alerts = list(session.scalars(select(OutboxMail).where(OutboxMail.key.startswith("commission-flag:"))))
    assert len(alerts) == 1 and alerts[0].kind == MailKind.ALERT.value
    assert alerts[0].recipients == ["leaders-office@example.com", "xinxike@example.com"]
    alert_text = BytesParser(policy=policy.default).parsebytes(alerts[0].raw).get_body(("plain",)).get_content()
    assert f"可能属于：{safety}、{check}" in alert_text and f"稿件 {ambiguous.id}" in alert_text
    # an ordinary piece stays ordinary
    plain = ingest(application, piece_mail(SHANGWU, "【工作动态】商务局消费券发放", "消费券.docx", "商务局发放消费券", when),
                   when)
    assert plain.commission_id is None and plain.commission_candidates is None

    listed = invoke(config, "commission", "list", "--json", "--at", "2026-11-12 09:00")
    assert json.loads(listed.stdout)["flagged_pieces"] == 1
    shown = show(config, 1, datetime(2026, 11, 12, 9, 0, tzinfo=TZ))
    assert [f["piece"] for f in shown["flagged_pieces"]] == [ambiguous.id]
    assert statuses(config, 1, datetime(2026, 11, 12, 9, 0, tzinfo=TZ)) == {
        "滕州市商务局": "open", "滕州市审计局": "open"}
    # the office decides
    result = invoke(config, "commission", "link", str(ambiguous.id), "1")
    assert result.exit_code == 0, result.output
    assert statuses(config, 1, datetime(2026, 11, 21, tzinfo=TZ)) == {"滕州市商务局": "on_time", "滕州市审计局": "missed"}
    listed_rows = {r["id"]: r["commission"] for r in json.loads(invoke(config, "ledger", "list", "--json").stdout)}
    assert listed_rows[ambiguous.id] == safety and listed_rows[by_tag.id] == grain and listed_rows[plain.id] is None
    assert json.loads(invoke(config, "commission", "list", "--json").stdout)["flagged_pieces"] == 0
    with application.sessions() as session:
        assert session.get(Piece, ambiguous.id).commission_link == CommissionLink.OFFICE.value
    # commissions are named by id or by number; a unit the commission was not addressed to cannot be put in it
    assert invoke(config, "commission", "link", str(plain.id), safety).exit_code == 0
    assert show(config, safety)["units"][0]["pieces"] == [ambiguous.id, plain.id]
    binhu = ingest(application, piece_mail(BINHU, "滨湖镇信息", "滨湖镇.docx", "滨湖镇安全生产", when), when)
    outsider = invoke(config, "commission", "link", str(binhu.id), safety)
    assert outsider.exit_code == 1 and "没有发给这个单位" in outsider.stderr
    bad = invoke(config, "commission", "link", str(ambiguous.id), "99")
    assert bad.exit_code == 1 and "没有编号为 99 的约稿" in bad.stderr


def test_on_time_late_missed_refused_with_an_injected_clock(tmp_path: Path, office_database: str | None):
    config = write_office_config(tmp_path / "config", database=office_database)
    application = App.open(config)
    issued = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    made = new_commission(application, topic="岁末年初安全稳定", classes=["B"], deadline_text="2026-12-05 17:00",
                          now=issued)
    units = made.units
    assert units == ("滕州市审计局", "滕州市体育局", "滕州市信访局")
    deadline = datetime(2026, 12, 5, 17, 0, tzinfo=TZ)
    ingest(application, piece_mail(SHENJI, f"{made.number}审计局材料", "审计局.docx", "审计局岁末安全稳定", deadline),
           deadline)  # exactly at the deadline: on time
    late = deadline + timedelta(hours=16)
    ingest(application, piece_mail("tiyu-xx@example.org", f"回复 {made.number}", "体育局.docx", "体育局安全稳定", late),
           late)
    refused = invoke(config, "commission", "refuse", str(made.id), "信访局", "--note", "电话告知无法报送")
    assert refused.exit_code == 0, refused.output
    assert "滕州市信访局 已标记为拒报" in refused.stdout  # the full name, as the other commands show it

    assert statuses(config, made.id, datetime(2026, 12, 3, tzinfo=TZ)) == {
        "滕州市审计局": "open", "滕州市体育局": "open", "滕州市信访局": "refused"}
    assert statuses(config, made.id, deadline + timedelta(hours=1)) == {
        "滕州市审计局": "on_time", "滕州市体育局": "missed", "滕州市信访局": "refused"}
    assert statuses(config, made.id, late) == {
        "滕州市审计局": "on_time", "滕州市体育局": "late", "滕州市信访局": "refused"}
    assert invoke(config, "commission", "refuse", str(made.id), "信访局", "--undo").exit_code == 0
    assert statuses(config, made.id, late)["滕州市信访局"] == "missed"
    assert set(s for u in show(config, made.id)["units"] for s in [u["status"]]) <= {s.value for s in CommissionStatus}

    # what the scoring consumes: plain events for the commissions whose deadline falls in the period
    with application.sessions() as session:
        events = commission_events(session, datetime(2026, 12, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ), late)
        none = commission_events(session, datetime(2026, 11, 1, tzinfo=TZ), datetime(2026, 12, 1, tzinfo=TZ), late)
    assert none == []
    assert [(e.unit, e.status, e.decided_at) for e in events] == [
        ("滕州市审计局", CommissionStatus.ON_TIME, deadline), ("滕州市体育局", CommissionStatus.LATE, late),
        ("滕州市信访局", CommissionStatus.MISSED, deadline)]
    assert all(e.number == made.number and e.kind == "信息" for e in events)

    # closing: refused before the deadline unless forced; afterwards nothing links to it any more
    early = invoke(config, "commission", "close", str(made.id), "--at", "2026-12-04 09:00")
    assert early.exit_code == 1 and "--force" in early.stderr
    closed = invoke(config, "commission", "close", str(made.id), "--at", late.isoformat())
    assert closed.exit_code == 0, closed.output
    assert invoke(config, "commission", "close", str(made.id)).exit_code == 1  # once only
    assert show(config, made.id)["closed_at"] == late.isoformat()
    after = late + timedelta(days=1)
    piece = ingest(application, piece_mail("xinfang-xx@example.org", f"{made.number}信访局材料", "信访局.docx",
                                           "信访局材料", after), after)
    assert piece.commission_id is None and piece.commission_candidates == []  # names a closed commission


def test_deadline_in_working_days_across_national_day_and_a_past_deadline(tmp_path: Path, office_database: str | None, smtp_sink):
    config = write_office_config(tmp_path / "config", database=office_database, smtp=smtp_sink)
    application = App.open(config)
    made = new_commission(application, topic="国庆假期安全生产", unit_names=["滨湖镇"], working_days=3,
                          now=datetime(2026, 9, 30, 10, 0, tzinfo=TZ))
    # Thu 8 Oct, Fri 9 Oct, then Saturday 10 October, a make-up working day (调休), at deadline_time 17:30
    assert made.deadline.when == datetime(2026, 10, 10, 17, 30, tzinfo=TZ) and made.deadline.text == "3工作日"
    assert not made.past and made.queued == 2  # the unit's notice and the office's copy
    notices = [BytesParser(policy=policy.default).parsebytes(r.data) for r in smtp_sink.wait_for(2)]
    assert all("10月10日17时30分前报送" in n["Subject"] for n in notices)
    assert all("2026年10月10日（星期六）17时30分之前" in n.get_body(("plain",)).get_content() for n in notices)
    smtp_sink.clear()

    # on the command line, a deadline already past is accepted with a warning; the notice is not sent
    result = invoke(config, "commission", "new", "--topic", "补登记的电话约稿", "--all", "--deadline", "2026-01-05 17:00")
    assert result.exit_code == 0, result.output
    assert "已过" in result.stderr and "补登记" in result.stderr
    assert set(statuses(config, 2).values()) == {"missed"}
    assert smtp_sink.messages == []
    assert show(config, 2)["notified"] is False
    for bad, message in ((["--deadline", "下周五"], "截止时间格式不对"), (["--working-days", "2", "--units", "不存在局"], "不存在局"),
                         (["--deadline", "2027-12-01", "--kind", "简报"], "约稿类型"),
                         (["--deadline", "2027-12-01", "--units", "商务局", "--all"], "--units、--class、--all")):
        args = ["commission", "new", "--topic", "某主题", *bad]
        if "--units" not in bad and "--all" not in bad:
            args.append("--all")
        res = invoke(config, *args)
        assert res.exit_code == 1 and message in res.stderr, (bad, res.stderr)
        assert "Traceback" not in res.output


def test_periodic_deadlines_on_time_late_missed(tmp_path: Path, office_database: str | None):
    config = write_office_config(tmp_path / "config", database=office_database)
    set_commissions(config, {"periodic": [
        {"name": "季度政务信息和宣传报道情况", "every": "quarter", "month": 3, "day": 20, "classes": ["B"],
         "match": {"keywords": ["季度报送情况"]}},
        {"name": "外媒刊用目录", "every": "year", "month": 12, "day": 10, "units": ["滨湖镇"],
         "match": {"keywords": ["外媒"]}},
    ]})
    application = App.open(config)
    on_time = datetime(2026, 12, 20, 22, 0, tzinfo=TZ)
    ingest(application, piece_mail(SHENJI, "审计局第四季度报送情况", "审计局.docx", "审计局四季度信息", on_time), on_time)
    late = datetime(2026, 12, 22, 9, 0, tzinfo=TZ)
    ingest(application, piece_mail("tiyu-xx@example.org", "体育局四季度报送情况（季度报送情况）", "体育局.docx", "体育局",
                                   late), late)
    ingest(application, piece_mail(BINHU, "滨湖镇外媒刊用目录", "外媒.docx", "滨湖镇2026年外媒刊用目录", on_time), on_time)
    result = invoke(config, "commission", "periodic", "--json", "--at", "2026-12-28 09:00")
    assert result.exit_code == 0, result.output
    data = {d["name"]: d for d in json.loads(result.stdout)}
    quarterly = data["季度政务信息和宣传报道情况"]
    assert quarterly["period"] == "2026Q4" and quarterly["deadline"].startswith("2026-12-20T23:59:59")
    assert {u["unit"]: u["status"] for u in quarterly["units"]} == {
        "滕州市审计局": "on_time", "滕州市体育局": "late", "滕州市信访局": "missed"}
    assert {u["unit"]: u["status"] for u in data["外媒刊用目录"]["units"]} == {"滨湖镇人民政府": "late"}
    before = json.loads(invoke(config, "commission", "periodic", "--json", "--at", "2026-12-01 09:00").stdout)
    assert {u["status"] for d in before for u in d["units"]} == {"open"}
    # what the scoring consumes for a quarter
    units = [(u.name, u.short, u.class_) for u in application.config.units]
    with application.sessions() as session:
        events = periodic_events(session, application.config.settings.commissions.periodic, units,
                                 datetime(2026, 10, 1, tzinfo=TZ), datetime(2027, 1, 1, tzinfo=TZ),
                                 datetime(2027, 1, 5, tzinfo=TZ), TZ)
    assert sorted((e.name, e.period, e.unit, e.status.value) for e in events) == [
        ("外媒刊用目录", "2026", "滨湖镇人民政府", "late"),
        ("季度政务信息和宣传报道情况", "2026Q4", "滕州市体育局", "late"),
        ("季度政务信息和宣传报道情况", "2026Q4", "滕州市信访局", "missed"),
        ("季度政务信息和宣传报道情况", "2026Q4", "滕州市审计局", "on_time")]
    # the year's scoring events: the 2026Q1-Q3 reports were "missed" (nothing on record), unless the ledger
    # began after them (settings.yaml ledger_start): then only the deadlines from its first day count
    with application.sessions() as session:
        def periodic_outcomes(since: date | None) -> set[str]:
            events = period_events(session, Period.year(2026), TZ, now=datetime(2027, 1, 5, tzinfo=TZ),
                                   periodic=application.config.settings.commissions.periodic, since=since)
            return {c.commission for c in events.commissions if c.kind == PERIODIC_KIND}

        quarterly = "季度政务信息和宣传报道情况（2026Q{}）"
        assert periodic_outcomes(None) == {*(quarterly.format(q) for q in (1, 2, 3, 4)), "外媒刊用目录（2026）"}
        assert periodic_outcomes(date(2026, 10, 1)) == {quarterly.format(4), "外媒刊用目录（2026）"}


def test_smtp_down_the_commission_is_recorded_once_exit_0_and_the_notices_wait_in_the_outbox(
        tmp_path: Path, smtp_sink):
    from baosong.demo.servers import free_port

    config = write_office_config(tmp_path / "config", smtp=smtp_sink)
    settings = yaml.safe_load((config / "settings.yaml").read_text(encoding="utf-8"))
    settings["smtp"]["port"] = free_port()  # nothing listens there: connection refused
    (config / "settings.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    deadline = (datetime.now(TZ) + timedelta(days=20)).strftime("%Y-%m-%d 17:00")
    result = invoke(config, "commission", "new", "--topic", "安全生产", "--units", "商务局",
                    "--deadline", deadline, "--json")
    assert result.exit_code == 0, result.output  # recorded: a script checking rc must not record it again
    made = json.loads(result.stdout)
    assert {"id", "number", "message_id"} <= set(made) and made["deferred"] == 2
    assert "发件队列" in result.stderr and "自动重试" in result.stderr and "无法连接发信服务器" in result.stderr
    application = App.open(config)
    with application.sessions() as session:
        rows = list(session.scalars(select(OutboxMail).where(OutboxMail.kind == MailKind.COMMISSION.value)))
        assert len(rows) == 2 and all(r.status == "pending" for r in rows)


def test_show_repeats_the_deadline_in_brackets_only_when_typed_otherwise(tmp_path: Path):
    config = write_office_config(tmp_path / "config")
    deadline = (datetime.now(TZ) + timedelta(days=20)).strftime("%Y-%m-%d 17:00")
    plain = invoke(config, "commission", "new", "--topic", "安全生产", "--units", "商务局", "--deadline", deadline,
                   "--no-send")
    assert plain.exit_code == 0, plain.output
    assert f"截止时间：{deadline}，约稿单位 1 个" in plain.stdout
    shown = invoke(config, "commission", "show", "1")
    assert shown.exit_code == 0, shown.output
    assert f"截止时间：{deadline}\n" in shown.stdout and f"（{deadline}）" not in shown.stdout
    typed = invoke(config, "commission", "new", "--topic", "防汛", "--units", "商务局", "--deadline", "3工作日",
                   "--no-send")
    assert typed.exit_code == 0, typed.output
    assert "（3工作日）" in invoke(config, "commission", "show", "2").stdout
