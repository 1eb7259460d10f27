"""`/report` — the list of reports — and `/report <name> [period] [options]`: the report's
table(s) and its chart, in the reader's language.

The list and the dispatch both come from `stockbot.reports.registry.REPORTS`, the same list the
command line (`stockbot report <name> --format xlsx|csv -o FILE`) uses. A bad period or option
is refused with a localized message and nothing else happens (reports only read).
"""

from __future__ import annotations

import logging
from typing import Any

import stockbot.messages.reports  # noqa: F401  (registers the catalogue)
from stockbot.config import Settings
from stockbot.flows.common import refuse
from stockbot.flows.context import Ctx
from stockbot.i18n import t, tm
from stockbot.replies import Block, Image, Reply, Table, Text
from stockbot.reports import present
from stockbot.reports.inventory import Args
from stockbot.reports.periods import PeriodError, parse_period
from stockbot.reports.registry import REPORTS, OptionError, ReportDef, find, make_args
from stockbot.reports.tables import Report
from stockbot.store import ledger
from stockbot.timeutil import utcnow

log = logging.getLogger(__name__)
CHAT_ROWS = 15
"""Rows per table in chat; the files have them all."""


def base_args(settings: Settings) -> Args:
    """The settings every report reads, for today in the factory's timezone."""
    from stockbot.reports.registry import parse_split

    today = ledger.business_day(utcnow(), settings.timezone)
    split = parse_split(settings.abc_split)
    args = Args(
        today=today,
        period=parse_period(None, today, 30),
        timezone=settings.timezone,
        stale_days=settings.stale_days,
        usage_window_days=settings.usage_window_days,
    )
    if split is not None:
        args.abc_split = split
    return args


def listing(lang: str) -> Reply:
    lines = [t("rep.list", lang)]
    lines += [
        t("rep.list.line", lang, name=r.name, desc=t(f"rep.desc.{r.name}", lang))
        for r in REPORTS.values()
    ]
    return Reply.of(Text(text="\n".join(lines), key="rep.list"))


def prepare(settings: Settings, name: str, words: list[str], lang: str) -> tuple[ReportDef, Args]:
    """The report and its arguments, or a Refusal saying (in `lang`) what was wrong."""
    found = find(name)
    if found is None:
        raise refuse("rep.unknown", lang, name=name[:40])
    try:
        return found, make_args(found, words, base_args(settings))
    except PeriodError as e:
        raise refuse("rep.bad_period", lang, text=e.text[:40]) from None
    except OptionError as e:
        raise refuse("rep.bad_option", lang, name=found.name, text=e.text[:40]) from None


def render(report: Report, lang: str, currency: str, *, chart: bool = True) -> Reply:
    """Title, the chart of the first section, then each section as a table (first rows)."""
    first = report.sections[0]
    head = tm("rep.title", lang, title=present.title(first, lang, currency),
              period=present.period_text(report, lang))  # fmt: skip
    blocks: list[Block] = [Text(text=head, key=f"rep.sec.{first.title}")]
    if chart:
        try:
            png = present.chart_png(report, lang, currency)
            if png is not None:
                blocks.append(Image(png=png, caption=present.title(first, lang, currency)))
        except Exception:  # the numbers matter more than the picture
            log.exception("report chart failed; sending the table without it")
    for n, section in enumerate(report.sections):
        if not section.rows:
            said = present.title(section, lang, currency) + "\n" if n else ""
            blocks.append(Text(text=said + t("rep.empty", lang), key="rep.empty"))
            continue
        blocks.append(
            Table(
                title=present.title(section, lang, currency) if n else None,
                headers=[present.header(c, lang, currency) for c in section.columns],
                rows=[
                    [present.cell(c, v, lang) for c, v in zip(section.columns, row, strict=True)]
                    for row in section.rows[:CHAT_ROWS]
                ],
            )
        )
        if len(section.rows) > CHAT_ROWS:
            more = len(section.rows) - CHAT_ROWS
            blocks.append(Text(text=t("rep.more", lang, n=more, name=report.name), key="rep.more"))
    return Reply.of(*blocks)


def report(ctx: Ctx, cmd: Any) -> Reply:
    """`/report` lists the reports; `/report <name> [period] [options]` answers one."""
    name = (cmd.report or "").strip()
    if not name:
        return listing(ctx.lang)
    words = (cmd.args or "").split()
    found, args = prepare(ctx.settings, name, words, ctx.lang)
    with ctx.db.read() as s:
        result = found.run(s, args)
    return render(result, ctx.lang, ctx.settings.currency)


COMMANDS = {"report": report}
DOC_COMMANDS: dict = {}
ACTIONS: dict = {}
REPLIES: dict = {}
