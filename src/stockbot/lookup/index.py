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

Exact hits (code ignoring case and punctuation, barcode, exact name or alias) always come
first with `exact=True`.

The index is pure Python. Writers must be serialised (see `service.py`); a search racing a
`remove` skips the vanished item instead of failing.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import opencc
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

__all__ = ["Hit", "ItemIndex", "SearchDoc", "normalize"]


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


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result. `score` is 0..100; exact hits score 100 and rank first."""

    item_id: int
    score: float
    exact: bool


# --------------------------------------------------------------------------- normalisation

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{_CJK}]")
_T2S = opencc.OpenCC("t2s")

_CJK_RUN = re.compile(f"[{_CJK}]+")
_JUNK = re.compile(f"[^a-z0-9.\\s{_CJK}]+")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
# Dimension separators people type for "by"; all become `x`.
_DIM_SEPARATORS = ("\u00d7", "*", "\u2715", "\u2a2f", "\u2573")
_UNITS = frozenset(
    [
        "mm2",
        "mm",
        "cm",
        "m",
        "kv",
        "v",
        "kw",
        "w",
        "ma",
        "a",
        "k",
        "uf",
        "nf",
        "pf",
        "mh",
        "uh",
        "kg",
        "g",
        "ml",
        "l",
        "hz",
        "rpm",
    ]
)
_OHMS = frozenset(("ohm", "ohms"))


def normalize(text: str) -> str:
    """Fold everything people type for the same thing onto one spelling.

    NFKC (full-width `Ｍ８` -> `m8`), Traditional -> Simplified Chinese (`軸承` -> `轴承`),
    lower case, `×`/`*`/`x` between digits -> `x` (`M6 × 20` -> `m6x20`), a space at every
    CJK/latin boundary (`轴承6204` -> `轴承 6204`), punctuation -> space (`BOLT-HEX` ->
    `bolt hex`), a number and its unit glued (`25 V` -> `25v`, `10kΩ` -> `10k`). Used for
    documents and queries alike, so whatever it does cannot make them disagree.

    Work is done per whitespace-separated chunk with a cache: catalog text repeats the same
    chunks (`镀锌`, `DIN933`, `bolt`) endlessly, which makes building 50k entries cheap.
    """
    if not text:
        return ""
    toks: list[str] = []
    for chunk in text.split():
        toks.extend(_norm_chunk(chunk))
    return " ".join(_join_across(toks))


@lru_cache(maxsize=262_144)
def _norm_chunk(chunk: str) -> tuple[str, ...]:
    if chunk.isascii():
        s = chunk.lower()
        if "*" in s:
            s = s.replace("*", "x")
        cjk = False
    else:
        s = unicodedata.normalize("NFKC", chunk)
        cjk = _HAS_CJK.search(s) is not None
        if cjk:
            s = _T2S.convert(s)
        s = s.lower()
        for sep in _DIM_SEPARATORS:
            if sep in s:
                s = s.replace(sep, "x")
        # μ (NFKC's micro sign): 100μF -> 100uf; ω (lower-cased Ω): 10kΩ -> 10k.
        s = s.replace("\u03bc", "u").replace("\u03c9", "")
        if cjk:
            s = _CJK_RUN.sub(r" \g<0> ", s)
    s = _JUNK.sub(" ", s)
    if "." in s:
        s = _LONE_DOT.sub(" ", s)
    return tuple(s.split())


def _join_across(toks: list[str]) -> list[str]:
    """Rules that span chunks: `6 x 20` -> `6x20`, `25 v` -> `25v`, `10 ohm` -> `10`."""
    out: list[str] = []
    for tok in toks:
        if out:
            prev = out[-1]
            p = prev[-1]
            if p.isdigit():
                if tok == "x" or tok in _UNITS or (tok[0] == "x" and tok[1:2].isdigit()):
                    out[-1] = prev + tok
                    continue
                if tok in _OHMS:
                    continue
            elif p == "x" and len(prev) > 1 and prev[-2].isdigit() and tok[0].isdigit():
                out[-1] = prev + tok
                continue
        out.append(tok)
    return out


# --------------------------------------------------------------------------- units

_LENGTH_UNIT = re.compile(r"^(.*\d)(mm2|mm|cm)$")  # not `m`: 3.9m is 3.9 MΩ too
_NUM_UNIT = re.compile(r"^(\d+(?:\.\d+)?)[a-z]+$")
_X_HEAD = re.compile(r"^([a-z]*\d[\d.]*)x\d")
_M_DIM = re.compile(r"^m(\d[\d.]*x\d.*)$")
_HEAD = "^"  # marks a numeric head key (`^m6` from `m6x20`); normalised text has no `^`
_ALPHA_NUM = re.compile(r"^([a-z]{2,})(\d+(?:\.\d+)?)$")
_WORD, _NUM, _CJKRUN = 0, 1, 2


def _is_cjk(token: str) -> bool:
    return token[0] >= "\u3400"


def _has_digit(token: str) -> bool:
    """Tokens are pure CJK or [a-z0-9.] with dots only between digits, so this suffices."""
    return not token.isalpha()


@lru_cache(maxsize=65536)
def _num_keys(token: str) -> tuple[tuple[str, ...], str | None]:
    """Equivalent spellings of a numeric token and its "head" (the less specific part).

    `m6x20` -> (`m6x20`, `6x20`), head `m6`; `5mm` -> (`5mm`, `5`); `10k` -> (`10k`,), head
    `10`. A query token equal to a head (`m8`) fully matches the longer token (`m8x30`);
    a query token whose head matches (`m6x20` vs `m6x25`) is only a partial match.
    """
    alts = [token]
    m = _LENGTH_UNIT.match(token)
    if m:
        alts.append(m.group(1))
    for a in tuple(alts):
        m = _M_DIM.match(a)
        if m:
            alts.append(m.group(1))
    head: str | None = None
    m = _X_HEAD.match(token)
    if m:
        head = m.group(1)
    else:
        m = _NUM_UNIT.match(token)
        if m and m.group(1) not in alts:
            head = m.group(1)
    return tuple(alts), head


def _query_num_keys(token: str) -> tuple[tuple[str, ...], str | None]:
    """Like `_num_keys`, but a typed `m6x20` must not equal a `6x20` wood screw.

    Documents index `m6x20` also as `6x20` so a query without the `M` finds them; the
    reverse would make every metric query match chipboard screws and tubes of that size.
    """
    alts, head = _num_keys(token)
    return tuple(a for a in alts if a[0] == token[0]), head


def _cjk_grams(run: str) -> tuple[str, ...]:
    """Bigrams of a CJK run (a single character stands for itself)."""
    if len(run) == 1:
        return (run,)
    return tuple(run[i : i + 2] for i in range(len(run) - 1))


@lru_cache(maxsize=262_144)
def _token_info(tok: str) -> tuple[int, tuple[str, ...], str | None, tuple[str, ...]]:
    """(kind, index keys, numeric head, precision units) of a normalised token.

    Tokens repeat across thousands of items, so this is computed once per distinct token.
    CJK runs index unigrams and bigrams (a one-character query still finds them) but count
    as bigrams for precision.
    """
    if _is_cjk(tok):
        grams = _cjk_grams(tok)
        keys = grams if len(tok) == 1 else (*tok, *grams)
        return _CJKRUN, keys, None, grams
    if tok.isalpha():
        return _WORD, (), None, (tok,)
    alts, head = _num_keys(tok)
    return _NUM, alts, head, (tok,)


@lru_cache(maxsize=4096)
def _normalize_cached(text: str) -> str:
    """For strings shared by many documents (categories)."""
    return normalize(text)


class _Entry:
    """Everything precomputed about one document that the scorer reads.

    Few containers per item on purpose: every set/frozenset is a GC-tracked object and at
    50k items the cyclic collector's full passes grow with their number. Words, numeric
    keys and CJK grams never collide (alpha latin / has a digit / CJK), so they share one
    frozenset; heads (`m6` of `m6x20`) may equal another item's number, so they are stored
    marked as `^m6`.
    """

    __slots__ = ("barcode_key", "code_key", "doc", "fields", "keys", "names", "prior")

    def __init__(self, doc: SearchDoc) -> None:
        self.doc = doc
        code_n = normalize(doc.code)
        name_n = normalize(doc.name)
        alias_n = [a for a in map(normalize, doc.aliases) if a]
        self.code_key = code_n.replace(" ", "")
        self.barcode_key = normalize(doc.barcode).replace(" ", "") if doc.barcode else ""
        self.names = tuple(dict.fromkeys(n for n in (name_n, *alias_n) if n))

        keys: set[str] = set()
        fields: list[tuple[str, tuple[str, ...]]] = []
        texts = (name_n, *alias_n, code_n, normalize(doc.spec), _normalize_cached(doc.category))
        n_fields = len(texts) - 2  # name, aliases and code are matched for precision
        for i, text in enumerate(texts):
            prev = ""
            prev_digit = False
            units: list[str] = []
            for tok in text.split():
                kind, tok_keys, head, tok_units = _token_info(tok)
                units.extend(tok_units)
                if kind == _CJKRUN:
                    keys.update(tok_keys)
                    prev = ""
                    continue
                digit = kind == _NUM
                if digit:
                    keys.update(tok_keys)
                    if head:
                        keys.add(_HEAD + head)
                    m = _ALPHA_NUM.match(tok)
                    if m:  # `nbr70`, `q235`, `ral9005`: also findable as `nbr`, `235`
                        keys.add(m.group(1))
                        keys.add(m.group(2))
                else:
                    keys.add(tok)
                # `6204 2rs` is also typed `62042rs`, `ral 9005` as `ral9005`.
                if prev and (digit or prev_digit) and len(prev) <= 4 and len(tok) <= 4:
                    keys.add(prev + tok)
                prev, prev_digit = tok, digit
            if i < n_fields and units:
                fields.append((text, tuple(units)))
        self.fields = tuple(fields)
        self.prior = len(fields[0][1]) if name_n and fields else 99
        self.keys = frozenset(keys)


def _is_word(key: str) -> bool:
    """A latin word key (the typo-tolerant vocabulary), as opposed to numbers and CJK."""
    return key.isascii() and key.isalpha()


# --------------------------------------------------------------------------- query plan

_MAX_QUERY_CHARS = 200
_MAX_TERMS = 12
_MAX_GRAMS = 24
_MAX_EXPANSIONS = 12
_CANDIDATES = 150  # documents that reach the full scorer
_COUNT_BUDGET = 6_000  # postings counted per query before the rest only refine
_MIN_RECALL = 0.15


class _Term:
    """One query unit and how it may match: expansions, numeric spellings or CJK grams."""

    __slots__ = ("alts", "exp", "grams", "head", "head_alts", "kind", "weight")

    def __init__(
        self,
        kind: int,
        weight: float,
        *,
        exp: dict[str, float] | None = None,
        alts: tuple[str, ...] = (),
        head: str | None = None,
        grams: tuple[str, ...] = (),
    ) -> None:
        self.kind = kind
        self.weight = weight
        self.exp = exp or {}
        self.alts = alts
        self.head_alts = tuple(_HEAD + a for a in alts)
        self.head = head
        self.grams = grams


def _num_match(t: _Term, keys: frozenset[str]) -> float:
    """1.0 same number, 0.95 the query is the head of a doc token, 0.4 same head only."""
    for a in t.alts:
        if a in keys:
            return 1.0
    for a in t.head_alts:
        if a in keys:
            return 0.95
    if t.head and (t.head in keys or _HEAD + t.head in keys):
        return 0.4
    return 0.0


# --------------------------------------------------------------------------- the index


class ItemIndex:
    """Searchable set of items; build once, then `upsert`/`remove` as items change."""

    def __init__(self, docs: Iterable[SearchDoc] = ()) -> None:
        self._entries: dict[int, _Entry] = {}
        self._post: dict[str, set[int]] = {}  # word / number / CJK gram -> items
        self._by_code: dict[str, tuple[int, ...]] = {}
        self._by_barcode: dict[str, tuple[int, ...]] = {}
        self._by_name: dict[str, tuple[int, ...]] = {}
        self._by_prior: dict[int, set[int]] = {}
        self._vocab: list[str] = []
        self._vocab_dirty = True
        self._exp_cache: dict[str, dict[str, float]] = {}
        # A bulk build allocates ~10 long-lived objects per item; left on, the cyclic GC
        # would rescan the growing heap again and again (~45% of the build time at 50k).
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            for doc in docs:
                self.upsert(doc)
        finally:
            if gc_was_enabled:
                gc.enable()
                # Promote the new objects to the oldest generation now, in one pass, rather
                # than in the first young-generation collections during the first queries.
                gc.collect(1)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._entries

    # ------------------------------------------------------------------ writes

    def upsert(self, doc: SearchDoc) -> None:
        """Add or replace one item; only that item's postings are touched."""
        if doc.item_id in self._entries:
            self.remove(doc.item_id)
        e = _Entry(doc)
        iid = doc.item_id
        self._entries[iid] = e
        post = self._post
        for k in e.keys:
            s = post.get(k)
            if s is None:
                post[k] = {iid}
                if not self._vocab_dirty and _is_word(k):
                    self._vocab_dirty = True
            else:
                s.add(iid)
        for name in e.names:
            self._by_name[name] = (*self._by_name.get(name, ()), iid)
        if e.code_key:
            self._by_code[e.code_key] = (*self._by_code.get(e.code_key, ()), iid)
        if e.barcode_key:
            self._by_barcode[e.barcode_key] = (*self._by_barcode.get(e.barcode_key, ()), iid)
        self._by_prior.setdefault(e.prior, set()).add(iid)

    def remove(self, item_id: int) -> None:
        """Forget one item; unknown ids are ignored (deactivating twice is harmless)."""
        e = self._entries.pop(item_id, None)
        if e is None:
            return
        for k in e.keys:
            s = self._post.get(k)
            if s is not None:
                s.discard(item_id)
                if not s:
                    del self._post[k]
                    if _is_word(k):
                        self._vocab_dirty = True
        same_prior = self._by_prior[e.prior]
        same_prior.discard(item_id)
        if not same_prior:
            del self._by_prior[e.prior]
        for name in e.names:
            _drop_exact(self._by_name, name, item_id)
        if e.code_key:
            _drop_exact(self._by_code, e.code_key, item_id)
        if e.barcode_key:
            _drop_exact(self._by_barcode, e.barcode_key, item_id)

    # ------------------------------------------------------------------ search

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """Best `limit` items for what someone typed; exact hits first, never raises."""
        if limit <= 0 or not query:
            return []
        nq = normalize(query[:_MAX_QUERY_CHARS])
        if not nq:
            return []
        hits: list[Hit] = []
        seen: set[int] = set()
        compact = nq.replace(" ", "")
        for bucket in (
            self._by_code.get(compact, ()),
            self._by_barcode.get(compact, ()),
            self._by_name.get(nq, ()),
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

    # ------------------------------------------------------------------ internals

    def _expand(self, word: str) -> dict[str, float]:
        """Vocabulary words a typed word may stand for, with a similarity 0..1.

        Exact 1.0; the word as a prefix (`bear` -> `bearing`) 0.6..0.95 by how much of it
        was typed; one OSA edit (transpositions count once: `blot` -> `bolt`) 0.85 for
        words of 4+ letters, two edits 0.7 from 8 letters; a 3-letter word that is not in
        the vocabulary may be one edit off (`bae` -> `bare`) at 0.7. Cached per vocabulary
        version, so a query pays for rapidfuzz only on words it has not seen before.
        """
        if self._vocab_dirty:
            self._vocab = sorted(filter(_is_word, list(self._post)))
            self._vocab_dirty = False
            self._exp_cache.clear()
        cached = self._exp_cache.get(word)
        if cached is not None:
            return cached
        exp: dict[str, float] = {}
        n = len(word)
        known = word in self._post
        max_d = 2 if n >= 8 else 1 if n >= 4 or (n == 3 and not known) else 0
        if max_d:
            short = n < 4
            for cand, dist, _ in process.extract(
                word, self._vocab, scorer=OSA.distance, score_cutoff=max_d, limit=None
            ):
                if short and len(cand) < 3:
                    continue
                exp[cand] = 0.7 if short or dist > 1 else 0.85
        if n >= 3:
            i = bisect_left(self._vocab, word)
            vocab = self._vocab
            taken = 0
            while i < len(vocab) and vocab[i].startswith(word) and taken < 40:
                v = vocab[i]
                if v != word:
                    sim = 0.6 + 0.35 * n / len(v)
                    if sim > exp.get(v, 0.0):
                        exp[v] = sim
                i += 1
                taken += 1
        if known:
            exp[word] = 1.0
        if len(exp) > _MAX_EXPANSIONS:
            best = sorted(exp.items(), key=lambda kv: (-kv[1], kv[0]))[:_MAX_EXPANSIONS]
            exp = dict(best)
        if len(self._exp_cache) > 20_000:
            self._exp_cache.clear()
        self._exp_cache[word] = exp
        return exp

    def _plan(self, nq: str) -> tuple[list[_Term], list[tuple[set[int], int]]]:
        """Turn a normalised query into scored terms and pre-filter features."""
        terms: list[_Term] = []
        features: list[tuple[set[int], int]] = []
        seen_tokens: set[str] = set()
        seen_grams: set[str] = set()
        n_grams = 0
        for tok in nq.split():
            if tok in seen_tokens or len(terms) >= _MAX_TERMS:
                continue
            seen_tokens.add(tok)
            if _is_cjk(tok):
                grams = _cjk_grams(tok)[: max(0, _MAX_GRAMS - n_grams)]
                if not grams:
                    continue
                n_grams += len(grams)
                terms.append(_Term(_CJKRUN, min(1.0 + 0.5 * (len(grams) - 1), 2.5), grams=grams))
                for g in grams:
                    if g in seen_grams:
                        continue
                    seen_grams.add(g)
                    s = self._post.get(g)
                    if s:
                        features.append((s, 1))
            elif _has_digit(tok):
                alts, head = _query_num_keys(tok)
                terms.append(_Term(_NUM, 2.0, alts=alts, head=head))
                s = _union([self._post.get(a) for a in (*alts, *(_HEAD + a for a in alts))])
                if s:
                    features.append((s, 2))
                if head:  # same size, other length (`m6x25` for `m6x20`) ranks next
                    s = _union([self._post.get(head), self._post.get(_HEAD + head)])
                    if s:
                        features.append((s, 1))
            else:
                exp = self._expand(tok)
                terms.append(_Term(_WORD, 1.0, exp=exp))
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
        for p in sorted(self._by_prior):
            sel = ids & self._by_prior.get(p, set())
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
        self, nq: str, terms: list[_Term], cands: list[int], seen: set[int], limit: int
    ) -> list[Hit]:
        """Score candidates: 0.72 recall + 0.22 precision + 0.06 string ratio."""
        total_w = sum(t.weight for t in terms)
        q_words: dict[str, float] = {}
        for t in terms:
            for w, s in t.exp.items():
                if s > q_words.get(w, 0.0):
                    q_words[w] = s
        q_grams = {g for t in terms for g in t.grams}
        num_terms = [t for t in terms if t.kind == _NUM]
        # Per kind, in the shape the loop below reads fastest; expansions best-first so the
        # first one an item has is its best.
        word_terms = [
            (t.weight, sorted(t.exp.items(), key=lambda kv: -kv[1]))
            for t in terms
            if t.kind == _WORD and t.exp
        ]
        gram_terms = [(t.weight / len(t.grams), t.grams) for t in terms if t.kind == _CJKRUN]

        def unit_sim(u: str) -> float:
            if _is_cjk(u):
                return 1.0 if u in q_grams else 0.0
            if _has_digit(u):
                alts, head = _num_keys(u)
                u_keys = frozenset((*alts, _HEAD + head) if head else alts)
                return max((_num_match(t, u_keys) for t in num_terms), default=0.0)
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
                acc += t.weight * _num_match(t, keys)
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


def _drop_exact(index: dict[str, tuple[int, ...]], key: str, iid: int) -> None:
    rest = tuple(i for i in index.get(key, ()) if i != iid)
    if rest:
        index[key] = rest
    else:
        index.pop(key, None)
