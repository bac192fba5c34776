"""`baosong demo`: the whole job on this machine, with nothing contacted outside 127.0.0.1.

Starts a real IMAP server (pymap, in-memory) and a real SMTP server (aiosmtpd),
mails in last month's sample submissions from the example units, runs the
daemon's intake cycle, records a few adoptions as office staff would, sends the
monthly notice, and prints the ledger and the ranking.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from pathlib import Path

from imapclient import IMAPClient
from rich.console import Console

from baosong.app import App
from baosong.config.loader import example_config_dir, load_config
from baosong.demo.config import write_office_config
from baosong.demo.samples import month_of_submissions
from baosong.demo.servers import PymapServer, SmtpSink
from baosong.ledger.credits import record_adoption
from baosong.ledger.messages import pieces_in
from baosong.ledger.periods import Month
from baosong.messages import say
from baosong.notices import month_scores, send_notice
from baosong.poll import poll_all
from baosong.views import class_labels, ledger_table, piece_rows, ranking_table

SUBMISSION_ADDRESS = "tzxxk-demo@example.com"
# (index of the unit's piece, outlet, instruction) recorded by "office staff" in the demo
ADOPTIONS = [(0, "每日要情", None), (1, "政务信息交流", None), (2, "枣庄普刊", "滕州市政府领导")]


def _prepare(workdir: Path) -> Path:
    for sub in ("config", "data", "sent"):
        shutil.rmtree(workdir / sub, ignore_errors=True)
    return workdir / "config"


def run_demo(workdir: Path, console: Console) -> None:
    workdir = workdir.resolve()
    config_dir = _prepare(workdir)
    sent_dir = workdir / "sent"
    example = load_config(example_config_dir())
    tz = example.tz
    today = datetime.now(tz)
    month = Month(today.year, today.month).previous()

    console.print(say("demo.start", title=f"[bold]{say('demo.title')}[/]", workdir=workdir, month=month.label))
    with PymapServer(username=SUBMISSION_ADDRESS, password="demo-password") as imap, \
            SmtpSink(outdir=sent_dir) as smtp:
        console.print(say("demo.step_servers", imap_host=imap.host, imap_port=imap.port, smtp_host=smtp.host,
                          smtp_port=smtp.port))
        write_office_config(
            config_dir, smtp=smtp, data_dir=workdir / "data", heading=f"# {say('demo.config_heading')}\n",
            sender=f"滕州市人民政府办公室信息科 <{SUBMISSION_ADDRESS}>",
            mailboxes=[{"name": "信息科报送邮箱（演示）", "host": imap.host, "port": imap.port, "ssl": False,
                        "username": imap.username, "password": imap.password, "folder": "INBOX"}])
        application = App(load_config(config_dir))

        samples = month_of_submissions(example.units, mailbox=SUBMISSION_ADDRESS, year=month.year,
                                       month=month.month, tz=tz)
        with IMAPClient(imap.host, port=imap.port, ssl=False) as client:
            client.login(imap.username, imap.password)
            # one MULTIAPPEND (RFC 3502): INTERNALDATE set to each sample's arrival time
            client.multiappend("INBOX", [{"msg": s.raw, "date": s.when} for s in samples])
        console.print(say("demo.step_mailed", count=len(samples)))

        console.print(say("demo.step_poll"))
        reports, delivery = poll_all(application)
        for r in reports:
            console.print(f"   {r.summary()}", markup=False)
            for e in r.errors:
                console.print(f"   [red]{say('demo.poll_problem', problem=e)}[/]")
        if delivery:
            console.print("   " + say("demo.replies_sent", count=delivery.sent))

        adopted_on = date(month.year, month.month, 28)
        with application.sessions() as session:
            pieces = pieces_in(session, month, tz)
            by_unit: dict[str, list] = {}
            for p in pieces:
                by_unit.setdefault(p.unit.name, []).append(p)
            recorded = 0
            for u_index, (_unit, unit_pieces) in enumerate(sorted(by_unit.items())):
                for index, outlet, instruction in ADOPTIONS[: 1 + u_index % len(ADOPTIONS)]:
                    if index < len(unit_pieces):
                        record_adoption(session, unit_pieces[index].id, outlet, application.config.scoring,
                                        on=adopted_on, instruction=instruction)
                        recorded += 1
            session.commit()
        console.print(say("demo.step_adoptions", count=recorded))

        with application.sessions() as session:
            console.print(ledger_table(list(piece_rows(session, month, tz)), month))
        labels = class_labels(application.config.scoring.classes)
        console.print(ranking_table(month_scores(application, month), labels, month))

        run = send_notice(application, month)
        notices = run.delivery.sent
        console.print(say("demo.step_notice", month=month.label, count=notices))
    console.print("\n" + say("demo.done", count=notices, sent_dir=f"[bold]{sent_dir}[/]"))
    console.print(say("demo.data_dir", data_dir=workdir / "data"))
