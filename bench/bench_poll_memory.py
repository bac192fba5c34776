"""Peak memory of `baosong poll --once` over twelve 40 MB messages on a local Dovecot.

Each message is a unit's submission whose .docx carries a ~29 MB photo (incompressible, stored in
the zip as Word stores JPEGs), ~40 MB on the wire after base64 — under the default 50 MB limit, so
every message is downloaded, archived, parsed, judged and recorded. The poll runs as an admin runs
it (a fresh process); its peak resident set (``ru_maxrss`` from ``wait4``) is the figure.

Before batches were bounded by bytes, all twelve were fetched in one batch and held together
while each was parsed: 1.57 GB. Target: under 400 MB (issue 8).

    python bench/bench_poll_memory.py [--count N] [--mb SIZE] [--json FILE]
"""

from __future__ import annotations

import io
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from imapclient import IMAPClient

import _common as c

sys.path.insert(0, str(c.REPO / "tests"))
from dovecot import DovecotServer  # noqa: E402 - the tests' throw-away Dovecot

TARGET_PEAK_MB = 400.0


def with_photo(docx: bytes, photo: bytes) -> bytes:
    """The .docx with one more member, a JPEG-sized blob stored uncompressed (as Word stores photos)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(zipfile.ZipInfo("word/media/image1.jpeg"), photo, compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = c.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=12, help="messages (default 12)")
    parser.add_argument("--mb", type=float, default=40.0, help="size of each message on the wire (default 40)")
    args = parser.parse_args(argv)
    c.time_limit(280)
    rng = random.Random(20260105)
    factory = c.DocxFactory()
    senders = c.registered_senders()
    photo_bytes = int(args.mb * 1024 * 1024 * 0.74)

    with tempfile.TemporaryDirectory(prefix="baosong-bench-memory-") as tmp, DovecotServer() as server:
        server.add_user("big", "bench-password")
        client = IMAPClient(server.host, port=server.port, ssl=False, timeout=120)
        client.socket().setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        client.login("big", "bench-password")
        sizes = []
        for i in range(args.count):
            sender = senders[i % len(senders)]
            head = c.title(rng, sender.short)
            docx = with_photo(factory.make(head, c.paragraphs(rng, sender.short, 1500), f"（{sender.unit} 王芳）"),
                              os.urandom(photo_bytes))
            raw = c.mail(sender=f"{sender.short}信息员 <{sender.address}>", to=c.SUBMISSION_ADDRESS,
                         subject=f"【工作动态】{head}", body="信息科：\n\n报送政务信息一篇（含现场照片），请审阅。\n",
                         when=c.arrival(i), attachments=[(f"{head}.docx", docx, c.DOCX_TYPE)])
            sizes.append(len(raw))
            client.append("INBOX", raw, msg_time=c.arrival(i))
            del raw, docx
        client.logout()
        print(f"Dovecot on {server.host}:{server.port}: {args.count} messages of "
              f"{sum(sizes) / len(sizes) / 1048576:.1f} MB", flush=True)

        config = c.write_office_config(Path(tmp) / "config", mailboxes=[{
            "name": "信息科报送邮箱（基准）", "host": server.host, "port": server.port, "ssl": False,
            "username": "big", "password": "bench-password", "folder": "INBOX", "timeout": 120}])
        env = dict(os.environ, COLUMNS="300")
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "baosong", "--config", str(config), "poll", "--once"],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        stdout, stderr = proc.stdout.read(), proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - t0
        print(stdout.decode(), stderr.decode()[-2000:], sep="\n", flush=True)
        assert proc.returncode == 0, proc.returncode
        assert f"新登记 {args.count} 封" in stdout.decode().replace("\n", "")
        peak = usage.ru_maxrss / 1024
        print(f"poll --once: {elapsed:.1f} s, peak RSS {peak:.0f} MB", flush=True)

    return c.report([
        c.Figure("poll_memory", f"poll --once over {args.count} x {args.mb:g} MB: peak RSS", peak, "MB",
                 TARGET_PEAK_MB, higher_is_better=False),
    ], args.json)


if __name__ == "__main__":
    sys.exit(main())
