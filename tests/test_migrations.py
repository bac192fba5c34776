"""The ledger's schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from baosong.ledger.db import BASELINE, alembic_config, make_engine
from baosong.ledger.models import Base
from baosong.vocabulary import Change, MailKind, OutboxState, PieceStatus, Reason, Verdict, values_of

MIGRATIONS = Path(__file__).resolve().parents[1] / "ledger" / "migrations"


def at_revision(url: str, revision: str):
    """An engine on a ledger migrated only up to ``revision`` (as an office running that release has it)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), revision)
    return engine


def head() -> str:
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        return ScriptDirectory.from_config(alembic_config(conn)).get_current_head()


def test_new_ledger_is_at_head_and_matches_the_models(ledger_url: str):
    engine = make_engine(ledger_url)
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head()
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == [], "models changed without a migration: add one in ledger/migrations/versions"


def test_ledger_made_before_migrations_is_adopted(ledger_url: str):
    url = ledger_url
    old = at_revision(url, BASELINE)  # the tables the first development ledgers had, without a version
    with old.begin() as conn:
        conn.execute(text("drop table alembic_version"))
        conn.execute(text("insert into units (name, class, active) values ('甲镇', 'A', true)"))
    old.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head()
        assert conn.execute(text("select name from units")).scalars().all() == ["甲镇"]
    assert BASELINE == "0001" and "outbox" in inspect(engine).get_table_names()


def test_opening_twice_changes_nothing(ledger_url: str):
    url = ledger_url
    make_engine(url).dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1


def test_migrations_never_import_the_live_models():
    import re

    imports = re.compile(r"^\s*(?:import baosong|from baosong)|baosong\.ledger\.models\.\w+\(", re.M)
    for path in [*sorted((MIGRATIONS / "versions").glob("*.py")), MIGRATIONS / "script.py.mako"]:
        assert not imports.search(path.read_text(encoding="utf-8")), path.name


def test_ledger_at_0001_with_data_upgrades_cleanly(ledger_url: str):
    url = ledger_url
    old = at_revision(url, BASELINE)
    with old.begin() as conn:
        conn.execute(text("insert into units (id, name, class, active) values (1, '甲镇', 'A', true)"))
        conn.execute(text("insert into unit_addresses (unit_id, address) values (1, 'a@example.org')"))
        conn.execute(text(
            "insert into messages (id, mailbox, uidvalidity, uid, sha256, sender, subject, received_at, size,"
            " archive_path, verdict, reason, unit_id, recorded_at) values (7, 'box', 1, 3, 'ab', 'a@example.org',"
            " '稿件', '2026-10-09 01:00:00', 10, 'x.eml', 'accepted', null, 1, '2026-10-09 01:00:00')"))
        conn.execute(text(
            "insert into pieces (id, message_id, unit_id, source, sha256, title, word_count, received_at)"
            " values (5, 7, 1, 'a.docx', 'cd', '标题', 800, '2026-10-09 01:00:00')"))
        conn.execute(text("insert into adoptions (piece_id, outlet, adopted_on, recorded_at)"
                          " values (5, '枣庄普刊', '2026-10-20', '2026-10-20 01:00:00')"))
        conn.execute(text(
            "insert into outbox (key, kind, recipients, subject, raw, status, attempts, created_at, message_ref)"
            " values ('reply:7', 'reply', '[\"a@example.org\"]', '已受理', :raw, 'sent', 1,"
            " '2026-10-09 01:00:00', 7)"), {"raw": b"From: x"})
    old.dispose()

    engine = make_engine(url)  # what opening the ledger with this release does
    with engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == head()
        assert conn.execute(text("select name from units")).scalars().all() == ["甲镇"]
        assert conn.execute(text("select address from unit_addresses")).scalars().all() == ["a@example.org"]
        assert conn.execute(text("select id, verdict, unit_id from messages")).all() == [(7, "accepted", 1)]
        assert conn.execute(text("select id, message_id, title from pieces")).all() == [(5, 7, "标题")]
        assert conn.execute(text("select outlet from adoptions")).scalars().all() == ["枣庄普刊"]
        assert conn.execute(text("select key, status, raw from outbox")).all() == [("reply:7", "sent", b"From: x")]
        # 0060: a mail queued before recipients were tracked gets one row per recipient, in its state
        assert conn.execute(text("select address, status, attempts from outbox_recipients")).all() == [
            ("a@example.org", "sent", 1)]
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    names = inspect(engine)
    assert names.get_pk_constraint("units")["name"] == "pk_units"
    assert {u["name"] for u in names.get_unique_constraints("units")} == {"uq_units_name"}
    assert {f["name"] for f in names.get_foreign_keys("pieces")} == {
        "fk_pieces_message_id_messages", "fk_pieces_unit_id_units", "fk_pieces_commission_id_commissions",
        "fk_pieces_replaced_by_pieces", "fk_pieces_revises_id_pieces"}
    assert {f["name"] for f in names.get_foreign_keys("outbox")} == {"fk_outbox_message_ref_messages"}
    assert "failures" in names.get_table_names()
    assert {"commissions", "commission_units"} <= set(names.get_table_names())
    engine.dispose()


