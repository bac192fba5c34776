"""The one config writer for the demo, the tests and the benchmarks.

The shipped Tengzhou example's units.yaml and scoring.yaml, and a settings.yaml pointing at
local servers, with every path outside the shipped example (nothing is written into the package).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any, Protocol

import yaml

from baosong.config.loader import example_config_dir

OFFICE = {"name": "滕州市人民政府办公室", "department": "信息科", "phone": "0632-0000000",
          "to": ["leaders-office@example.com", "xinxike@example.com"]}
SENDER = "滕州市人民政府办公室信息科 <tzxxk@example.com>"


class Server(Protocol):
    host: str
    port: int


def write_office_config(directory: Path, *, smtp: Server | None = None, mailboxes: list[dict] | None = None,
                        database: str | None = None, data_dir: Path | None = None, sender: str = SENDER,
                        heading: str = "", source: Path | None = None, require_approval: bool = False,
                        interviews: bool = False) -> Path:
    """Write ``directory``/{settings,units,scoring}.yaml; data in ``data_dir`` (default ``directory/data``).

    Units and scoring come from the shipped example (Tengzhou), or from ``source`` (another
    example directory, e.g. ``config/examples/tobacco``).

    No ``smtp`` server: no smtp section (no replies are queued). ``database``: a SQLAlchemy URL
    instead of the SQLite file in the data directory. ``interviews``: keep the regime's interview
    letters (反馈函), which then go out with every notice run; off unless asked, so a run sends notices only.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("units.yaml", "scoring.yaml"):
        shutil.copyfile((source or example_config_dir()) / name, directory / name)
    if not interviews:
        scoring = directory / "scoring.yaml"
        text = scoring.read_text(encoding="utf-8")
        # the regime's own interviews: block, switched off (the same key, so no second interviews:)
        text = re.sub(r"(?m)^(interviews:[ \t]*\n)(  enabled: \w+\n)?", r"\1  enabled: false\n", text, count=1)
        if "interviews:" not in text:
            text += "\ninterviews:\n  enabled: false\n"
        scoring.write_text(text, encoding="utf-8")
    settings: dict[str, Any] = {
        "timezone": "Asia/Shanghai",
        "data_dir": str(data_dir or directory / "data"),
        "mailboxes": mailboxes or [],
        "office": OFFICE,
        # the demo and the tests send at once: no approval step, no throttle (unless asked)
        "notices": {"require_approval": require_approval},
        "sending": {"per_minute": 0},
    }
    if database:
        settings["database"] = database
    if smtp is not None:
        settings["smtp"] = {"host": smtp.host, "port": smtp.port, "ssl": False, "starttls": False,
                            "helo": "localhost", "sender": sender}
    (directory / "settings.yaml").write_text(
        heading + yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return directory
