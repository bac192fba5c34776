"""What the CLI, the daemon and the ledger say to a person: the message catalogue.

Every fixed sentence a person reads outside the mail templates lives in ``templates/messages/*.yaml``,
one file per area (``cli.yaml``, ``daemon.yaml`` ...), each a mapping of key -> text. A text may hold
``{fields}`` filled by :func:`say` (``str.format`` rules, so a literal brace is written ``{{``). The
key of a message is its file's stem and its own key: ``say("cli.config_ok")`` reads ``config_ok`` in
``cli.yaml``.

An office rewords any message with a file of the same name in the ``templates/messages/`` folder of
its config directory, holding only the entries it changes (``use_messages_from``, called with the
templates override, as for labels.yaml). Every layer may read them (``baosong.messages`` imports
nothing of the project).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

MESSAGES_FOLDER = "messages"
_override: Path | None = None


class UnknownMessage(KeyError):
    """A key the catalogue does not have: a defect in the code, never a user's mistake."""


def use_messages_from(folder: Path | str | None) -> None:
    """Read ``<folder>/messages/*.yaml`` (when they exist) over the shipped messages; None: shipped only."""
    global _override
    _override = Path(folder) / MESSAGES_FOLDER if folder is not None else None
    _area.cache_clear()


def say(key: str, /, **fields: Any) -> str:
    """The message ``key`` (``area.name``) with its ``{fields}`` filled."""
    area, _, name = key.partition(".")
    try:
        text = _area(area)[name]
    except (KeyError, FileNotFoundError):
        raise UnknownMessage(key) from None
    return text.format(**fields) if fields or "{" in text else text


def shipped_messages() -> dict[str, str]:
    """The shipped catalogue, ``area.name`` -> text, in file and key order."""
    folder = resources.files("baosong.templates").joinpath(MESSAGES_FOLDER)
    out: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            area = entry.name[: -len(".yaml")]
            out.update((f"{area}.{name}", text) for name, text in _shipped_area(area).items())
    return out


def _yaml(text: str) -> Any:
    """Parsed YAML, with libyaml's C loader where it is installed (the catalogue is read at start-up)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader


def _shipped_area(area: str) -> dict[str, str]:
    """The shipped ``templates/messages/<area>.yaml`` (FileNotFoundError: no such area)."""
    entry = resources.files("baosong.templates").joinpath(MESSAGES_FOLDER, f"{area}.yaml")
    return dict(_yaml(entry.read_text(encoding="utf-8")) or {})


def fields_of(text: str) -> set[str]:
    """The ``{fields}`` a message text uses (its format fields' first names)."""
    out: set[str] = set()
    for _, field, _, _ in string.Formatter().parse(text):
        if field is not None:
            out.add(field.split(".")[0].split("[")[0])
    return out


def message_problems(area: str, data: Any) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong with an office's ``templates/messages/<area>.yaml`` (parsed): (where, message) pairs,
    in Chinese and English. A reworded message must keep to the fields its shipped text has."""
    if data is None:
        return []
    shipped = shipped_messages()
    if not any(key.startswith(area + ".") for key in shipped):
        areas = sorted({key.split(".")[0] for key in shipped})
        return [((), say("config.messages_unknown_file", files="、".join(a + ".yaml" for a in areas)))]
    if not isinstance(data, dict):
        return [((), say("config.messages_not_mapping"))]
    problems: list[tuple[tuple[str, ...], str]] = []
    for name, text in data.items():
        where = (str(name),)
        key = f"{area}.{name}"
        if key not in shipped:
            problems.append((where, say("config.messages_unknown_name")))
        elif not isinstance(text, str) or not text.strip():
            problems.append((where, say("config.messages_empty")))
        else:
            try:
                extra = fields_of(text) - fields_of(shipped[key])
            except ValueError:
                problems.append((where, say("config.messages_unbalanced")))
                continue
            if extra:
                problems.append((where, say("config.messages_unknown_fields", names="、".join(sorted(extra)))))
    return problems


@cache
def _area(area: str) -> Mapping[str, str]:
    """One area's messages, the office's rewording over the shipped text; each area is read on its
    first message (a command reads only the files of what it says)."""
    table = _shipped_area(area)
    path = _override / f"{area}.yaml" if _override is not None else None
    if path is not None and path.is_file():
        try:
            office = _yaml(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            office = None  # check-config names it; the shipped words stand meanwhile
        if office and not message_problems(area, office):
            table.update((str(name), text) for name, text in office.items())
    return MappingProxyType(table)
