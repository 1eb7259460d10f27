"""What an import says back: row errors and the report with its text table."""

from __future__ import annotations

from dataclasses import dataclass, field

from stockbot.text import display_width, pad

# --- the report ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem: Excel row number (header = 1; None for the whole file), column, sentence."""

    row: int | None
    column: str | None
    message: str


@dataclass
class ImportReport:
    """What an import did, or why it did nothing. `summary()` is the CLI's last line."""

    kind: str
    source: str = ""
    ok: bool = True
    rows_read: int = 0
    """Non-empty data rows in the file."""
    created: int = 0
    """Items or suppliers inserted; for a stock import, the batches it created."""
    updated: int = 0
    posted_lines: int = 0
    skipped_zero: int = 0
    """Stock rows with quantity 0: nothing on hand, nothing to post, skipped."""
    errors: list[RowError] = field(default_factory=list)
    already_done: bool = False
    seconds: float = 0.0
    posting_id: int | None = None
    notes: list[str] = field(default_factory=list)
    """Things worth knowing that are not errors (ignored columns, already imported …)."""

    def summary(self) -> str:
        head = f"{self.kind}: {self.rows_read:,} rows"
        took = f"{self.seconds:.1f} s"
        if not self.ok:
            n = len(self.errors)
            return f"{head}, {n:,} error{'s' if n != 1 else ''}, nothing written ({took})"
        if self.already_done:
            ref = f" as posting #{self.posting_id}" if self.posting_id else ""
            return f"{head}, already imported{ref}, nothing posted ({took})"
        if self.kind == "stock":
            lines, batches = self.posted_lines, self.created
            zero = self.skipped_zero
            skipped = (
                f", skipped {zero:,} row{'s' if zero != 1 else ''} with zero quantity"
                if zero
                else ""
            )
            return f"{head}, {lines:,} lines posted, {batches:,} new batches{skipped} in {took}"
        return f"{head}, {self.created:,} created, {self.updated:,} updated in {took}"

    def error_table(self, limit: int = 50) -> str:
        """The problems as an aligned text table (CJK counted double-width), first `limit`."""
        if not self.errors:
            return ""
        rows = [("row", "column", "problem")] + [
            ("-" if e.row is None else str(e.row), e.column or "-", e.message)
            for e in self.errors[:limit]
        ]
        w0 = max(display_width(r[0]) for r in rows)
        w1 = max(display_width(r[1]) for r in rows)
        lines = [f"{pad(a, w0)}  {pad(b, w1)}  {c}" for a, b, c in rows]
        if len(self.errors) > limit:
            lines.append(f"… and {len(self.errors) - limit:,} more")
        return "\n".join(lines)
