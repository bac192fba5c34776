"""The ledger at scale, on SQLite and PostgreSQL: period queries served by indexes, events aggregated in
SQL, listings streamed by page, a start-up that neither loads Alembic nor re-syncs unchanged units."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from conftest import write_office_config
from sqlalchemy import select, text
from typer.testing import CliRunner

from baosong.app import App
from baosong.cli import app as cli_app
from baosong.config.schema import UnitConfig
from baosong.ledger.credits import record_adoption
from baosong.ledger.db import head_revision, make_sessionmaker
from baosong.ledger.messages import MessageRecord, PieceRecord, count_pieces, list_pieces, record_message
from baosong.ledger.meta import get_value
from baosong.ledger.models import Unit, UnitAddress
from baosong.ledger.periods import Month, Period
from baosong.ledger.scoring import PieceEvent, score_period
from baosong.ledger.scoring_events import period_events, scoring_units
from baosong.ledger.units import UNITS_DIGEST, sync_units, sync_units_if_changed, units_digest

TZ = ZoneInfo("Asia/Shanghai")
SCORING = App.open(Path(__file__).resolve().parents[1] / "config").config.scoring


def unit(name: str, klass: str, *addresses: str) -> UnitConfig:
    return UnitConfig.model_validate({"name": name, "class": klass, "addresses": list(addresses)})


UNITS = [unit("甲镇", "A", "a@example.com"), unit("乙局", "B", "b@example.com"), unit("丙办", "C", "c@example.com")]


def record(s, n: int, unit_name: str, when: datetime, category: str | None = "工作动态") -> int:
    msg = record_message(s, MessageRecord(
        mailbox="m", uidvalidity=1, uid=n, sha256=f"{n:064x}", message_id=None, sender="x@example.com",
        subject="稿件", received_at=when, size=1, archive_path="/dev/null", verdict="accepted", reason=None,
        detail=None, unit_name=unit_name,
        pieces=(PieceRecord("a.docx", f"{n:064x}", f"标题{n}", None, "王芳", category, 100),)))
    return msg.pieces[0].id


@pytest.fixture
def ledger(ledger_url: str):
    """A ledger with pieces in September–December 2026 and credits on some of them.

    Pieces are numbered as recorded: September 甲镇 1–2, 乙局 3; October 甲镇 4–6, 乙局 7–8, 丙办 9;
    November 甲镇 10, 丙办 11–14; December 乙局 15, 丙办 16; then 乙局 17 at 00:00:01 on 1 November."""
    sessions = make_sessionmaker(ledger_url)
    with sessions() as s:
        sync_units(s, UNITS)
        n = 0
        ids: dict[int, int] = {}
        for month, per_unit in ((9, (2, 1, 0)), (10, (3, 2, 1)), (11, (1, 0, 4)), (12, (0, 1, 1))):
            for u, count in zip(("甲镇", "乙局", "丙办"), per_unit, strict=True):
                for k in range(count):
                    n += 1
                    when = datetime(2026, month, 5 + k, 9, 0, tzinfo=TZ)
                    ids[n] = record(s, n, u, when, "工作动态" if k % 2 == 0 else None)
        # the first second of November in Tengzhou is still October in UTC
        n += 1
        ids[n] = record(s, n, "乙局", datetime(2026, 11, 1, 0, 0, 1, tzinfo=TZ))
        record_adoption(s, ids[3], "枣庄普刊", SCORING, on=date(2026, 10, 20), instruction="滕州市政府领导")
        record_adoption(s, ids[4], "每日要情", SCORING, on=date(2026, 11, 2))
        record_adoption(s, ids[10], "上报", SCORING, on=date(2026, 12, 31))
        s.commit()
    return sessions


def submitted(scores) -> dict[str, int]:
    return {s.unit: s.submitted for s in scores}


def credit_points(scores) -> dict[str, float]:
    """The points credits earn (outlets and instructions components; quotas are the regimes' tests' business)."""
    return {s.unit: s.component("outlets") + s.component("instructions") for s in scores}


def test_a_quarter_is_its_three_months_together(ledger):
    october_period, quarter_period = Period.month(2026, 10), Period.quarter(2026, 4)
    with ledger() as s:
        units = scoring_units(s)
        # no margin: exactly the days of the period
        months = [period_events(s, Month(2026, m), TZ, (date(2026, m, 1), Month(2026, m).next().first_day()))
                  for m in (10, 11, 12)]
        quarter = period_events(s, (date(2026, 10, 1), date(2027, 1, 1)), TZ, (date(2026, 10, 1), date(2027, 1, 1)))
        october = period_events(s, Month(2026, 10), TZ, (date(2026, 10, 1), date(2026, 11, 1)))
        same_october = period_events(s, october_period, TZ, (date(2026, 10, 1), date(2026, 11, 1)))
    assert october == same_october
    assert [u.name for u in units] == ["甲镇", "乙局", "丙办"]
    assert sorted(quarter.pieces, key=repr) == sorted((p for m in months for p in m.pieces), key=repr)
    assert sorted(quarter.adoptions, key=repr) == sorted((a for m in months for a in m.adoptions), key=repr)
    assert sorted(quarter.instructions, key=repr) == sorted((i for m in months for i in m.instructions), key=repr)
    # counted by hand from the fixture: October 3 + 2 + 1, November 1 + 0 + 4 + the 00:00:01 piece, December 0 + 1 + 1
    assert submitted(score_period(units, october, SCORING, october_period)) == {"甲镇": 3, "乙局": 2, "丙办": 1}
    assert submitted(score_period(units, quarter, SCORING, quarter_period)) == {"甲镇": 4, "乙局": 4, "丙办": 6}
    assert PieceEvent("甲镇", "工作动态", None, date(2026, 10, 5)) in october.pieces
    assert PieceEvent("甲镇", None, None, date(2026, 10, 6)) in october.pieces
    # the first second of November in Tengzhou is a November day (UTC still says October)
    assert PieceEvent("乙局", "工作动态", None, date(2026, 11, 1)) in months[1].pieces
    # credits count in the period of their date: piece 3 (乙局, sent in September) adopted on 10-20 gives
    # October 枣庄普刊 15 + 滕州市政府领导 20 = 35; the quarter adds 甲镇's 每日要情 5 (11-02) and 上报 7 (12-31)
    assert credit_points(score_period(units, october, SCORING, october_period)) == {"甲镇": 0, "乙局": 35, "丙办": 0}
    assert credit_points(score_period(units, quarter, SCORING, quarter_period)) == {"甲镇": 12, "乙局": 35, "丙办": 0}


def test_pieces_of_a_unit_no_longer_in_units_yaml_still_count(ledger):
    with ledger() as s:
        sync_units(s, UNITS[:2])  # 丙办 leaves units.yaml: deactivated, its history kept
        s.commit()
        units = scoring_units(s)
        events = period_events(s, Month(2026, 11), TZ, (date(2026, 11, 1), date(2026, 12, 1)))
    assert [u.name for u in units] == ["甲镇", "乙局"]
    assert sum(p.unit == "丙办" for p in events.pieces) == 4


def test_period_queries_use_the_indexes(ledger, ledger_url: str):
    """The month query reads a range of ix_pieces_received_unit_category, and credits by date, never a
    scan of the whole table (PostgreSQL is told to avoid sequential scans, which win on tiny tables)."""
    queries = {
        "ix_pieces_received_unit_category":
            "select unit_id, category, count(*) from pieces where received_at >= :a and received_at < :b"
            " group by unit_id, category",
        "ix_adoptions_adopted_on": "select piece_id from adoptions where adopted_on >= :c and adopted_on < :d",
        "ix_instructions_instructed_on":
            "select piece_id from instructions where instructed_on >= :c and instructed_on < :d",
    }
    start, end = Month(2026, 10).bounds(TZ)
    params = {"c": date(2026, 10, 1), "d": date(2026, 11, 1)}
    with ledger() as s:
        sqlite = s.bind.dialect.name == "sqlite"
        if sqlite:
            params |= {"a": start.replace(tzinfo=None).isoformat(" "), "b": end.replace(tzinfo=None).isoformat(" ")}
        else:
            params |= {"a": start, "b": end}
            s.execute(text("set enable_seqscan = off"))
        for index, sql in queries.items():
            explain = "explain query plan " if sqlite else "explain "
            plan = " ".join(str(row) for row in s.execute(text(explain + sql), params))
            assert index in plan, plan


def test_listing_pages_and_streams_in_received_order(ledger):
    with ledger() as s:
        everything = list(list_pieces(s, None, TZ))
        october = list(list_pieces(s, Month(2026, 10), TZ, batch=2))  # several batches
        pages = [list(list_pieces(s, Month(2026, 10), TZ, limit=4, offset=o, batch=3)) for o in (0, 4, 8)]
        assert count_pieces(s, Month(2026, 10), TZ) == len(october) == 6
        assert count_pieces(s, None, TZ) == len(everything) == 17
    assert [p.received_at for p in everything] == sorted(p.received_at for p in everything)
    assert [p for page in pages for p in page] == october
    assert [len(page) for page in pages] == [4, 2, 0]
    credited = [(p.unit, p.title, p.adoptions, p.instructions) for p in everything if p.adoptions]
    assert credited == [("乙局", "标题3", ("枣庄普刊",), ("滕州市政府领导",)), ("甲镇", "标题4", ("每日要情",), ()),
                        ("甲镇", "标题10", ("上报",), ())]


def invoke(config: Path, *args: str):
    return CliRunner().invoke(cli_app, ["--config", str(config), *args])


def test_ledger_list_limit_offset_and_the_table_page(tmp_path: Path, office_database: str | None):
    config = write_office_config(tmp_path / "config", database=office_database)
    application = App.open(config)
    with application.sessions() as s:
        for n in range(1, 8):
            record(s, n, "滨湖镇人民政府", datetime(2026, 10, 1, 8, n, tzinfo=TZ))
        s.commit()
    whole = json.loads(invoke(config, "ledger", "list", "--month", "2026-10", "--json").stdout)
    assert [p["id"] for p in whole] == list(range(1, 8))
    assert set(whole[0]) == {"id", "received_at", "unit", "unit_short", "title", "author", "category",
                             "word_count", "source", "adoptions", "instructions", "commission", "status",
                             "replaced_by", "stated_unit", "unit_source", "title_source", "approver",
                             "commissioned", "flags"}
    page = json.loads(invoke(config, "ledger", "list", "--month", "2026-10", "--json", "--limit", "3",
                             "--offset", "5").stdout)
    assert page == whole[5:]
    table = invoke(config, "ledger", "list", "--limit", "2", "--offset", "2")
    assert table.exit_code == 0, table.output
    assert "共 7 篇，显示第 3–4 篇" in table.output and "--offset 4" in table.output
    assert "标题3" in table.output and "标题5" not in table.output
    assert invoke(config, "ledger", "list", "--limit", "-1").exit_code != 0


def test_units_are_synced_only_when_units_yaml_changes(tmp_path: Path, office_database: str | None):
    config = write_office_config(tmp_path / "config", database=office_database)
    first = App.open(config)
    with first.sessions() as s:
        assert get_value(s, UNITS_DIGEST) == units_digest(first.config.units)
        assert sync_units_if_changed(s, first.config.units) is False  # nothing changed: nothing to do
    # the office edits units.yaml: one more address for the first unit
    data = yaml.safe_load((config / "units.yaml").read_text(encoding="utf-8"))
    data["units"][0]["addresses"].append("binhu-new@example.com")
    (config / "units.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    second = App.open(config)
    assert units_digest(second.config.units) != units_digest(first.config.units)
    with second.sessions() as s:
        owner = s.scalar(select(Unit.name).join(UnitAddress).where(UnitAddress.address == "binhu-new@example.com"))
        assert owner == data["units"][0]["name"]
        assert get_value(s, UNITS_DIGEST) == units_digest(second.config.units)


def test_head_revision_is_alembics_head():
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from baosong.ledger.db import alembic_config

    with create_engine("sqlite://").connect() as conn:
        assert head_revision() == ScriptDirectory.from_config(alembic_config(conn)).get_current_head()


def test_head_revision_reads_plain_and_annotated_files_and_defers_to_alembic_on_a_merge(tmp_path: Path):
    def versions(name: str, **files: str) -> Path:  # head_revision is cached by directory
        directory = tmp_path / name
        directory.mkdir()
        (directory / "__init__.py").write_text("")
        for stem, body in files.items():
            (directory / f"{stem}.py").write_text(body)
        return directory

    a = "revision = 'a'\ndown_revision = None\n"
    b = "revision: str = 'b'\ndown_revision: Union[str, None] = 'a'\n"
    assert head_revision(versions("chain", a=a, b=b)) == "b"
    c = "revision = 'c'\ndown_revision = 'a'\n"
    assert head_revision(versions("two_heads", a=a, b=b, c=c)) is None  # Alembic decides
    assert head_revision(versions("merge", a=a, b=b, c=c, m="revision = 'm'\ndown_revision = ('b', 'c')\n")) is None


def test_opening_a_current_ledger_never_loads_alembic(ledger_url: str, tmp_path: Path):
    make_sessionmaker(ledger_url)  # new: migrated to head
    code = ("import sys; from baosong.ledger.db import make_sessionmaker; make_sessionmaker(sys.argv[1]);"
            " print(sorted(m for m in sys.modules if m == 'alembic' or m.startswith('alembic.')))")
    done = subprocess.run([sys.executable, "-c", code, ledger_url], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_ledger_behind_is_still_migrated(ledger_url: str):
    from alembic import command
    from sqlalchemy import create_engine

    from baosong.ledger.db import alembic_config

    engine = create_engine(ledger_url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
    engine.dispose()
    sessions = make_sessionmaker(ledger_url)
    with sessions() as s:
        assert s.scalar(text("select version_num from alembic_version")) == head_revision()
        sync_units(s, UNITS)
        record(s, 1, "甲镇", datetime(2026, 10, 1, 9, tzinfo=TZ))
        s.commit()
        assert count_pieces(s, Month(2026, 10), TZ) == 1


def test_scoring_streams_nothing_per_piece_object(ledger):
    """The events of a period hold one PieceEvent per (unit, category, day), its ``n`` that day's pieces."""
    with ledger() as s:
        for n in range(18, 28):  # ten more pieces of 甲镇 on one day
            record(s, n, "甲镇", datetime(2026, 10, 30, 9, n, tzinfo=TZ))
        s.commit()
        events = period_events(s, (date(2026, 9, 1), date(2027, 1, 1)), TZ, (date(2026, 9, 1), date(2027, 1, 1)))
    assert sum(p.n for p in events.pieces) == 27
    assert len(events.pieces) == 17 + 1  # the fixture's pieces fall on distinct days
    assert PieceEvent("甲镇", "工作动态", None, date(2026, 10, 30), n=10) in events.pieces


