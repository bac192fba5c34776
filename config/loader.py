"""Load and validate the three config files, reporting problems an admin can act on.

Each problem names the file, the line, the key path and what is wrong, in Chinese
first and English after. Nothing here raises a traceback at the admin for a
config mistake: everything wrong is collected into one :class:`ConfigError`.
"""

from __future__ import annotations

import os
import zoneinfo
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from baosong.messages import MESSAGES_FOLDER, message_problems, say
from baosong.vocabulary import LABELS_FILE, label_problems

from .checks import database_problem, directory_problem
from .schema import Scoring, Settings, UnitConfig, UnitsFile

# libyaml's C parser when PyYAML was built with it (about 10× faster), else the pure-Python one
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

FILES = ("settings.yaml", "units.yaml", "scoring.yaml")
ENV_VAR = "BAOSONG_CONFIG"

# pydantic error type -> the message explaining it (templates/messages/config.yaml); any other type:
# config.wrong_value, with pydantic's own English
_MESSAGES: dict[str, str] = {
    "missing": "config.missing",
    "extra_forbidden": "config.unknown_key",
    "string_type": "config.not_text",
    "int_type": "config.not_integer",
    "int_parsing": "config.not_integer",
    "int_from_float": "config.not_integer",
    "float_type": "config.not_number",
    "float_parsing": "config.not_number",
    "bool_type": "config.not_bool",
    "bool_parsing": "config.not_bool",
    "list_type": "config.not_list",
    "dict_type": "config.not_mapping",
    "model_type": "config.not_mapping",
    "too_short": "config.empty",
    "string_too_short": "config.empty",
    "greater_than_equal": "config.too_small",
    "greater_than": "config.too_small",
    "less_than_equal": "config.too_large",
    "literal_error": "config.not_allowed",
}


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else say("config.file_line", file=self.file, line=self.line)
        key = f" [{self.key}]" if self.key else ""
        return say("config.problem", where=where, key=key, message=self.message)


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Config:
    directory: Path
    settings: Settings
    units: tuple[UnitConfig, ...]
    scoring: Scoring
    warnings: tuple[Problem, ...] = ()
    _by_address: dict[str, UnitConfig] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for unit in self.units:
            if not unit.active:  # a unit that no longer exists sends nothing that counts
                continue
            for address in unit.addresses:
                self._by_address[address.lower()] = unit

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.settings.timezone)

    @property
    def base_dir(self) -> Path:
        """Where relative paths in settings.yaml point: the config directory, except for the shipped
        example (inside the package or the source checkout), which must never be written into:
        then the user's data directory (see :func:`user_data_dir`)."""
        if self.directory.resolve() == example_config_dir().resolve():
            return user_data_dir()
        return self.directory

    def _path(self, value: str) -> Path:
        path = Path(value).expanduser()
        return path if path.is_absolute() else (self.base_dir / path)

    @property
    def data_dir(self) -> Path:
        return self._path(self.settings.data_dir)

    @property
    def archive_dir(self) -> Path:
        if self.settings.archive_dir:
            return self._path(self.settings.archive_dir)
        return self.data_dir / "archive"

    @property
    def database_url(self) -> str:
        if self.settings.database:
            return self.settings.database
        return f"sqlite:///{(self.data_dir / 'baosong.db').resolve()}"

    def unit_for(self, address: str) -> UnitConfig | None:
        """The unit that registered ``address`` (case-insensitive), if any."""
        return self._by_address.get(address.strip().lower())


def default_config_dir() -> Path:
    return Path(os.environ.get(ENV_VAR) or "config")


