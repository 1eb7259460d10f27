"""In-memory item search for chat queries: codes, typo'd English, Chinese fragments.

Factory people type `hex blot m6x20`, `軸承6204`, `Ｍ８螺母` or `bolt-hex-m6x20` into a chat
window and expect the right part on top within a chat round trip (30 ms end to end). A
general-purpose fuzzy ranker over every item is both too slow (~400 ms at 100k items) and
wrong in the way that matters here: it rates `M6x25` as close to `M6x20` as any word typo,
while in a stores room a different number is a different part.

So the search is two-staged:

1. **Pre-filter.** Every document is cut into *units*: latin words, numeric tokens (anything
   with a digit: `m6x20`, `6204`, `10k`, `0805`) and CJK unigrams/bigrams, all in one
   inverted index. A query word is expanded against the vocabulary of indexed words (exact,
   prefix, and one or two OSA edits via rapidfuzz - this is what forgives `blot` / `bearnig`);
   numbers are never fuzzed, only matched exactly or by their "head" (`m8` finds `m8x30`).
   Posting sets are counted rarest-first under a fixed budget, the best-covered documents
   are kept (150 at most) and the very common features only refine that set by C-level set
   intersection, so no query touches more than a bounded number of postings.
2. **Scorer.** Each candidate gets *recall* (how much of the query it covers, numbers weigh
   double so a matching dimension beats a matching word), *precision* (how much of its best
   name/alias/code is explained by the query, so the plain `Hex bolt M6x20` beats
   `Hex bolt M6x20 stainless A4`) and a small rapidfuzz string ratio as a tie-breaker.

Exact hits (code ignoring case and punctuation, any barcode, exact name or alias) always come
first with `exact=True`. Barcodes are also text like the code: a barcode typed with the spaces
printed under it is exact, and its first 6+ digits find it as `m8` finds `m8x30`.

The index is pure Python. Writers must be serialised (see `service.py`); a search racing a
`remove` skips the vanished item instead of failing. It pickles as a few flat buffers
(`stores.py`) that load in milliseconds; a loaded index turns rows into objects as questions
first read them, with the cyclic collector off, and freezes them (`_settle`).
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import SupportsIndex

from rapidfuzz import fuzz

from stockbot.lookup.collector import paused
from stockbot.lookup.entries import Entry, Hit, SearchDoc, Term, num_match
from stockbot.lookup.stores import Entries, Table, buffers
from stockbot.lookup.tokens import (
    CJKRUN,
    HEAD,
    NUM,
    WORD,
    cjk_grams,
    has_digit,
    normalize,
    num_keys,
    query_num_keys,
)
from stockbot.lookup.vocab import Vocabulary
from stockbot.text import is_cjk

__all__ = ["Hit", "ItemIndex", "SearchDoc", "normalize"]


# --------------------------------------------------------------------------- query plan

_MAX_QUERY_CHARS = 200
_MAX_TERMS = 12
_MAX_GRAMS = 24
_CANDIDATES = 150  # documents that reach the full scorer
_COUNT_BUDGET = 6_000  # postings counted per query before the rest only refine
_MIN_RECALL = 0.15
_FREEZE_EVERY = 2_000
"""References the collector would walk in what a loaded index decoded since it last froze it
(an entry ~64: its key set; a posting 1 per id): past that, `gc.freeze()` (`_settle`) — about
every question that decoded 30 entries or more."""
_PACKED = 3
"""Pickle format of the index (`__getstate__`): a change makes older snapshots unusable."""


# --------------------------------------------------------------------------- the index


class ItemIndex:
    """Searchable set of items; build once, then `upsert`/`remove` as items change."""

    def __init__(self, docs: Iterable[SearchDoc] = ()) -> None:
        self._entries = Entries()
        self._post = Table()  # word / number / CJK gram -> items
        self._by_code = Table()
        self._by_barcode = Table()
        self._by_name = Table()
        self._by_prior = Table()  # `_prior_key(len(name))` -> items
        self._vocab = Vocabulary(self._post)
        self._frozen = 0
        # A bulk build allocates ~10 long-lived objects per item; left on, the cyclic GC
        # would rescan the growing heap again and again (~45% of the build time at 50k).
        with paused():
            for doc in docs:
                self.upsert(doc)
        if gc.isenabled():
            # Promote the new objects to the oldest generation now, in one pass, rather
            # than in the first young-generation collections during the first queries.
            gc.collect(1)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._entries

    def __reduce_ex__(self, protocol: SupportsIndex) -> tuple[object, ...]:
        """Flat buffers, not objects: a snapshot of 50,000 items loads in milliseconds. With
        protocol 5 they are pickle buffers (`snapshot.write` keeps them out of band)."""
        wrap = buffers if int(protocol) >= 5 else tuple
        state = {
            "format": _PACKED,
            "entries": wrap(self._entries.pack()),
            "tables": [wrap(t.pack()) for t in self._tables()],
            "vocab": self._vocab.state(),
        }
        return _blank, (), state

    def __setstate__(self, state: dict[str, object]) -> None:
        if state.get("format") != _PACKED:
            raise ValueError("search index pickled in another format")
        tables = [Table(packed) for packed in state["tables"]]  # type: ignore[attr-defined]
        self._post, self._by_code, self._by_barcode, self._by_name, self._by_prior = tables
        self._entries = Entries(state["entries"])  # type: ignore[arg-type]
        for prior in self._by_prior.keys():  # a dozen sets every cold question's tie-break reads
            self._by_prior.get(prior)
        self._vocab = Vocabulary(self._post, state["vocab"])  # type: ignore[arg-type]
        self._frozen = 0

    def _tables(self) -> tuple[Table, ...]:
        return self._post, self._by_code, self._by_barcode, self._by_name, self._by_prior

    # ------------------------------------------------------------------ writes

    def upsert(self, doc: SearchDoc) -> None:
        """Add or replace one item; only that item's postings are touched."""
        if doc.item_id in self._entries:
            self.remove(doc.item_id)
        e = Entry(doc)
        iid = doc.item_id
        self._entries.put(iid, e)
        add = self._post.add
        for k in e.keys:
            if add(k, iid):
                self._vocab.changed(k, True)
        for name in e.names:
            self._by_name.add(name, iid)
        if e.code_key:
            self._by_code.add(e.code_key, iid)
        for barcode in e.barcode_keys:
            self._by_barcode.add(barcode, iid)
        self._by_prior.add(_prior_key(e.prior), iid)

    def remove(self, item_id: int) -> None:
        """Forget one item; unknown ids are ignored (deactivating twice is harmless)."""
        e = self._entries.pop(item_id)
        if e is None:
            return
        for k in e.keys:
            if self._post.discard(k, item_id):
                self._vocab.changed(k, False)
        self._by_prior.discard(_prior_key(e.prior), item_id)
        for name in e.names:
            self._by_name.discard(name, item_id)
        if e.code_key:
            self._by_code.discard(e.code_key, item_id)
        for barcode in e.barcode_keys:
            self._by_barcode.discard(barcode, item_id)

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Best `limit` items for what someone typed; exact hits first, never raises."""
        with paused():  # what it decodes is frozen at the end, not walked by a collection now
            try:
                return self._search(query, limit)
            finally:
                self._settle()

    def _search(self, query: str, limit: int) -> list[Hit]:
        if limit <= 0 or not query:
            return []
        nq = normalize(query[:_MAX_QUERY_CHARS])
        if not nq:
            return []
        hits: list[Hit] = []
        seen: set[int] = set()
        compact = nq.replace(" ", "")
        for bucket in (
            self._by_code.get(compact) or (),
            self._by_barcode.get(compact) or (),
            self._by_name.get(nq) or (),
        ):
            for iid in sorted(bucket):
                if iid not in seen:
                    seen.add(iid)
                    hits.append(Hit(iid, 100.0, True))
        if len(hits) >= limit:
            return hits[:limit]

        terms, features = self._plan(nq)
        if not terms or not features:
            return hits
        cands = self._candidates(features)
        ranked = self._rank(nq, terms, cands, seen, limit - len(hits))
        hits.extend(ranked)
        return hits

    def _settle(self) -> None:
        """Freeze what questions have decoded from a loaded snapshot, once it adds up.

        Those entries and sets live as long as the index, but as young objects every
        collection walks them again — each young one (half of a cold question's extra CPU
        time at 50,000 items), then every full one, in whichever thread allocates at the time,
        an asking one: 30 ms per 10,000 entries, 60–150 ms after the first hundred questions.
        Decoded with the collector off (`search`) and frozen right after, no collection walks
        them. Freezing also keeps the few cyclic garbage objects a question has in flight
        (2–12 measured), so it is done only past `_FREEZE_EVERY` new references: at most
        ~2,400 times in a process's life at 50,000 items, however long it runs (decoding is
        once per entry). A built index decodes nothing and never freezes here."""
        grown = self._entries.decoded * 64 + sum(t.loaded for t in self._tables())
        if grown - self._frozen >= _FREEZE_EVERY:
            gc.freeze()
            self._frozen = grown

    # ------------------------------------------------------------------ internals

    def _plan(self, nq: str) -> tuple[list[Term], list[tuple[set[int], int]]]:
        """Turn a normalised query into scored terms and pre-filter features."""
        terms: list[Term] = []
        features: list[tuple[set[int], int]] = []
        seen_tokens: set[str] = set()
        seen_grams: set[str] = set()
        n_grams = 0
        for tok in nq.split():
            if tok in seen_tokens or len(terms) >= _MAX_TERMS:
                continue
            seen_tokens.add(tok)
            if is_cjk(tok[0]):
                grams = cjk_grams(tok)[: max(0, _MAX_GRAMS - n_grams)]
                if not grams:
                    continue
                n_grams += len(grams)
                terms.append(Term(CJKRUN, min(1.0 + 0.5 * (len(grams) - 1), 2.5), grams=grams))
                for g in grams:
                    if g in seen_grams:
                        continue
                    seen_grams.add(g)
                    s = self._post.get(g)
                    if s:
                        features.append((s, 1))
            elif has_digit(tok):
                alts, head = query_num_keys(tok)
                longer = self._vocab.longer(tok)
                terms.append(Term(NUM, 2.0, alts=alts, head=head, longer=longer))
                s = _union([self._post.get(a) for a in (*alts, *(HEAD + a for a in alts), *longer)])
                if s:
                    features.append((s, 2))
                if head:  # same size, other length (`m6x25` for `m6x20`) ranks next
                    s = _union([self._post.get(head), self._post.get(HEAD + head)])
                    if s:
                        features.append((s, 1))
            else:
                exp = self._vocab.expand(tok)
                terms.append(Term(WORD, 1.0, exp=exp))
                s = _union([self._post.get(w) for w in exp])
                if s:
                    features.append((s, 1))
        return terms, features

    def _candidates(self, features: list[tuple[set[int], int]]) -> list[int]:
        """A bounded list of documents most worth scoring.

        Rare features are counted (numbers weigh 2); once the budget is spent, the common
        ones only split each count tier into "has it" / "lacks it" by C-level set
        intersection. Ties beyond the cap go to documents with the shortest names, which
        are the plain variants people usually mean.
        """
        features = sorted(features, key=lambda f: len(f[0]))
        cnt: Counter[int] = Counter()
        used = 0
        big: list[set[int]] = []
        for s, w in features:
            if cnt and used + len(s) * w > _COUNT_BUDGET:
                big.append(s)
                continue
            for _ in range(w):
                cnt.update(s)
            used += len(s) * w
        if len(cnt) <= _CANDIDATES and not big:
            return list(cnt)
        # Only the best-covered tiers can make the cut: find the lowest count still needed
        # from a histogram (C speed) and bucket just the documents at or above it.
        hist = Counter(cnt.values())
        floor, have = 0, 0
        for c in sorted(hist, reverse=True):
            floor, have = c, have + hist[c]
            if have >= _CANDIDATES:
                break
        tiers: defaultdict[int, list[int]] = defaultdict(list)
        for d, c in cnt.items():
            if c >= floor:
                tiers[c].append(d)
        out: list[int] = []
        for c in sorted(tiers, reverse=True):
            parts: list[set[int]] = [set(tiers[c])]
            for s in big[:3]:
                parts = [p for part in parts for p in (part & s, part - s)]
            for part in parts:
                need = _CANDIDATES - len(out)
                if need <= 0:
                    return out
                if len(part) <= need:
                    out.extend(part)
                else:
                    out.extend(self._shortest(part, need))
            if len(out) >= _CANDIDATES:
                break
        return out

    def _shortest(self, ids: set[int], need: int) -> list[int]:
        """`need` of `ids`, preferring short names, then low ids (deterministic)."""
        out: list[int] = []
        for p in sorted(self._by_prior.keys()):
            sel = ids & (self._by_prior.get(p) or set())
            if not sel:
                continue
            room = need - len(out)
            if len(sel) <= room:
                out.extend(sel)
            else:
                out.extend(sorted(sel)[:room])
            if len(out) >= need:
                break
        return out

    def _rank(
        self, nq: str, terms: list[Term], cands: list[int], seen: set[int], limit: int
    ) -> list[Hit]:
        """Score candidates: 0.72 recall + 0.22 precision + 0.06 string ratio."""
        total_w = sum(t.weight for t in terms)
        q_words: dict[str, float] = {}
        for t in terms:
            for w, s in t.exp.items():
                if s > q_words.get(w, 0.0):
                    q_words[w] = s
        q_grams = {g for t in terms for g in t.grams}
        num_terms = [t for t in terms if t.kind == NUM]
        # Per kind, in the shape the loop below reads fastest; expansions best-first so the
        # first one an item has is its best.
        word_terms = [
            (t.weight, sorted(t.exp.items(), key=lambda kv: -kv[1]))
            for t in terms
            if t.kind == WORD and t.exp
        ]
        gram_terms = [(t.weight / len(t.grams), t.grams) for t in terms if t.kind == CJKRUN]

        def unit_sim(u: str) -> float:
            if is_cjk(u[0]):
                return 1.0 if u in q_grams else 0.0
            if has_digit(u):
                alts, head = num_keys(u)
                u_keys = frozenset((*alts, HEAD + head) if head else alts)
                return max((num_match(t, u_keys) for t in num_terms), default=0.0)
            return q_words.get(u, 0.0)

        memo = _Memo(unit_sim)
        sim_of = memo.__getitem__
        entries = self._entries
        scored: list[tuple[float, int, int, str]] = []
        for iid in cands:
            e = entries.get(iid)
            if e is None or iid in seen:
                continue
            keys = e.keys
            acc = 0.0
            for weight, exp in word_terms:
                for w, sim in exp:
                    if w in keys:
                        acc += weight * sim
                        break
            for t in num_terms:
                acc += t.weight * num_match(t, keys)
            for weight, grams in gram_terms:
                acc += weight * sum([g in keys for g in grams])
            recall = acc / total_w
            if recall < _MIN_RECALL:
                continue
            prec = 0.0
            best_text = ""
            for text, units in e.fields:
                p = sum(map(sim_of, units)) / len(units)
                if p > prec or not best_text:
                    prec, best_text = p, text
            scored.append((0.72 * recall + 0.22 * prec, e.prior, iid, best_text))

        scored.sort(key=lambda r: (-r[0], r[1], r[2]))
        top = scored[: max(limit * 3, limit + 5)]
        final = [
            (base + 0.06 * fuzz.ratio(nq, text) / 100.0, prior, iid)
            for base, prior, iid, text in top
        ]
        final.sort(key=lambda r: (-r[0], r[1], r[2]))
        return [
            Hit(iid, round(max(0.0, min(99.0, 100.0 * sc)), 2), False)
            for sc, _, iid in final[:limit]
        ]


class _Memo(dict[str, float]):
    """Per-query cache of unit similarities; `__missing__` computes on first use."""

    __slots__ = ("_compute",)

    def __init__(self, compute: Callable[[str], float]) -> None:
        super().__init__()
        self._compute = compute

    def __missing__(self, key: str) -> float:
        value = self[key] = self._compute(key)
        return value


def _union(sets: list[set[int] | None]) -> set[int]:
    present = [s for s in sets if s]
    if not present:
        return set()
    if len(present) == 1:
        return present[0]
    return set().union(*present)


def _blank() -> ItemIndex:
    """What unpickling fills in (`__setstate__`)."""
    return ItemIndex.__new__(ItemIndex)


def _prior_key(prior: int) -> str:
    """Sorts as the number does (`_shortest` walks them shortest first)."""
    return f"{prior:03d}"
