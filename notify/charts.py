"""Charts embedded in the notice's HTML part: scores by class (bars) and the monthly trend (lines).

matplotlib is imported inside the functions (Agg backend, no display): the command line's start-up
never pays for it. Chinese labels use the first CJK font installed (Noto/Source Han, WenQuanYi,
SimHei …); without one the chart is still drawn.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
              "SimHei", "Microsoft YaHei", "Noto Serif CJK SC", "AR PL UMing CN", "Droid Sans Fallback")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


@dataclass(frozen=True)
class ClassBars:
    title: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class TrendPoint:
    label: str                       # 2026年10月 → shown as 10月
    values: dict[str, float]          # series name → value


@lru_cache(maxsize=1)
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    installed = {f.name for f in font_manager.fontManager.ttflist}
    cjk = [name for name in _CJK_FONTS if name in installed]
    plt.rcParams["font.sans-serif"] = [*cjk, "DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt


def _png(fig: Any) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight", facecolor="white")
    _pyplot().close(fig)
    return buffer.getvalue()


def score_bars(classes: Sequence[ClassBars], *, ylabel: str) -> bytes:
    """One panel per class, one bar per unit (highest first), the score written on each bar."""
    plt = _pyplot()
    panels = [c for c in classes if c.bars] or [ClassBars("", (Bar("", 0.0),))]
    widths = [max(2, len(c.bars)) for c in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(min(16, 1.5 + 0.7 * sum(widths)), 4.2), squeeze=False,
                             gridspec_kw={"width_ratios": widths})
    for ax, panel in zip(axes[0], panels, strict=True):
        labels = [b.label for b in panel.bars]
        values = [b.value for b in panel.bars]
        drawn = ax.bar(range(len(values)), values, color="#c0392b", width=0.6)
        ax.bar_label(drawn, labels=[f"{v:g}" for v in values], fontsize=8, padding=2)
        ax.set_xticks(range(len(values)), labels, rotation=45 if len(values) > 4 else 0, ha="right"
                      if len(values) > 4 else "center", fontsize=9)
        ax.set_title(panel.title, fontsize=11)
        ax.set_ylim(0, max([*values, 1.0]) * 1.18)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0][0].set_ylabel(ylabel)
    fig.tight_layout()
    return _png(fig)


def trend_lines(points: Sequence[TrendPoint], *, title: str) -> bytes:
    """One line per series (报送数, 采用数 …) over the months."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 3.2))
    series = list(dict.fromkeys(name for p in points for name in p.values))
    x = list(range(len(points)))
    for name in series:
        ax.plot(x, [p.values.get(name, 0) for p in points], marker="o", label=name)
    ax.set_xticks(x, [p.label for p in points], fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.set_ylim(bottom=0)
    ax.grid(axis="y", alpha=0.3)
    ax.spines[["top", "right"]].set_visible(False)
    if series:
        ax.legend(fontsize=9, frameon=False)
    fig.tight_layout()
    return _png(fig)
