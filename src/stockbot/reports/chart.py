"""Charts as PNG bytes: matplotlib's Agg canvas, imported only when a chart is drawn.

No pyplot and no global backend switch: a `Figure` with its own `FigureCanvasAgg`, drawn inside
an `rc_context`, so a chart changes nothing else in the process and threads may draw at once.

Chinese item names need a CJK font, and the machines here have none (`fc-list :lang=zh` is
empty). The font comes with the `mplfonts` package that stockbot depends on — Noto Sans CJK SC
(SIL Open Font License) — registered with matplotlib's font manager on first use and put first
in the family list; it has Latin glyphs too, and DejaVu Sans stays behind it as the fallback.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from stockbot.text import clip

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
FALLBACK_FAMILY = "DejaVu Sans"
WIDTH, HEIGHT, DPI = 960, 420, 100
"""The summary chart's size in pixels (and dots per inch)."""

_draw_lock = threading.Lock()  # matplotlib's font cache and text layout are not thread-safe


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK SC file shipped by `mplfonts` (found without importing it)."""
    spec = importlib.util.find_spec("mplfonts")
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "fonts" / CJK_FONT_FILE
        if path.is_file():
            return path
    return None


@lru_cache(maxsize=1)
def cjk_family() -> str | None:
    """Register the CJK font with matplotlib (once per process) and return its family name."""
    path = cjk_font_path()
    if path is None:
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return str(font_manager.FontProperties(fname=str(path)).get_name())


def font_families() -> list[str]:
    """The family list charts draw with: the CJK font first, DejaVu Sans as the fallback."""
    family = cjk_family()
    return [family, FALLBACK_FAMILY] if family else [FALLBACK_FAMILY]


def _rc() -> Any:  # matplotlib types rc keys as a Literal of every rc name
    return {
        "font.family": "sans-serif",
        "font.sans-serif": font_families(),
        "axes.unicode_minus": False,
        "font.size": 9,
    }


@dataclass(frozen=True, slots=True)
class SummarySeries:
    """What the summary chart draws, exactly: a test compares it with the summary's text.

    `below`: (label, available, safety stock, reorder point), worst first, at most MAX_BELOW;
    `below_total`: how many items are below safety stock in all (the text's count); `unit`:
    the quantity unit when every drawn item shares one, else None (each label then names its
    unit); `trend`: (day, value in, value out) per day, oldest first; `currency`: the unit of
    the values."""

    below: list[tuple[str, float, float, float]]
    below_total: int
    unit: str | None
    trend: list[tuple[date, float, float]]
    currency: str


@dataclass(frozen=True, slots=True)
class ChartText:
    """The chart's words in the reader's language."""

    title_below: str
    title_trend: str
    legend: tuple[str, str, str, str, str]
    """(available, safety stock, reorder point, in, out)"""
    none_text: str
    qty_axis: str
    value_axis: str


MAX_BELOW = 10
"""Items the left panel draws (the worst); its title says "10 of N" when there are more."""


def summary_chart(series: SummarySeries, words: ChartText) -> bytes:
    """Left: items below safety stock — available vs safety stock and reorder point, on a
    quantity axis labelled with its unit. Right: value received and issued per day, on an axis
    labelled with the currency. Returns a WIDTH × HEIGHT PNG."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    legend = words.legend
    with _draw_lock, matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        rows = series.below[::-1]
        left.set_title(words.title_below)
        if rows:
            ys = range(len(rows))
            left.barh(ys, [r[1] for r in rows], color="#d9534f", label=legend[0])
            left.scatter([r[2] for r in rows], ys, marker="|", s=260, color="#333333",
                         label=legend[1], zorder=3)  # fmt: skip
            left.scatter([r[3] for r in rows], ys, marker="|", s=260, color="#f0ad4e",
                         label=legend[2], zorder=3)  # fmt: skip
            left.set_yticks(list(ys), [clip(r[0], LABEL_CELLS) for r in rows])
            left.legend(loc="lower right", fontsize=7)
            left.set_xlim(left=0)
            left.set_xlabel(words.qty_axis)
        else:
            left.text(0.5, 0.5, words.none_text, ha="center", va="center",
                      transform=left.transAxes)  # fmt: skip
            left.set_xticks([])
            left.set_yticks([])
        right.set_title(words.title_trend)
        if series.trend:
            trend = series.trend
            xs = list(range(len(trend)))
            right.plot(xs, [t[1] for t in trend], color="#5cb85c", marker=".", label=legend[3])
            right.plot(xs, [t[2] for t in trend], color="#0275d8", marker=".", label=legend[4])
            step = max(1, len(trend) // 6)
            right.set_xticks(xs[::step], [t[0].strftime("%m-%d") for t in trend][::step])
            right.legend(loc="upper left", fontsize=7)
            right.set_ylim(bottom=0)
            right.set_ylabel(words.value_axis)
            right.grid(alpha=0.3)
        buf = BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()


LABEL_CELLS = 24
"""An item label on the chart's axis, in display cells (a Chinese character takes two)."""


def report_chart(
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    kind: str,
    title: str,
    axis: str,
) -> bytes:
    """One report's chart: `series` (legend name, one value per label) as vertical bars,
    horizontal bars (a ranking, first label on top) or lines; the value axis is labelled with
    its unit or currency (`axis`). Returns a WIDTH × HEIGHT PNG."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _draw_lock, matplotlib.rc_context(_rc()):
        fig = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        ax.set_title(title)
        colors = ("#0275d8", "#f0ad4e", "#5cb85c", "#d9534f")
        n = max(1, len(series))
        xs = list(range(len(labels)))
        if kind == "line":
            for k, (name, values) in enumerate(series):
                ax.plot(xs, list(values), color=colors[k % 4], marker=".", label=name)
            step = max(1, len(labels) // 8)
            ax.set_xticks(xs[::step], [str(x) for x in labels][::step])
            ax.set_ylabel(axis)
            ax.grid(alpha=0.3)
        elif kind == "barh":
            width = 0.8 / n
            for k, (name, values) in enumerate(series):
                ys = [len(labels) - 1 - y + (k - (n - 1) / 2) * width for y in xs]
                ax.barh(ys, list(values), height=width, color=colors[k % 4], label=name)
            ax.set_yticks(
                [len(labels) - 1 - y for y in xs], [clip(str(x), LABEL_CELLS) for x in labels]
            )
            ax.set_xlabel(axis)
            ax.grid(axis="x", alpha=0.3)
        else:
            width = 0.8 / n
            for k, (name, values) in enumerate(series):
                pos = [x + (k - (n - 1) / 2) * width for x in xs]
                ax.bar(pos, list(values), width=width, color=colors[k % 4], label=name)
            rotate = 30 if len(labels) > 6 else 0
            ax.set_xticks(xs, [clip(str(x), 16) for x in labels], rotation=rotate,
                          ha="right" if rotate else "center")  # fmt: skip
            ax.set_ylabel(axis)
            ax.grid(axis="y", alpha=0.3)
        if len(series) > 1:
            ax.legend(fontsize=7)
        buf = BytesIO()
        fig.savefig(buf, format="png", dpi=DPI)
        return buf.getvalue()


def warm_up() -> None:
    """Pay the first chart's costs now: import matplotlib (on a new machine it also builds its
    font list), register the CJK font and lay out CJK glyphs once. A fresh process's first
    chart otherwise costs ~2.5 s here, the next ones ~0.3 s."""
    report_chart(["轴承 A"], [("在库 in", [1.0])], kind="bar", title="库存 warm-up", axis="金额")


def warm_up_in_background() -> threading.Thread:
    """`warm_up` on a daemon thread, so a scheduled summary or a `/report` shortly after the
    process starts does not pay for it; charts drawn meanwhile wait on the draw lock."""

    def run() -> None:
        try:
            warm_up()
        except Exception:  # a chart that cannot warm up will say so when it is drawn
            import logging

            logging.getLogger(__name__).warning("chart warm-up failed", exc_info=True)

    thread = threading.Thread(target=run, name="chart-warm-up", daemon=True)
    thread.start()
    return thread