def user_data_dir() -> Path:
    """``$XDG_DATA_HOME/baosong`` (default ``~/.local/share/baosong``): the data of a run on the
    shipped example config, outside the source tree and the installed package."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "baosong"


def example_config_dir() -> Path:
    """The shipped, commented Tengzhou example (package data)."""
    return Path(str(resources.files("baosong.config")))


def secret(value: str | None, env: str | None) -> str | None:
    """Resolve a ``password`` / ``password_env`` pair."""
    if value is not None:
        return value
    if env:
        return os.environ.get(env)
    return None


# ------------------------------------------------------------------ loading


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree; 1-based line."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == str(part):
                    node = value_node
                    line = key_node.start_mark.line + 1
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line


def _key(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _explain(error: Any) -> str:  # a pydantic ErrorDetails
    kind = error["type"]
    if kind == "value_error":
        # our own validators already speak both languages
        return str(error.get("ctx", {}).get("error") or error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    shown = "" if kind in ("missing",) or isinstance(given, dict | list) else say("config.value_now",
                                                                                  value=repr(given))
    if kind not in _MESSAGES:
        return say("config.wrong_value", shown=shown, detail=error["msg"])
    return say(_MESSAGES[kind], shown=shown)


def _read(path: Path, problems: list[Problem]) -> tuple[Any, yaml.Node | None]:
    name = path.name
    if not path.is_file():
        if path.exists():
            problems.append(Problem(name, None, "", say("config.not_regular_file", path=path)))
        else:
            problems.append(Problem(name, None, "", say("config.file_not_found", path=path)))
        return None, None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, "", say("config.not_utf8", reason=exc.reason)))
        return None, None
    except OSError as exc:   # no permission, an I/O error, a file that vanished
        problems.append(Problem(name, None, "", say("config.cannot_read", path=path, error=exc.strerror or exc)))
        return None, None
    loader = _Loader(text)
    try:
        # parse once: the node tree keeps line numbers for messages, the data is built from it
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(name, line, "", say("config.yaml_syntax", problem=exc.problem)))
        return None, None
    finally:
        loader.dispose()
    _duplicate_keys(name, node, problems)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, "", say("config.top_not_mapping")))
        return None, None
    return data, node


def _duplicate_keys(name: str, node: yaml.Node | None, problems: list[Problem], path: str = "") -> None:
    """YAML lets a later key silently replace an earlier one (a second ``smtp:`` block wins): refuse it."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            where = f"{path}.{key}" if path else key
            if key in seen:
                problems.append(Problem(name, line, where, say("config.duplicate_key", key=key, first=seen[key])))
            else:
                seen[key] = line
            _duplicate_keys(name, value_node, problems, where)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _duplicate_keys(name, item, problems, f"{path}[{i}]")


def _validate(model: type[BaseModel], name: str, data: Any, node: yaml.Node | None,
              problems: list[Problem]) -> Any:
    if data is None:
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(error["loc"])
            problems.append(Problem(name, _line_of(node, loc), _key(loc), _explain(error)))
        return None


def _check_unique_units(units: UnitsFile, node: yaml.Node | None, problems: list[Problem]) -> None:
    """Unit names are unique; an address belongs to one unit only."""
    names: dict[str, int] = {}
    owners: dict[str, str] = {}
    _check_aliases(units, node, problems)
    for i, unit in enumerate(units.units):
        if unit.name in names:
            problems.append(Problem(
                "units.yaml", _line_of(node, ("units", i, "name")), f"units[{i}].name",
                say("config.duplicate_unit", unit=unit.name,
                    first=_line_of(node, ("units", names[unit.name], "name")))))
        names.setdefault(unit.name, i)
        for j, address in enumerate(unit.addresses):
            owner = owners.setdefault(address, unit.name)
            if owner != unit.name:
                problems.append(Problem(
                    "units.yaml", _line_of(node, ("units", i, "addresses", j)), f"units[{i}].addresses[{j}]",
                    say("config.address_two_units", address=address, owner=owner, unit=unit.name)))