def test_pieces_read_per_month_score_exactly_as_per_day(ledger):
    """Without weekly quotas (Tengzhou) pieces may be read per month: the same scores, fewer events."""
    from baosong.ledger.regime import event_window, needs_days

    assert not needs_days(SCORING)
    for period in (Period.month(2026, 10), Period.quarter(2026, 4), Period.year(2026)):
        window = event_window(SCORING, period)
        with ledger() as s:
            units = scoring_units(s)
            by_day = period_events(s, period, TZ, window)
            by_month = period_events(s, period, TZ, window, pieces_by_month=True)
        # by month: the pieces of the whole months inside the window (the margins' days are never scored)
        first, after = window[0], window[1].replace(day=1)
        if first.day > 1:
            first = Month(first.year, first.month).next().first_day()
        assert sum(p.n for p in by_month.pieces) == sum(p.n for p in by_day.pieces if first <= p.day < after)
        assert {p.day for p in by_month.pieces} <= {p.day.replace(day=1) for p in by_day.pieces}
        assert all(p.day.day == 1 for p in by_month.pieces)
        assert len(by_month.pieces) < len(by_day.pieces)
        day_scores = [s.as_json() for s in score_period(units, by_day, SCORING, period)]
        assert [s.as_json() for s in score_period(units, by_month, SCORING, period)] == day_scores