def _check_values(sqltext: str) -> set[str]:
    import re

    return set(re.findall(r"'([^']*)'", sqltext))


def test_vocabulary_is_stored_as_constrained_values(ledger_url: str):
    """The CHECK constraints in the migrated ledger hold exactly the vocabulary: a new verdict, reason, state
    or mail kind needs a migration, and a typo never reaches the database."""
    wanted = {
        ("messages", "ck_messages_verdict"): set(values_of(Verdict)),
        ("messages", "ck_messages_reason"): set(values_of(Reason)),
        ("outbox", "ck_outbox_status"): set(values_of(OutboxState)),
        ("outbox", "ck_outbox_kind"): set(values_of(MailKind)),
    }
    url = ledger_url
    engine = make_engine(url)
    found = {(table, ck["name"]): _check_values(ck["sqltext"])
             for table in ("messages", "outbox") for ck in inspect(engine).get_check_constraints(table)}
    assert found == wanted
    with engine.connect() as conn:
        conn.execute(text("insert into units (id, name, class, active) values (1, '甲镇', 'A', true)"))
        with pytest.raises(IntegrityError):
            conn.execute(text(
                "insert into messages (mailbox, sha256, sender, subject, received_at, size, archive_path,"
                " verdict, recorded_at) values ('box', 'ab', 'a@b', '', '2026-10-09 01:00:00', 1, 'x',"
                " 'accepted ', '2026-10-09 01:00:00')"))
        conn.rollback()
        with pytest.raises(IntegrityError):
            conn.execute(text(
                "insert into outbox (key, kind, recipients, subject, raw, status, attempts, created_at)"
                " values ('k', 'reply', '[]', '', :raw, 'queued', 0, '2026-10-09 01:00:00')"), {"raw": b""})
        conn.rollback()
    engine.dispose()


def test_pieces_recorded_before_0050_count_and_corrections_are_constrained(ledger_url: str):
    """0050 (corrections): existing pieces come out counted; piece status and correction actions are
    constrained to the vocabulary; downgrading to 0003 and back keeps the rows."""
    url = ledger_url
    old = at_revision(url, "0003")
    with old.begin() as conn:
        conn.execute(text("insert into units (id, name, class, active) values (1, '甲镇', 'A', true)"))
        conn.execute(text(
            "insert into messages (id, mailbox, sha256, sender, subject, received_at, size, archive_path,"
            " verdict, unit_id, recorded_at) values (7, 'box', 'ab', 'a@example.org', '稿件',"
            " '2026-10-09 01:00:00', 10, 'x.eml', 'accepted', 1, '2026-10-09 01:00:00')"))
        conn.execute(text(
            "insert into pieces (id, message_id, unit_id, source, sha256, title, word_count, received_at)"
            " values (5, 7, 1, 'a.docx', 'cd', '标题', 800, '2026-10-09 01:00:00')"))
    old.dispose()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("select id, status, replaced_by from pieces")).all() == [(5, "counted", None)]
    found = {ck["name"]: _check_values(ck["sqltext"]) for table in ("pieces", "corrections")
             for ck in inspect(engine).get_check_constraints(table)}
    assert (found["ck_pieces_status"], found["ck_corrections_action"]) == (
        set(values_of(PieceStatus)), set(values_of(Change)))
    with engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(text("update pieces set status = 'deleted' where id = 5"))
        conn.rollback()
        with pytest.raises(IntegrityError):
            conn.execute(text("insert into corrections (piece_id, action, actor, at, via)"
                              " values (5, 'delete', 'x', '2026-10-09 01:00:00', 'cli')"))
        conn.rollback()
        conn.execute(text("insert into corrections (piece_id, action, actor, at, via)"
                          " values (5, 'void', 'x', '2026-10-09 01:00:00', 'cli')"))
        conn.commit()
        if conn.dialect.name == "sqlite":  # as db.migrate does: batch mode rebuilds the tables
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        command.downgrade(alembic_config(conn), "0003")
        conn.commit()
        assert "corrections" not in inspect(conn).get_table_names()
        assert conn.execute(text("select id, title from pieces")).all() == [(5, "标题")]
        command.upgrade(alembic_config(conn), "head")
        conn.commit()
        assert conn.execute(text("select status from pieces")).scalars().all() == ["counted"]
    engine.dispose()
