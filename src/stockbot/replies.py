"""Platform-neutral replies (DESIGN.md §3).

Flows return a :class:`Reply`; each platform renderer turns it into Slack blocks, Telegram HTML or
console text. Tests assert on Replies, never on rendered strings.

Only :class:`Text` carries markup (a tiny Markdown subset, see :func:`inline_spans`); every other
string here (field labels and values, table cells, button labels, captions) is plain text that the
renderers escape. Build markup around user text with :func:`md_escape`, :func:`bold` and
:func:`code` so an item called ``*M8*`` cannot turn bold.

Blocks are frozen pydantic models with a ``kind`` tag, so a Reply round-trips through JSON (the
outbox stores it) and new block types can be added by subclassing :class:`Block` elsewhere;
renderers that do not know a block fall back to :meth:`Block.plain`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, NamedTuple, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, field_validator, model_validator

__all__ = [
    "ACTION_ID_MAX_BYTES",
    "Block",
    "Button",
    "ButtonStyle",
    "Buttons",
    "Choice",
    "Fields",
    "Image",
    "Made",
    "Reply",
    "Span",
    "Table",
    "Text",
    "bold",
    "code",
    "inline_spans",
    "md_escape",
    "strip_markup",
]

#: Telegram's callback_data limit; the real payload lives in the database.
ACTION_ID_MAX_BYTES = 64

ButtonStyle = Literal["primary", "danger", "default"]

B = TypeVar("B", bound="Block")

_BLOCK_KINDS: dict[str, type[Block]] = {}


# --------------------------------------------------------------------------- inline markup


class Span(NamedTuple):
    """A run of text with uniform style, produced by :func:`inline_spans`."""

    text: str
    bold: bool = False
    code: bool = False


_ESCAPABLE = frozenset("\\*`")


def md_escape(text: str) -> str:
    """Escape ``\\``, ``*`` and backticks so user text shows literally inside a Text block."""
    return "".join("\\" + ch if ch in _ESCAPABLE else ch for ch in text)


def bold(text: str) -> str:
    """Markup for *text* in bold, with *text* escaped."""
    return f"*{md_escape(text)}*" if text else ""


def code(text: str) -> str:
    """Markup for *text* as inline code, with *text* escaped."""
    return f"`{md_escape(text)}`" if text else ""


def _find_closing(text: str, start: int, marker: str, *, same_line: bool) -> int:
    """Index of the next unescaped *marker* at or after *start*, or -1."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            i += 2
            continue
        if same_line and ch == "\n":
            return -1
        if ch == marker:
            return i
        if marker == "*" and ch == "`":
            # a code span hides its stars; skip over it when it is closed
            end = _find_closing(text, i + 1, "`", same_line=False)
            if end > i + 1:
                i = end + 1
                continue
        i += 1
    return -1


def inline_spans(text: str) -> list[Span]:
    """Parse the Text markup subset into styled spans.

    Grammar: ``*bold*`` (closed on the same line, non-empty), `` `code` `` (non-empty), a
    backslash escapes ``\\``, ``*`` and a backtick; anything unmatched is literal. Bold may contain
    code; spans never nest otherwise. Every renderer uses this one parser so platforms agree.
    """
    spans: list[Span] = []
    buf: list[str] = []
    is_bold = False

    def flush(*, as_code: bool = False) -> None:
        if buf:
            spans.append(Span("".join(buf), is_bold, as_code))
            buf.clear()

    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] in _ESCAPABLE:
            buf.append(text[i + 1])
            i += 2
            continue
        if ch == "`":
            end = _find_closing(text, i + 1, "`", same_line=False)
            if end > i + 1:
                flush()
                inner = text[i + 1 : end]
                buf.extend(_unescape(inner))
                flush(as_code=True)
                i = end + 1
                continue
        if ch == "*":
            if is_bold:
                flush()
                is_bold = False
                i += 1
                continue
            end = _find_closing(text, i + 1, "*", same_line=True)
            if end > i + 1:
                flush()
                is_bold = True
                i += 1
                continue
        buf.append(ch)
        i += 1
    flush()
    return _merge(spans)


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in _ESCAPABLE:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _merge(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1][1:] == span[1:]:
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.code)
        else:
            merged.append(span)
    return merged


