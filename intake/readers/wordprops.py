"""Direct character and paragraph properties of a Word 97 binary file, as far as the text needs them.

[MS-DOC]: the bin tables ``PlcBteChpx`` / ``PlcBtePapx`` (table stream) point to 512-byte
formatted disk pages (FKPs) in the ``WordDocument`` stream; each FKP maps ranges of file
positions (FC) to a property list (grpprl of sprms). Read here, by FC:

* characters: deleted revision (``sprmCFRMarkDel``) and hidden (``sprmCFVanish``), which Word's
  字数 does not count; bold (``sprmCFBold``); size (``sprmCHps``, half-points);
* paragraphs: alignment (``sprmPJc`` / ``sprmPJc80``), in a table (``sprmPFInTable``,
  ``sprmPItap``), a table-row mark (``sprmPFTtp``), first-line indent (``sprmPDxaLeft1``,
  ``sprmPDxcLeft1`` in characters, as 首行缩进2字符 is stored), and the style's name (STSH).

Only direct formatting is read: a property that comes from a style is unknown (None / False).
Anything malformed ends the parse of that list quietly: properties are evidence, never required.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CharProps", "ParaProps", "Properties", "read_properties"]

_FKP = 512
_MAX_FKPS = 20_000

# sprm codes
_C_RMARK_DEL, _C_VANISH, _C_BOLD, _C_HPS = 0x0800, 0x083C, 0x0835, 0x4A43
_P_JC80, _P_JC, _P_IN_TABLE, _P_TTP, _P_ITAP = 0x2403, 0x2461, 0x2416, 0x2417, 0x6649
_P_DXA_LEFT1_80, _P_DXA_LEFT1, _P_DXC_LEFT1 = 0x8411, 0x8460, 0x4457
_T_DEF_TABLE, _T_DEF_TABLE10, _P_CHG_TABS = 0xD608, 0xD606, 0xC615

_ALIGN = {0: "left", 1: "center", 2: "right", 3: "both", 4: "distribute"}


@dataclass(frozen=True)
class CharProps:
    deleted: bool = False
    hidden: bool = False
    bold: bool | None = None
    size_pt: float | None = None


@dataclass(frozen=True)
class ParaProps:
    alignment: str | None = None
    in_table: bool = False
    row_end: bool = False
    first_line_indent: bool = False
    style: str | None = None


_NO_CHAR = CharProps()
_NO_PARA = ParaProps()


def _sprms(grpprl: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    n = len(grpprl)
    while pos + 2 <= n:
        sprm = struct.unpack_from("<H", grpprl, pos)[0]
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size = 1
        elif spra in (2, 4, 5):
            size = 2
        elif spra == 3:
            size = 4
        elif spra == 7:
            size = 3
        elif sprm in (_T_DEF_TABLE, _T_DEF_TABLE10):
            if pos + 2 > n:
                return
            size = struct.unpack_from("<H", grpprl, pos)[0] - 1
            pos += 2
        else:
            if pos >= n:
                return
            size = grpprl[pos]
            pos += 1
            if sprm == _P_CHG_TABS and size == 255:
                return  # the rare long form: stop here, the rest is not needed
        if size < 0 or pos + size > n:
            return
        yield sprm, grpprl[pos: pos + size]
        pos += size


def _toggle(operand: bytes) -> bool:
    # 0 off, 1 on; 0x80 "as the style" and 0x81 "opposite of the style": style unknown, 0x81 ~ on
    return bool(operand) and operand[0] in (1, 0x81)


def _char_props(grpprl: bytes) -> CharProps:
    deleted = hidden = False
    bold: bool | None = None
    size: float | None = None
    for sprm, op in _sprms(grpprl):
        if sprm == _C_RMARK_DEL:
            deleted = _toggle(op)
        elif sprm == _C_VANISH:
            hidden = _toggle(op)
        elif sprm == _C_BOLD:
            bold = _toggle(op)
        elif sprm == _C_HPS and len(op) == 2:
            size = struct.unpack("<H", op)[0] / 2
    return CharProps(deleted, hidden, bold, size)


def _para_props(grpprl: bytes, styles: dict[int, str]) -> ParaProps:
    if len(grpprl) < 2:
        return _NO_PARA
    istd = struct.unpack_from("<H", grpprl, 0)[0]
    align: str | None = None
    jc80: str | None = None
    in_table = row_end = indent = False
    for sprm, op in _sprms(grpprl[2:]):
        if sprm == _P_JC and op:
            align = _ALIGN.get(op[0])
        elif sprm == _P_JC80 and op:
            jc80 = _ALIGN.get(op[0])
        elif sprm == _P_IN_TABLE:
            in_table = _toggle(op)
        elif sprm == _P_ITAP and len(op) == 4:
            in_table = in_table or struct.unpack("<i", op)[0] > 0
        elif sprm == _P_TTP:
            row_end = _toggle(op)
        elif sprm in (_P_DXA_LEFT1, _P_DXA_LEFT1_80, _P_DXC_LEFT1) and len(op) == 2:
            indent = struct.unpack("<h", op)[0] > 0
    return ParaProps(align or jc80, in_table, row_end, indent, styles.get(istd))


def _bin_table(table: bytes, fc: int, lcb: int) -> list[int]:
    """Page numbers of the FKPs of one bin table."""
    if lcb < 12 or (lcb - 4) % 8 or fc + lcb > len(table):
        return []
    n = (lcb - 4) // 8
    return [pn & 0x3FFFFF for pn in struct.unpack_from(f"<{n}I", table, fc + 4 * (n + 1))][:_MAX_FKPS]


class _Runs:
    """FC ranges → properties, looked up by FC."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.values: list[object] = []

    def add(self, start: int, end: int, value: object) -> None:
        self.starts.append(start)
        self.ends.append(end)
        self.values.append(value)

    def finish(self) -> None:
        order = sorted(range(len(self.starts)), key=self.starts.__getitem__)
        self.starts = [self.starts[i] for i in order]
        self.ends = [self.ends[i] for i in order]
        self.values = [self.values[i] for i in order]

    def at(self, fc: int, default):
        i = bisect.bisect_right(self.starts, fc) - 1
        if i >= 0 and fc < self.ends[i]:
            return self.values[i]
        return default