def _check_periodic(settings: Settings, units: UnitsFile, scoring: Scoring, node: yaml.Node | None,
                    problems: list[Problem]) -> None:
    """Periodic deadlines name units, classes and categories that exist."""
    names = {u.name for u in units.units} | {u.short for u in units.units if u.short}
    for i, p in enumerate(settings.commissions.periodic):
        base = ("commissions", "periodic", i)
        checks = (("units", p.units, names, "config.periodic_unknown_units"),
                  ("classes", p.classes, set(scoring.classes), "config.periodic_unknown_classes"),
                  ("match", p.match.categories, set(scoring.categories), "config.periodic_unknown_categories"))
        for key, given, known, message in checks:
            unknown = [g for g in given if g not in known]
            if unknown:
                loc = (*base, key) if key != "match" else (*base, "match", "categories")
                problems.append(Problem(
                    "settings.yaml", _line_of(node, loc), _key(loc),
                    say(message, name=p.name, names="、".join(unknown))))
def _check_former_names(units: UnitsFile, node: yaml.Node | None, problems: list[Problem]) -> None:
    """A former name is nobody's current name, belongs to one unit only, and is not the unit's own name."""
    current = {u.name for u in units.units}
    owner: dict[str, str] = {}
    for i, unit in enumerate(units.units):
        for j, former in enumerate(unit.former_names):
            line, key = _line_of(node, ("units", i, "former_names", j)), f"units[{i}].former_names[{j}]"
            if former == unit.name:
                problems.append(Problem("units.yaml", line, key, say("config.former_is_own_name", former=former)))
            elif former in current:
                problems.append(Problem("units.yaml", line, key,
                                        say("config.former_is_other_unit", former=former, unit=unit.name)))
            elif owner.setdefault(former, unit.name) != unit.name:
                problems.append(Problem("units.yaml", line, key, say("config.former_two_units", former=former,
                                                                     owner=owner[former], unit=unit.name)))


def _check_aliases(units: UnitsFile, node: yaml.Node | None, problems: list[Problem]) -> None:
    """An alias names one unit only, and never another unit's full or short name."""
    owner: dict[str, str] = {}
    for unit in units.units:
        for key in (unit.name, unit.short):
            if key:
                owner.setdefault("".join(key.split()), unit.name)
    seen: dict[str, str] = {}
    for i, unit in enumerate(units.units):
        for j, alias in enumerate(unit.aliases):
            other = owner.get(alias) if owner.get(alias) != unit.name else None
            other = other or (seen.get(alias) if seen.get(alias) != unit.name else None)
            if other:
                problems.append(Problem(
                    "units.yaml", _line_of(node, ("units", i, "aliases", j)), f"units[{i}].aliases[{j}]",
                    say("config.alias_taken", alias=alias, other=other)))
            seen.setdefault(alias, unit.name)


def _check_machine(config: Config, node: yaml.Node | None, problems: list[Problem]) -> None:
    """What only this machine can say: a database URL whose driver is installed, usable data folders."""
    settings = config.settings
    if settings.database:
        problem = database_problem(settings.database)
        if problem:
            problems.append(Problem("settings.yaml", _line_of(node, ("database",)), "database", problem))
    folders = [("data_dir", config.data_dir)] if not settings.database or not settings.archive_dir else []
    if settings.archive_dir:
        folders.append(("archive_dir", config.archive_dir))
    for key, folder in folders:
        problem = directory_problem(folder)
        if problem:
            problems.append(Problem("settings.yaml", _line_of(node, (key,)), key, problem))


def _check_labels(directory: Path, problems: list[Problem]) -> None:
    """The office's ``templates/labels.yaml`` (rewording the labels of stored values), when there is one."""
    path = directory / "templates" / LABELS_FILE
    if not path.exists():
        return
    name = f"templates/{LABELS_FILE}"
    found: list[Problem] = []
    data, node = _read(path, found)
    problems.extend(Problem(name, p.line, p.key, p.message) for p in found)
    for loc, message in label_problems(data):
        problems.append(Problem(name, _line_of(node, loc), _key(loc), message))


