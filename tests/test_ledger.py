"""Ledger recording on real SQLite and PostgreSQL: unit sync from units.yaml, time zones, adoption rules."""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from baosong.config.loader import load_config
from baosong.config.schema import UnitConfig
from baosong.ledger.credits import record_adoption
from baosong.ledger.db import make_sessionmaker
from baosong.ledger.errors import LedgerError
from baosong.ledger.messages import MessageRecord, PieceRecord, pieces_in, record_message
from baosong.ledger.models import Piece, Unit, UnitAddress
from baosong.ledger.periods import Month
from baosong.ledger.units import sync_units

TZ = ZoneInfo("Asia/Shanghai")
SCORING = load_config(Path(__file__).resolve().parents[1] / "config").scoring


def unit(name: str, klass: str, *addresses: str) -> UnitConfig:
    return UnitConfig.model_validate({"name": name, "class": klass, "addresses": list(addresses)})


@pytest.fixture
def sessions(ledger_url: str):
    return make_sessionmaker(ledger_url)


def addresses(session) -> dict[str, str]:
    return {a.address: a.unit.name for a in session.scalars(select(UnitAddress))}


def test_sync_moves_addresses_and_deactivates_dropped_units(sessions):
    with sessions() as s:
        sync_units(s, [unit("甲镇", "A", "a@example.com"), unit("乙局", "B", "b@example.com")])
        s.commit()
    with sessions() as s:
        # 乙局's address is re-registered to 甲镇 (listed first), 乙局 leaves, 丙办 arrives
        sync_units(s, [unit("甲镇", "A", "a@example.com", "B@example.com"), unit("丙办", "C", "c@example.com")])
        s.commit()
    with sessions() as s:
        assert addresses(s) == {"a@example.com": "甲镇", "b@example.com": "甲镇", "c@example.com": "丙办"}
        active = {u.name: u.active for u in s.scalars(select(Unit))}
        assert active == {"甲镇": True, "乙局": False, "丙办": True}


def _record(s, received_at: datetime) -> int:
    msg = record_message(s, MessageRecord(
        mailbox="m", uidvalidity=1, uid=int(received_at.timestamp()), sha256=str(received_at.timestamp()),
        message_id=None, sender="a@example.com", subject="x", received_at=received_at, size=1,
        archive_path="/dev/null", verdict="accepted", reason=None, detail=None, unit_name="甲镇",
        pieces=(PieceRecord("a.docx", "sha", "标题", None, None, "工作动态", 100),)))
    return msg.pieces[0].id


def test_months_are_taken_in_the_office_time_zone(sessions):
    with sessions() as s:
        sync_units(s, [unit("甲镇", "A", "a@example.com")])
        late_october = datetime(2026, 10, 31, 23, 30, tzinfo=TZ)       # 15:30 UTC
        early_november = datetime(2026, 10, 31, 16, 30, tzinfo=timezone.utc)  # 00:30 in Tengzhou
        _record(s, late_october)
        _record(s, early_november)
        s.commit()
    with sessions() as s:
        october = pieces_in(s, Month(2026, 10), TZ)
        november = pieces_in(s, Month(2026, 11), TZ)
        assert [p.received_at for p in october] == [late_october]
        assert [p.received_at for p in november] == [early_november]
        assert october[0].received_at.tzinfo is not None


def test_adoption_rules(sessions):
    with sessions() as s:
        sync_units(s, [unit("甲镇", "A", "a@example.com")])
        piece = _record(s, datetime(2026, 10, 9, 9, 0, tzinfo=TZ))
        record_adoption(s, piece, "枣庄普刊", SCORING, on=date(2026, 10, 20))
        # a later instruction on an adopted piece is added to the same adoption
        adoption, instruction = record_adoption(s, piece, "枣庄普刊", SCORING, on=date(2026, 10, 25),
                                                instruction="滕州市政府领导")
        assert adoption is None and instruction.level == "滕州市政府领导"
        with pytest.raises(LedgerError, match="已登记过“滕州市政府领导”批示"):
            record_adoption(s, piece, "枣庄普刊", SCORING, on=date(2026, 10, 25), instruction="滕州市政府领导")
        with pytest.raises(LedgerError, match="没有批示级别“部长”"):
            record_adoption(s, piece, "每日要情", SCORING, on=date(2026, 10, 25), instruction="部长")
        s.commit()
        assert [a.outlet for a in s.get(Piece, piece).adoptions] == ["枣庄普刊"]


def test_the_piece_that_counts_follows_revisions_and_stops_at_void(sessions):
    from baosong.ledger.audit import Who
    from baosong.ledger.corrections import restore_piece, supersede, void_piece
    from baosong.ledger.status import Counting, counting_pieces

    who = Who("测试")
    with sessions() as s:
        sync_units(s, [unit("甲镇", "A", "a@example.com")])
        first, second, third = (_record(s, datetime(2026, 10, d, 9, 0, tzinfo=TZ)) for d in (9, 10, 11))
        supersede(s, first, second, who)
        supersede(s, second, third, who)  # a revision of a revision
        assert counting_pieces(s, [first, second, third]) == {
            first: Counting(third, "甲镇"), second: Counting(third, "甲镇"), third: Counting(third, "甲镇")}
        void_piece(s, third, who, "整篇撤回")
        assert counting_pieces(s, [first, third]) == {first: None, third: None}
        restore_piece(s, third, who)
        restore_piece(s, second, who)
        assert counting_pieces(s, [first, second]) == {first: Counting(second, "甲镇"), second: Counting(second, "甲镇")}