def strip_markup(text: str) -> str:
    """The visible text of Text markup (markers removed, escapes resolved)."""
    return "".join(span.text for span in inline_spans(text))


# --------------------------------------------------------------------------- blocks


class Block(BaseModel):
    """Base of every block. Subclasses set a unique ``kind`` literal and override :meth:`plain`."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", ser_json_bytes="base64", val_json_bytes="base64"
    )

    kind: str

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("kind")
        kind = field.default if field is not None else None
        if isinstance(kind, str) and kind:
            _BLOCK_KINDS[kind] = cls

    def plain(self) -> str:
        """Visible text of the block: used for tests and by renderers as the fallback."""
        return ""


def _key_of(data: Any, field: str) -> Any:
    """A text that is exactly one catalogue message (`i18n.Said`) names its key."""
    if isinstance(data, dict) and data.get("key") is None:
        key = getattr(data.get(field), "key", None)
        if isinstance(key, str):
            return {**data, "key": key}
    return data


class Text(Block):
    """Prose with the small markup subset (``*bold*``, `` `code` ``, line breaks).

    ``key`` names the catalogue message the text was rendered from, when there is one: tests
    and other code ask *what* was said (``reply.keys()``) rather than match English words."""

    kind: Literal["text"] = "text"
    text: str
    key: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _key_of_the_text(cls, data: Any) -> Any:
        return _key_of(data, "text")

    def plain(self) -> str:
        return strip_markup(self.text)


class Fields(Block):
    """A card of ``label: value`` rows (plain text, not markup)."""

    kind: Literal["fields"] = "fields"
    title: str | None = None
    rows: list[tuple[str, str]] = Field(default_factory=list)

    def plain(self) -> str:
        lines = [self.title] if self.title else []
        lines += [f"{label}: {value}" for label, value in self.rows]
        return "\n".join(lines)


class Table(Block):
    """Columns of plain-text cells; every row has exactly one cell per header."""

    kind: Literal["table"] = "table"
    title: str | None = None
    headers: list[str]
    rows: list[list[str]] = Field(default_factory=list)

    @field_validator("rows")
    @classmethod
    def _rows_match_headers(cls, rows: list[list[str]], info: Any) -> list[list[str]]:
        width = len(info.data.get("headers", []))
        for index, row in enumerate(rows):
            if len(row) != width:
                raise ValueError(f"row {index} has {len(row)} cells, expected {width}")
        return rows

    def plain(self) -> str:
        lines = [self.title] if self.title else []
        lines.append("\t".join(self.headers))
        lines += ["\t".join(row) for row in self.rows]
        return "\n".join(lines)


class Button(Block):
    """A button: a label and an opaque action id (≤ 64 bytes UTF-8, payload stored in the DB)."""

    kind: Literal["button"] = "button"
    label: str = Field(min_length=1)
    action_id: str = Field(min_length=1)
    style: ButtonStyle = "default"

    @field_validator("label")
    @classmethod
    def _label_not_blank(cls, label: str) -> str:
        if not label.strip():
            raise ValueError("button label must not be blank")
        return label

    @field_validator("action_id")
    @classmethod
    def _action_id_fits(cls, action_id: str) -> str:
        size = len(action_id.encode("utf-8"))
        if size > ACTION_ID_MAX_BYTES:
            raise ValueError(
                f"action_id is {size} bytes UTF-8; the limit is {ACTION_ID_MAX_BYTES} "
                "(store the payload in the database and pass its id)"
            )
        return action_id

    def plain(self) -> str:
        return self.label


class Buttons(Block):
    """A row of buttons."""

    kind: Literal["buttons"] = "buttons"
    buttons: list[Button] = Field(min_length=1)

    def plain(self) -> str:
        return "  ".join(f"[{b.label}]" for b in self.buttons)


class Image(Block):
    """A PNG chart or label, with an optional plain-text caption."""

    kind: Literal["image"] = "image"
    png: bytes
    caption: str = ""

    def plain(self) -> str:
        return self.caption


class Choice(Block):
    """A "did you mean…" question: a prompt and one button per candidate."""

    kind: Literal["choice"] = "choice"
    prompt: str
    options: list[Button] = Field(min_length=1)
    key: str | None = None
    """The prompt's catalogue key ("which one?" vs "no exact match — closest:")."""

    @model_validator(mode="before")
    @classmethod
    def _key_of_the_prompt(cls, data: Any) -> Any:
        return _key_of(data, "prompt")

    def plain(self) -> str:
        return "\n".join([self.prompt, *(f"[{b.label}]" for b in self.options)])


