"""What the scorer reads: search documents and hits, precomputed entries, query terms."""

from __future__ import annotations

from dataclasses import dataclass

from stockbot.lookup.tokens import (
    ALPHA_NUM,
    CJKRUN,
    HEAD,
    NUM,
    normalize,
    normalize_cached,
    token_info,
)


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What the index knows about one item; built from the items table."""

    item_id: int
    code: str
    name: str
    aliases: tuple[str, ...] = ()
    spec: str = ""
    category: str = ""
    barcode: str | None = None
    barcodes: tuple[str, ...] = ()
    """Further barcodes (`item_barcodes`): found as `barcode` is — exactly, typed with the
    spaces printed under it, or by their first 6+ digits."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. `score` is 0..100; exact hits score 100 and rank first."""

    item_id: int
    score: float
    exact: bool


class Entry:
    """Everything precomputed about one document that the scorer reads.

    Few containers per item on purpose: every set/frozenset is a GC-tracked object and at
    50k items the cyclic collector's full passes grow with their number. Words, numeric
    keys and CJK grams never collide (alpha latin / has a digit / CJK), so they share one
    frozenset; heads (`m6` of `m6x20`) may equal another item's number, so they are stored
    marked as `^m6`.

    Every string here is normalised text (`[a-z0-9.^]`, CJK, single spaces), so an entry
    encodes as one line with control characters between its parts (`encode`): a snapshot
    holds that line and the index decodes it when a question first scores the item.
    """

    __slots__ = ("barcode_keys", "code_key", "fields", "keys", "names", "prior")

    def __init__(self, doc: SearchDoc) -> None:
        code_n = normalize(doc.code)
        name_n = normalize(doc.name)
        alias_n = [a for a in map(normalize, doc.aliases) if a]
        barcodes_n = [b for b in map(normalize, dict.fromkeys(_labels(doc))) if b]
        self.code_key = code_n.replace(" ", "")
        self.barcode_keys = tuple(dict.fromkeys(b.replace(" ", "") for b in barcodes_n))
        self.names = tuple(dict.fromkeys(n for n in (name_n, *alias_n) if n))

        keys: set[str] = set()
        fields: list[tuple[str, tuple[str, ...]]] = []
        # name, aliases, code and barcodes are matched for precision; spec and category not
        matched = (name_n, *alias_n, code_n, *barcodes_n)
        texts = (*matched, normalize(doc.spec), normalize_cached(doc.category))
        for i, text in enumerate(texts):
            prev = ""
            prev_digit = False
            units: list[str] = []
            for tok in text.split():
                kind, tok_keys, head, tok_units = token_info(tok)
                units.extend(tok_units)
                if kind == CJKRUN:
                    keys.update(tok_keys)
                    prev = ""
                    continue
                digit = kind == NUM
                if digit:
                    keys.update(tok_keys)
                    if head:
                        keys.add(HEAD + head)
                    m = ALPHA_NUM.match(tok)
                    if m:  # `nbr70`, `q235`, `ral9005`: also findable as `nbr`, `235`
                        keys.add(m.group(1))
                        keys.add(m.group(2))
                else:
                    keys.add(tok)
                # `6204 2rs` is also typed `62042rs`, `ral 9005` as `ral9005`.
                if prev and (digit or prev_digit) and len(prev) <= 4 and len(tok) <= 4:
                    keys.add(prev + tok)
                prev, prev_digit = tok, digit
            if i < len(matched) and units:
                fields.append((text, tuple(units)))
        self.fields = tuple(fields)
        self.prior = len(fields[0][1]) if name_n and fields else 99
        self.keys = frozenset(keys)

    def encode(self) -> bytes:
        """One line: code key, barcode keys, prior, names, keys, fields (text and units)."""
        fields = "\t".join(f"{text}\x1e{' '.join(units)}" for text, units in self.fields)
        parts = (self.code_key, " ".join(self.barcode_keys), str(self.prior),
                 "\t".join(self.names), " ".join(sorted(self.keys)), fields)  # fmt: skip
        return "\x1f".join(parts).encode()

    @classmethod
    def decode(cls, line: str) -> Entry:
        code_key, barcodes, prior, names, keys, fields = line.split("\x1f")
        e = cls.__new__(cls)
        e.code_key = code_key
        e.barcode_keys = tuple(barcodes.split(" ")) if barcodes else ()
        e.prior = int(prior)
        e.names = tuple(names.split("\t")) if names else ()
        e.keys = frozenset(keys.split(" ")) if keys else frozenset()
        e.fields = tuple(
            (text, tuple(units.split(" ")))
            for text, units in (f.split("\x1e") for f in fields.split("\t") if f)
        )
        return e


def _labels(doc: SearchDoc) -> tuple[str, ...]:
    return (doc.barcode, *doc.barcodes) if doc.barcode else doc.barcodes


def is_word(key: str) -> bool:
    """A latin word key (the typo-tolerant vocabulary), as opposed to numbers and CJK."""
    return key.isascii() and key.isalpha()


class Term:
    """One query unit and how it may match: expansions, numeric spellings or CJK grams."""

    __slots__ = ("alts", "exp", "grams", "head", "head_alts", "kind", "longer", "weight")

    def __init__(
        self,
        kind: int,
        weight: float,
        *,
        exp: dict[str, float] | None = None,
        alts: tuple[str, ...] = (),
        head: str | None = None,
        grams: tuple[str, ...] = (),
        longer: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.weight = weight
        self.exp = exp or {}
        self.alts = alts
        self.head_alts = tuple(HEAD + a for a in alts)
        self.head = head
        self.grams = grams
        self.longer = longer
        """Long numbers (barcodes) the typed digits begin: a partial barcode."""


def num_match(t: Term, keys: frozenset[str]) -> float:
    """1.0 same number, 0.95 the query is the head of a doc token or the start of a long
    number (a barcode typed in part), 0.4 same head only."""
    for a in t.alts:
        if a in keys:
            return 1.0
    for a in t.head_alts:
        if a in keys:
            return 0.95
    for a in t.longer:
        if a in keys:
            return 0.95
    if t.head and (t.head in keys or HEAD + t.head in keys):
        return 0.4
    return 0.0
