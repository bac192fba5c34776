"""`baosong ingest` names each file it cannot read or record, and what is wrong, in one Chinese sentence
(no Python repr, no traceback), and goes on with the other files."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from baosong.cli import app
from baosong.demo.samples import DOCX_TYPE, docx_bytes, mail

TZ = ZoneInfo("Asia/Shanghai")
WHEN = "2026-10-15T10:00:00+08:00"


def good_mail(tmp_path: Path, name: str = "good.eml") -> Path:
    path = tmp_path / name
    path.write_bytes(mail(sender="shangwu-xx@example.org", to="tzxxk@example.com", subject="【工作动态】促消费",
                          body="请审阅", when=datetime(2026, 10, 12, 9, 30, tzinfo=TZ),
                          attachments=[("促消费.docx", docx_bytes("商务局促消费", ["内容。"] * 3, "（滕州市商务局 王芳）"),
                                        DOCX_TYPE)]))
    return path


def ingest(config: Path, *paths: Path):
    return CliRunner().invoke(app, ["--config", str(config), "ingest", *map(str, paths), "--received-at", WHEN])


def assert_no_python(output: str) -> None:
    assert "Traceback" not in output and "Error(" not in output and "Error:" not in output, output


def test_a_folder_and_a_missing_file_are_named_and_the_others_recorded(office_config: Path, tmp_path: Path):
    folder = tmp_path / "邮件"
    folder.mkdir()
    missing = tmp_path / "没有这封.eml"
    good = good_mail(tmp_path)
    result = ingest(office_config, folder, missing, good)
    out = result.output.replace("\n", "")
    assert result.exit_code == 1, result.output
    assert f"失败：{folder}：无法读取，未登记（这是一个文件夹，不是文件）" in out
    assert f"失败：{missing}：无法读取，未登记（文件或文件夹不存在）" in out
    assert "good.eml：已登记｜受理" in out   # the file after them is still recorded
    assert_no_python(result.output)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_file_it_may_not_read(office_config: Path, tmp_path: Path):
    locked = tmp_path / "locked"
    locked.mkdir()
    inside = good_mail(locked)
    locked.chmod(0)
    try:
        result = ingest(office_config, inside)
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1
    assert f"{inside}：无法读取，未登记（没有权限）" in result.output.replace("\n", "")
    assert_no_python(result.output)


def test_a_damaged_mail_is_recorded_as_what_it_is(office_config: Path, tmp_path: Path):
    damaged = tmp_path / "damaged.eml"
    whole = good_mail(tmp_path, "whole.eml").read_bytes()
    damaged.write_bytes(whole[: len(whole) // 2] + b"\x00\xff" * 40)   # cut off in the attachment, then noise
    result = ingest(office_config, damaged)
    assert result.exit_code == 0, result.output
    assert "damaged.eml：已登记｜退回" in result.output.replace("\n", "")
    assert_no_python(result.output)


def test_an_archive_it_cannot_write_is_named(office_config: Path, tmp_path: Path):
    archive = office_config / "data" / "archive"
    shutil.rmtree(archive, ignore_errors=True)
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_text("not a folder")   # where the archive's folders should be
    first, second = good_mail(tmp_path, "a.eml"), good_mail(tmp_path, "b.eml")
    result = ingest(office_config, first, second)
    out = result.output.replace("\n", "")
    assert result.exit_code == 1, result.output
    for path in (first, second):   # each file named, with the folder it could not use and why
        assert f"失败：{path}：未登记，无法访问 {archive}/2026/10（路径中有一段是文件，不是文件夹）" in out, out
    assert "已登记｜" not in out
    assert_no_python(result.output)
