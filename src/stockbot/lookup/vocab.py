"""The vocabularies typed text is expanded against: latin words (typos forgiven) and long
numbers (barcodes, found by their first digits).

Kept beside the index's postings: a bulk build sorts them once, at the first question; after
that every new or vanished key updates them in place (a catch-up of one item must not re-read
every key, which after a loaded snapshot means decoding all of them); a snapshot carries them.
"""

from __future__ import annotations

from bisect import bisect_left

from rapidfuzz import process
from rapidfuzz.distance import OSA

from stockbot.lookup.entries import is_word
from stockbot.lookup.stores import Table

MAX_EXPANSIONS = 12
_MIN_PARTIAL = 6  # digits of a long number (a barcode) that find it by its start
_LONG_NUMBER = 8  # digits from which a number is a barcode, found by its start


def is_long_number(key: str) -> bool:
    return len(key) >= _LONG_NUMBER and key.isdigit()


class Vocabulary:
    """Sorted words and long numbers of one index's postings, with a cache of expansions."""

    __slots__ = ("_cache", "_dirty", "_numbers", "_post", "_words")

    def __init__(self, post: Table, state: tuple[str, str] | None = None) -> None:
        self._post = post
        self._cache: dict[str, dict[str, float]] = {}
        self._dirty = state is None
        words, numbers = state or ("", "")
        self._words = words.split("\n") if words else []
        self._numbers = numbers.split("\n") if numbers else []  # leading zeros count

    def state(self) -> tuple[str, str]:
        self._refresh()
        return "\n".join(self._words), "\n".join(self._numbers)

    def _refresh(self) -> None:
        if self._dirty:
            keys = self._post.keys()
            self._words = sorted(filter(is_word, keys))
            self._numbers = sorted(filter(is_long_number, keys))
            self._dirty = False
            self._cache.clear()

    def changed(self, key: str, added: bool) -> None:
        """`key` was just added to the postings (or its last item removed)."""
        if self._dirty:
            return
        if is_word(key):
            vocab = self._words
            self._cache.clear()
        elif is_long_number(key):
            vocab = self._numbers
        else:
            return
        i = bisect_left(vocab, key)
        present = i < len(vocab) and vocab[i] == key
        if added and not present:
            vocab.insert(i, key)
        elif not added and present:
            del vocab[i]

    def expand(self, word: str) -> dict[str, float]:
        """Vocabulary words a typed word may stand for, with a similarity 0..1.

        Exact 1.0; the word as a prefix (`bear` -> `bearing`) 0.6..0.95 by how much of it
        was typed; one OSA edit (transpositions count once: `blot` -> `bolt`) 0.85 for
        words of 4+ letters, two edits 0.7 from 8 letters; a 3-letter word that is not in
        the vocabulary may be one edit off (`bae` -> `bare`) at 0.7. Cached per vocabulary
        version, so a query pays for rapidfuzz only on words it has not seen before.
        """
        self._refresh()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        exp: dict[str, float] = {}
        n = len(word)
        known = word in self._post
        max_d = 2 if n >= 8 else 1 if n >= 4 or (n == 3 and not known) else 0
        if max_d:
            short = n < 4
            for cand, dist, _ in process.extract(
                word, self._words, scorer=OSA.distance, score_cutoff=max_d, limit=None
            ):
                if short and len(cand) < 3:
                    continue
                exp[cand] = 0.7 if short or dist > 1 else 0.85
        if n >= 3:
            vocab = self._words
            i = bisect_left(vocab, word)
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
        if len(exp) > MAX_EXPANSIONS:
            best = sorted(exp.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_EXPANSIONS]
            exp = dict(best)
        if len(self._cache) > 20_000:
            self._cache.clear()
        self._cache[word] = exp
        return exp

    def longer(self, digits: str) -> tuple[str, ...]:
        """Long numbers (barcodes) that begin with the typed digits, a few at most."""
        if len(digits) < _MIN_PARTIAL or not digits.isdigit():
            return ()
        self._refresh()
        numbers, out = self._numbers, list[str]()
        i = bisect_left(numbers, digits)
        while i < len(numbers) and numbers[i].startswith(digits) and len(out) < MAX_EXPANSIONS:
            if numbers[i] != digits:
                out.append(numbers[i])
            i += 1
        return tuple(out)