# --------------------------------------------------------------------------- reply


class Made(NamedTuple):
    """What a flow's unit of work made, as its caller may report it: document number → state,
    and the postings' ids."""

    documents: dict[str, str]
    postings: tuple[int, ...]


class Reply(BaseModel):
    """What a flow answers: a short list of blocks; ``ephemeral`` = only the sender sees it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    blocks: list[SerializeAsAny[Block]] = Field(default_factory=list)
    ephemeral: bool = False
    asks: bool = False
    """The reply asks this user for a free-text answer (a reason): their next message in the
    chat answers it. A platform may offer a form instead (Slack opens a modal)."""
    made: Made | None = Field(default=None, exclude=True)
    """The documents and postings the flow made, when it names them (`naming`): the API's
    answer lists them without searching every document table for the call's origin. None: the
    flow did not say (the API searches). Never stored or shown: not part of the JSON."""

    @field_validator("blocks", mode="before")
    @classmethod
    def _resolve_kinds(cls, value: Any) -> Any:
        """Turn JSON dicts back into their registered block class (by ``kind``)."""
        if not isinstance(value, list | tuple):
            return value
        out = []
        for item in value:
            if isinstance(item, dict):
                kind = item.get("kind")
                block_cls = _BLOCK_KINDS.get(kind) if isinstance(kind, str) else None
                if block_cls is None:
                    raise ValueError(f"unknown block kind: {kind!r}")
                item = block_cls.model_validate(item)
            out.append(item)
        return out

    @classmethod
    def of(cls, *blocks: Block, ephemeral: bool = False) -> Reply:
        """``Reply.of(Text(...), Buttons(...))``."""
        return cls(blocks=list(blocks), ephemeral=ephemeral)

    @classmethod
    def text(cls, text: str, *, ephemeral: bool = False, key: str | None = None) -> Reply:
        """A reply holding one Text block (markup allowed; escape user text yourself)."""
        return cls(blocks=[Text(text=text, key=key)], ephemeral=ephemeral)

    def naming(self, documents: dict[str, str], postings: tuple[int, ...] = ()) -> Reply:
        """This reply, saying which documents (number → state) and postings the flow made."""
        return self.model_copy(update={"made": Made(documents, postings)})

    def keys(self) -> list[str]:
        """The catalogue keys of the Text blocks and choice prompts, in order."""
        return [b.key for b in self.blocks if isinstance(b, Text | Choice) and b.key]

    def __add__(self, other: Reply) -> Reply:
        """Concatenate blocks; the result is ephemeral only if both parts are."""
        if not isinstance(other, Reply):
            return NotImplemented
        return Reply(
            blocks=[*self.blocks, *other.blocks], ephemeral=self.ephemeral and other.ephemeral
        )

    def blocks_of(self, block_type: type[B]) -> list[B]:
        """All blocks of one type, in order (handy in tests)."""
        return [b for b in self.blocks if isinstance(b, block_type)]

    def iter_buttons(self) -> Iterator[Button]:
        for block in self.blocks:
            if isinstance(block, Buttons):
                yield from block.buttons
            elif isinstance(block, Choice):
                yield from block.options
            elif isinstance(block, Button):
                yield block

    def buttons(self) -> list[Button]:
        """Every button in display order, including Choice options."""
        return list(self.iter_buttons())

    def plain(self) -> str:
        """All visible text, one block per paragraph: for tests and last-resort fallbacks."""
        return "\n\n".join(p for p in (b.plain() for b in self.blocks) if p)

    #: convenient for ``assert "M8" in reply`` and ``assert "mr.approved" in reply`` (a key)
    def __contains__(self, needle: object) -> bool:
        return isinstance(needle, str) and (needle in self.plain() or needle in self.keys())