def test_credits_carry_the_joint_units_of_the_piece_that_counts(ledger):
    """A credit's joint units are those of the piece it counts for: its own, or, for a superseded piece, the
    revision's; a joint unit of a piece nobody credited shows nowhere (PostgreSQL reads them with the
    credits in one statement, SQLite by a range of the piece index: both give the same events)."""
    from baosong.ledger.audit import Who
    from baosong.ledger.corrections import supersede
    from baosong.ledger.models import Piece
    from baosong.ledger.piece_credit import add_joint_units

    with ledger() as s:
        pieces = {p.id: p for p in s.scalars(select(Piece).order_by(Piece.id))}
        ids = sorted(pieces)  # ids[k - 1] is piece k of the fixture
        add_joint_units(s, pieces[ids[2]], ["丙办", "甲镇"])  # piece 3 (乙局), adopted and instructed on 10-20
        add_joint_units(s, pieces[ids[4]], ["乙局"])  # piece 5: never credited
        supersede(s, ids[3], ids[5], Who("test", "cli"))  # piece 4 (adopted 11-02) is revised as piece 6
        add_joint_units(s, pieces[ids[5]], ["丙办"])
        s.commit()
        events = period_events(s, (date(2026, 10, 1), date(2026, 12, 1)), TZ, (date(2026, 10, 1), date(2026, 12, 1)))
    assert sorted((a.piece_id, a.unit, a.outlet, a.units) for a in events.adoptions) == [
        (ids[2], "乙局", "枣庄普刊", ("乙局", "丙办", "甲镇")),
        (ids[5], "甲镇", "每日要情", ("甲镇", "丙办")),
    ]
    assert [(i.piece_id, i.unit, i.units) for i in events.instructions] == [(ids[2], "乙局", ("乙局", "丙办", "甲镇"))]