def _check_messages(directory: Path, problems: list[Problem]) -> None:
    """The office's ``templates/messages/*.yaml`` (rewording what the CLI and the daemon say), when there are any."""
    folder = directory / "templates" / MESSAGES_FOLDER
    if not folder.is_dir():
        return
    for path in sorted(folder.glob("*.yaml")):
        name = f"templates/{MESSAGES_FOLDER}/{path.name}"
        found: list[Problem] = []
        data, node = _read(path, found)
        problems.extend(Problem(name, p.line, p.key, p.message) for p in found)
        for loc, message in message_problems(path.stem, data):
            problems.append(Problem(name, _line_of(node, loc), _key(loc), message))


def load_config(directory: Path | str | None = None) -> Config:
    """Load, validate and cross-check the config directory; raise ConfigError listing every problem."""
    directory = Path(directory) if directory is not None else default_config_dir()
    problems: list[Problem] = []
    if not directory.is_dir():
        raise ConfigError(
            [Problem(str(directory), None, "", say("config.config_dir_missing"))]
        )
    raw = {name: _read(directory / name, problems) for name in FILES}
    settings = _validate(Settings, "settings.yaml", *raw["settings.yaml"], problems)
    units = _validate(UnitsFile, "units.yaml", *raw["units.yaml"], problems)
    scoring = _validate(Scoring, "scoring.yaml", *raw["scoring.yaml"], problems)

    warnings: list[Problem] = []
    if units is not None:
        _check_unique_units(units, raw["units.yaml"][1], problems)
        _check_former_names(units, raw["units.yaml"][1], problems)
    if units is not None and scoring is not None:
        node = raw["units.yaml"][1]
        for i, unit in enumerate(units.units):
            if unit.group is not None and scoring.groups and unit.group not in scoring.groups:
                problems.append(Problem(
                    "units.yaml", _line_of(node, ("units", i, "group")), f"units[{i}].group",
                    say("config.group_undefined", unit=unit.name, group=repr(unit.group),
                        groups="、".join(scoring.groups)),
                ))
            if unit.counts_for is not None and (unit.counts_for == unit.name
                                                or unit.counts_for not in {u.name for u in units.units}):
                problems.append(Problem(
                    "units.yaml", _line_of(node, ("units", i, "counts_for")), f"units[{i}].counts_for",
                    say("config.counts_for_wrong", unit=unit.name, counts_for=repr(unit.counts_for)),
                ))
            if unit.class_ not in scoring.classes:
                known = "、".join(scoring.classes)
                problems.append(Problem(
                    "units.yaml", _line_of(node, ("units", i, "class")), f"units[{i}].class",
                    say("config.class_undefined", unit=unit.name, klass=repr(unit.class_), classes=known),
                ))
    _check_labels(directory, problems)
    _check_messages(directory, problems)
    if settings is not None and units is not None and scoring is not None:
        _check_periodic(settings, units, scoring, raw["settings.yaml"][1], problems)
    if settings is not None:
        node = raw["settings.yaml"][1]
        secrets: list[tuple[tuple[str | int, ...], Any]] = [(("mailboxes", i), m) for i, m in enumerate(settings.mailboxes)]
        if settings.smtp is not None:
            secrets.append((("smtp",), settings.smtp))
        for loc, item in secrets:
            if item.password is None and item.password_env and item.password_env not in os.environ:
                warnings.append(Problem(
                    "settings.yaml", _line_of(node, (*loc, "password_env")), _key((*loc, "password_env")),
                    say("config.password_env_unset", variable=item.password_env),
                ))
    if settings is not None and not problems:
        _check_machine(Config(directory=directory.resolve(), settings=settings, units=(), scoring=scoring),
                       raw["settings.yaml"][1], problems)
    if problems:
        raise ConfigError(problems)
    return Config(directory=directory.resolve(), settings=settings, units=tuple(units.units),
                  scoring=scoring, warnings=tuple(warnings))
