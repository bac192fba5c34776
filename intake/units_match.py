"""Match a unit named in a document to the registered unit. Pure: names in, a match out.

Offices name themselves in many ways: "滕州市商务局", "市商务局", "商务局", "滨湖镇" for
滨湖镇人民政府, "龙泉街道" for 龙泉街道办事处, "滕州市信访局供稿". The registry knows each
registered unit by its full name, its ``short`` name and the ``aliases:`` listed in units.yaml
(explicit names), and by the abbreviations offices commonly write (derived names):

* a dropped city prefix: 滕州市X局 → 市X局 → X局 (the prefix is the one the registered names share);
* a city prefix added: 滨湖镇人民政府 → 滕州市滨湖镇人民政府;
* 人民政府 / 办事处 dropped: 滨湖镇人民政府 → 滨湖镇, 龙泉街道办事处 → 龙泉街道 (also 街道办);
* in the named text, 供稿 / 报送 / 提供 / 撰稿 suffixes and an internal office (办公室, 信息科 …) are stripped.

It never guesses. An explicit name wins over a derived one; a name that two units share at the
same level is ambiguous; a name no unit carries is unregistered. Both keep the raw text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

__all__ = ["MatchStatus", "UnitMatch", "UnitRegistry", "normalise_unit_text"]


class MatchStatus(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    UNREGISTERED = "unregistered"


@dataclass(frozen=True)
class UnitMatch:
    raw: str                      # the text as the document named it (cleaned)
    status: MatchStatus
    name: str | None = None       # the registered full name when matched
    candidates: tuple[str, ...] = ()  # the registered units an ambiguous name could be


class _UnitLike(Protocol):
    name: str
    short: str | None

    @property
    def aliases(self) -> Sequence[str]: ...


# Explicit names (full name, short, aliases) outrank names derived by the abbreviation rules.
_EXPLICIT, _DERIVED = 0, 1

_WS = re.compile(r"\s+")
_BRACKETS = "（）()【】[]［］〔〕<>《》\"'“”‘’"
_EDGE = " \t\v\u3000:：;；,，。.、-—_" + _BRACKETS
# Words that say who delivered the text, not who the unit is: 滕州市信访局供稿, 市审计局报送.
_DELIVERY_SUFFIX = re.compile(r"(?:供稿|报送|提供|撰稿|供|稿|信息)$")
# An office inside the unit writes on its behalf: 滕州市商务局办公室 is 滕州市商务局.
_INNER_OFFICE = re.compile(r"(?:党政办公室|综合办公室|办公室|党政办|信息科|综合科|信息中心|综合股|秘书科)$")
_GOV_SUFFIXES = ("人民政府", "办事处")
_PREFIX = re.compile(r"^(.{1,5}?[市县区])(?=.{2,})")


def normalise_unit_text(text: str) -> str:
    """The unit text without spaces, brackets, edge punctuation and delivery suffixes."""
    value = _WS.sub("", text).strip(_EDGE)
    for _ in range(2):
        stripped = _DELIVERY_SUFFIX.sub("", value).strip(_EDGE)
        if len(stripped) < 2:
            break
        value = stripped
    return value


def _city_prefixes(names: Sequence[str]) -> tuple[str, ...]:
    """The county/city prefixes ("滕州市") that at least two registered names share."""
    counts: dict[str, int] = {}
    for name in names:
        m = _PREFIX.match(name)
        if m:
            counts[m.group(1)] = counts.get(m.group(1), 0) + 1
    return tuple(sorted((p for p, n in counts.items() if n >= 2), key=len, reverse=True))


def _derived(name: str, prefixes: Sequence[str]) -> set[str]:
    """Abbreviations offices write for the registered ``name``."""
    bases = {name}
    for suffix in _GOV_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            bases.add(name[: -len(suffix)])
    if name.endswith("街道办事处"):
        bases.add(name[: -len("事处")])  # 龙泉街道办
    out: set[str] = set()
    for base in bases:
        out.add(base)
        for prefix in prefixes:
            if base.startswith(prefix):
                rest = base[len(prefix):]
                if len(rest) >= 2:
                    out.add(rest)                      # 商务局
                    out.add(prefix[-1] + rest)         # 市商务局 / 县商务局 / 区商务局
                break
        else:
            for prefix in prefixes[:1]:
                out.add(prefix + base)                 # 滕州市滨湖镇人民政府
    return out


class UnitRegistry:
    """The registered units and every name they go by. Built from units.yaml (``Config.units``)."""

    def __init__(self, units: Iterable[tuple[str, str | None, Sequence[str]]] = ()) -> None:
        entries = [(n.strip(), (s or "").strip() or None, tuple(a.strip() for a in al if a.strip()))
                   for n, s, al in units]
        self.names: tuple[str, ...] = tuple(n for n, _, _ in entries)
        self.prefixes = _city_prefixes(self.names)
        self._keys: dict[str, dict[int, set[str]]] = {}
        self._cache: dict[str, UnitMatch] = {}
        for name, short, aliases in entries:
            for key in (name, short, *aliases):
                if key:
                    self._add(normalise_unit_text(key), _EXPLICIT, name)
                    self._add(_WS.sub("", key), _EXPLICIT, name)
            for key in _derived(name, self.prefixes):
                self._add(key, _DERIVED, name)

    @classmethod
    def from_config(cls, units: Iterable[_UnitLike]) -> UnitRegistry:
        return cls((u.name, u.short, tuple(getattr(u, "aliases", ()) or ())) for u in units)

    def _add(self, key: str, level: int, name: str) -> None:
        if len(key) >= 2:
            self._keys.setdefault(key, {}).setdefault(level, set()).add(name)

    def __len__(self) -> int:
        return len(self.names)

    def _lookup(self, key: str) -> tuple[str, ...] | None:
        levels = self._keys.get(key)
        if not levels:
            return None
        return tuple(sorted(levels[min(levels)]))

    def match(self, text: str) -> UnitMatch:
        """The registered unit ``text`` names, by the rules above; never a guess."""
        found = self._cache.get(text)
        if found is None:
            if len(self._cache) > 4096:
                self._cache.clear()
            found = self._cache[text] = self._match(text)
        return found

    def _match(self, text: str) -> UnitMatch:
        raw = _WS.sub(" ", text).strip(_EDGE)
        value = normalise_unit_text(text)
        tries = [value]
        inner = _INNER_OFFICE.sub("", value)
        if inner != value and len(inner) >= 2:
            tries.append(inner)
        if " " in raw:  # "市审计局 赵文静": the first token names the unit
            first = normalise_unit_text(raw.split(" ", 1)[0])
            tries += [first, _INNER_OFFICE.sub("", first)]
        for key in tries:
            found = self._lookup(key)
            if found is None:
                continue
            if len(found) == 1:
                return UnitMatch(raw, MatchStatus.MATCHED, found[0])
            return UnitMatch(raw, MatchStatus.AMBIGUOUS, None, found)
        return UnitMatch(raw, MatchStatus.UNREGISTERED)

    def knows(self, text: str) -> bool:
        """True when ``text`` names exactly one registered unit."""
        return self.match(text).status is MatchStatus.MATCHED