def _styles(table: bytes, fc: int, lcb: int) -> dict[int, str]:
    """istd → style name from the style sheet (STSH)."""
    names: dict[int, str] = {}
    if lcb < 4 or fc + lcb > len(table):
        return names
    try:
        cb_stshi = struct.unpack_from("<H", table, fc)[0]
        cstd, cb_base = struct.unpack_from("<HH", table, fc + 2)
        pos = fc + 2 + cb_stshi
        end = fc + lcb
        for istd in range(min(cstd, 4096)):
            if pos + 2 > end:
                break
            cb_std = struct.unpack_from("<H", table, pos)[0]
            std = table[pos + 2: pos + 2 + cb_std]
            pos += 2 + cb_std
            if cb_std == 0 or len(std) < cb_base + 2:
                continue
            cch = struct.unpack_from("<H", std, cb_base)[0]
            raw = std[cb_base + 2: cb_base + 2 + 2 * cch]
            if len(raw) == 2 * cch and cch:
                names[istd] = raw.decode("utf-16-le", errors="replace")
    except struct.error:
        pass
    return names


@dataclass
class Properties:
    chars: _Runs
    paras: _Runs

    def char(self, fc: int) -> CharProps:
        return self.chars.at(fc, _NO_CHAR)

    def para(self, fc: int) -> ParaProps:
        return self.paras.at(fc, _NO_PARA)


def read_properties(wd: bytes, table: bytes, fibrg: bytes) -> Properties:
    """Properties of the document; ``fibrg`` is the FIB's FibRgFcLcb97 blob (fc/lcb pairs)."""

    def pair(index: int) -> tuple[int, int]:
        if 8 * index + 8 > len(fibrg):
            return 0, 0
        return struct.unpack_from("<II", fibrg, 8 * index)

    styles = _styles(table, *pair(1))
    chars, paras = _Runs(), _Runs()
    for pn in _bin_table(table, *pair(12)):
        page = wd[pn * _FKP: pn * _FKP + _FKP]
        if len(page) < _FKP:
            continue
        crun = page[511]
        if 4 * (crun + 1) + crun > 511:
            continue
        fcs = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for i in range(crun):
            offset = page[4 * (crun + 1) + i] * 2
            props = _NO_CHAR
            if offset and offset < 511:
                cb = page[offset]
                props = _char_props(page[offset + 1: offset + 1 + cb])
            chars.add(fcs[i], fcs[i + 1], props)
    for pn in _bin_table(table, *pair(13)):
        page = wd[pn * _FKP: pn * _FKP + _FKP]
        if len(page) < _FKP:
            continue
        cpara = page[511]
        if 4 * (cpara + 1) + 13 * cpara > 511:
            continue
        fcs = struct.unpack_from(f"<{cpara + 1}I", page, 0)
        for i in range(cpara):
            offset = page[4 * (cpara + 1) + 13 * i] * 2
            pprops = _NO_PARA
            if offset and offset < 511:
                cb = page[offset]
                if cb:
                    grpprl = page[offset + 1: offset + 1 + 2 * cb - 1]
                else:
                    cb2 = page[offset + 1] if offset + 1 < 512 else 0
                    grpprl = page[offset + 2: offset + 2 + 2 * cb2]
                pprops = _para_props(grpprl, styles)
            paras.add(fcs[i], fcs[i + 1], pprops)
    chars.finish()
    paras.finish()
    return Properties(chars, paras)
