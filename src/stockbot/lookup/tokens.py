"""Normalisation and tokens: one spelling for what people type, and what a token indexes as."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from stockbot.text import is_cjk

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
HEAD = "^"  # marks a numeric head key (`^m6` from `m6x20`); normalised text has no `^`
ALPHA_NUM = re.compile(r"^([a-z]{2,})(\d+(?:\.\d+)?)$")
WORD, NUM, CJKRUN = 0, 1, 2


def has_digit(token: str) -> bool:
    """Tokens are pure CJK or [a-z0-9.] with dots only between digits, so this suffices."""
    return not token.isalpha()


@lru_cache(maxsize=65536)
def num_keys(token: str) -> tuple[tuple[str, ...], str | None]:
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


def query_num_keys(token: str) -> tuple[tuple[str, ...], str | None]:
    """Like `num_keys`, but a typed `m6x20` must not equal a `6x20` wood screw.

    Documents index `m6x20` also as `6x20` so a query without the `M` finds them; the
    reverse would make every metric query match chipboard screws and tubes of that size.
    """
    alts, head = num_keys(token)
    return tuple(a for a in alts if a[0] == token[0]), head


def cjk_grams(run: str) -> tuple[str, ...]:
    """Bigrams of a CJK run (a single character stands for itself)."""
    if len(run) == 1:
        return (run,)
    return tuple(run[i : i + 2] for i in range(len(run) - 1))


@lru_cache(maxsize=262_144)
def token_info(tok: str) -> tuple[int, tuple[str, ...], str | None, tuple[str, ...]]:
    """(kind, index keys, numeric head, precision units) of a normalised token.

    Tokens repeat across thousands of items, so this is computed once per distinct token.
    CJK runs index unigrams and bigrams (a one-character query still finds them) but count
    as bigrams for precision.
    """
    if is_cjk(tok[0]):
        grams = cjk_grams(tok)
        keys = grams if len(tok) == 1 else (*tok, *grams)
        return CJKRUN, keys, None, grams
    if tok.isalpha():
        return WORD, (), None, (tok,)
    alts, head = num_keys(tok)
    return NUM, alts, head, (tok,)


@lru_cache(maxsize=4096)
def simplified(text: str) -> str:
    """Traditional -> Simplified Chinese, nothing else (`軸承` -> `轴承`)."""
    return _T2S.convert(text)


def normalize_cached(text: str) -> str:
    """For strings shared by many documents (categories)."""
    return normalize(text)
