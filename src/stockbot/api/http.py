"""`/api/v1` on the service's one aiohttp server: keys, limits, errors, then reads and writes.

Every call runs the same gate, in this order: the key (401), its scope (403), its rate
(429, `aiolimiter` per key), the body size (413); then the operation on the service's worker
pool (flows and queries are synchronous). Every error is `{"error": {"code", "message"}}`, the
message in the request's `Accept-Language`. Every call ends as one `Handled` record with the
key's name as the actor (`api:<name>`), told to the runtime's watchers — the same command log
and metrics a chat message goes to.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiolimiter import AsyncLimiter
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

import stockbot.messages.api  # noqa: F401  (registers the catalogue)
from stockbot.api import idempotency as idem
from stockbot.api import reads, writes
from stockbot.api import schemas as out
from stockbot.api.openapi import docs_page, document
from stockbot.flows.context import Ctx
from stockbot.i18n import normalize_lang, t, tm
from stockbot.runtime import Handled, Runtime
from stockbot.store.apikeys import SCOPES, KeyInfo, allows, verify

log = logging.getLogger(__name__)

PREFIX = "/api/v1"
MAX_BODY = 16 * 1024
"""Bytes: a receipt is a few hundred; anything near this is a mistake or an attack."""
RATE = 50.0
"""Requests per second per key, with a burst of as many (`aiolimiter`)."""

Call = Callable[..., Awaitable[Any]]


class ApiError(Exception):
    def __init__(self, status: int, code: str, key: str, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.key, self.params = status, code, key, params


def error(status: int, code: str, message: str, **headers: str) -> web.Response:
    body = out.Error(error=out.ErrorDetail(code=code, message=message))
    return web.json_response(body.model_dump(mode="json"), status=status, headers=headers)


def _json(model: BaseModel, status: int = 200) -> web.Response:
    return web.Response(
        text=model.model_dump_json(), status=status, content_type="application/json"
    )


@dataclass
class Api:
    runtime: Runtime
    call: Call
    """Runs a synchronous function on the service's worker pool."""
    rate: float = RATE
    max_body: int = MAX_BODY
    key_ttl: float = 1.0
    """Seconds a verified key is trusted without asking the database again: a revoked key
    stops within this."""
    _limits: dict[int, AsyncLimiter] = field(default_factory=dict)
    _keys: dict[str, tuple[float, KeyInfo | None]] = field(default_factory=dict)
    _users: dict[int, int] = field(default_factory=dict)
    """Key id → the id of the user it acts as (`writes.key_user`)."""

    @property
    def db(self) -> Any:
        return self.runtime.db

    def routes(self) -> list[web.RouteDef]:
        get = [
            ("/items", self.items, "items_list"),
            ("/items/by-barcode/{barcode}", self.item_by_barcode, "items_by_barcode"),
            ("/items/{code}", self.item, "items_get"),
            ("/balances", self.balances, "balances_list"),
            ("/movements", self.movements, "movements_list"),
            ("/documents/{type}", self.documents, "documents_list"),
        ]
        table = [web.get(PREFIX + path, self._endpoint(name, "read", fn)) for path, fn, name in get]
        for op in writes.OPERATIONS:
            table.append(
                web.post(PREFIX + op.path, self._endpoint(op.name, "post", self._write(op)))
            )
        table += [
            web.get(PREFIX + "/openapi.json", self.openapi),
            web.get(PREFIX + "/docs", self.docs),
        ]
        return table

    # --- the gate ---------------------------------------------------------------------------

    def _endpoint(
        self, name: str, scope: str, fn: Callable[[web.Request, KeyInfo, str], Awaitable[Any]]
    ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            lang = _lang(request, self.runtime.settings.default_language)
            started = time.perf_counter()
            seen = Handled("api", "-", "-", command=f"api:{name}")
            try:
                key = await self._key(request)
                seen.user, seen.chat = key.name, f"key:{key.name}"
                if not allows(key.scope, scope):
                    raise ApiError(403, "forbidden", "api.forbidden", scope=key.scope, needed=scope)
                limiter = self._limits.get(key.id)
                if limiter is None:  # not `setdefault`: that builds a limiter on every call
                    limiter = self._limits[key.id] = AsyncLimiter(self.rate, 1)
                if not limiter.has_capacity():
                    raise ApiError(429, "rate_limited", "api.rate_limited", seconds=1)
                await limiter.acquire()
                if (request.content_length or 0) > self.max_body:
                    raise ApiError(413, "too_large", "api.too_large", limit=self.max_body)
                for where, value in [*request.query.items(), *request.match_info.items()]:
                    why = out.unfit_text(value)
                    if why:
                        raise ApiError(422, "invalid", "api.invalid", why=f"{where}: {why}")
                response: web.StreamResponse = await fn(request, key, lang)
                if response.status >= 400:
                    seen.outcome = "refused"
                return response
            except ApiError as exc:
                seen.outcome = "refused"
                headers = {"Retry-After": "1"} if exc.status == 429 else {}
                return error(exc.status, exc.code, tm(exc.key, lang, **exc.params), **headers)
            except (OperationalError, InterfaceError, PoolTimeout):
                # the database is away, slow or refused the connection: ask again later. Not
                # every DBAPIError: a constraint violation is a bug of ours (a 500, logged) —
                # issue 15's "unexplained 503s" were one, hidden behind this answer
                seen.outcome = "unavailable"
                log.warning("api %s: database unavailable", name, exc_info=True)
                return error(503, "unavailable", t("api.unavailable", lang), **{"Retry-After": "1"})
            except Exception:
                seen.outcome = "error"
                log.exception("api %s failed", name)
                return error(500, "error", t("api.error", lang))
            finally:
                seen.seconds = time.perf_counter() - started
                for watch in self.runtime.watchers:
                    try:
                        watch(seen)
                    except Exception:
                        log.exception("a runtime watcher failed")

        return handle

    async def _key(self, request: web.Request) -> KeyInfo:
        auth = request.headers.get("Authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        token = token or request.headers.get("X-API-Key", "").strip()
        if not token or len(token) > 200:
            raise ApiError(401, "unauthorized", "api.unauthorized")
        now = time.monotonic()
        cached = self._keys.get(token)
        if cached is not None and now - cached[0] < self.key_ttl:
            key = cached[1]
        else:
            key = await self.call(self._verify, token)
            if len(self._keys) > 10_000:  # someone trying keys: forget, do not grow
                self._keys.clear()
            self._keys[token] = (now, key)
        if key is None:
            raise ApiError(401, "unauthorized", "api.unauthorized")
        return key

    def _verify(self, token: str) -> KeyInfo | None:
        with self.db.read() as s:
            return verify(s, token)

    # --- reads ----------------------------------------------------------------------------

    async def items(self, request: web.Request, _key: KeyInfo, _lang: str) -> web.Response:
        q = request.query.get("q") or None
        page = await self.call(reads.items, self.db, q, *_paging(request))
        return _json(page)

    async def item(self, request: web.Request, _key: KeyInfo, _lang: str) -> web.Response:
        code = request.match_info["code"]
        found = await self.call(
            lambda: reads.item_stock(self.db, code=code, warehouse=request.query.get("warehouse"))
        )
        if found is None:
            raise ApiError(404, "not_found", "api.not_found", what=code[:64])
        return _json(found)

    async def item_by_barcode(self, request: web.Request, _k: KeyInfo, _l: str) -> web.Response:
        barcode = request.match_info["barcode"]
        found = await self.call(
            lambda: reads.item_stock(
                self.db, barcode=barcode, warehouse=request.query.get("warehouse")
            )
        )
        if found is None:
            raise ApiError(404, "not_found", "api.not_found", what=barcode[:64])
        return _json(found)

    async def balances(self, request: web.Request, _key: KeyInfo, _lang: str) -> web.Response:
        q = request.query
        page = await self.call(
            reads.balances,
            self.db,
            q.get("item"),
            q.get("warehouse"),
            q.get("location"),
            *_paging(request),
        )
        return _json(page)

    async def movements(self, request: web.Request, _key: KeyInfo, _lang: str) -> web.Response:
        page = await self.call(
            reads.movements, self.db, request.query.get("item"), *_paging(request)
        )
        return _json(page)

    async def documents(self, request: web.Request, _key: KeyInfo, _lang: str) -> web.Response:
        doc_type = request.match_info["type"]
        if doc_type not in reads.DOCUMENTS:
            raise ApiError(404, "not_found", "api.not_found", what=doc_type[:32])
        page = await self.call(
            reads.documents, self.db, doc_type, request.query.get("state"), *_paging(request)
        )
        return _json(page)

    # --- writes ---------------------------------------------------------------------------

    def _write(
        self, op: writes.Operation
    ) -> Callable[[web.Request, KeyInfo, str], Awaitable[web.Response]]:
        async def write(request: web.Request, key: KeyInfo, lang: str) -> web.Response:
            idem_key = request.headers.get("Idempotency-Key", "").strip()
            if not idem_key or len(idem_key) > 100:
                raise ApiError(400, "idempotency_key_required", "api.idempotency_required")
            raw = await request.content.read(self.max_body + 1)
            if len(raw) > self.max_body:
                raise ApiError(413, "too_large", "api.too_large", limit=self.max_body)
            try:
                data = op.body.model_validate_json(raw or b"{}")
            except ValidationError as exc:
                raise ApiError(422, "invalid", "api.invalid", why=_why(exc)) from None
            return await self.call(self._run_write, op, key, lang, idem_key, data)

        return write

    def _run_write(
        self, op: writes.Operation, key: KeyInfo, lang: str, idem_key: str, data: BaseModel
    ) -> web.Response:
        """One write, one transaction: the key's row, the flow's work and the answer commit
        together (`idempotency`); any failure leaves nothing, and the caller's retry runs it.
        The key's insert is also how a repeat is recognised (`idem.reserve`): no read of the
        key before it, so a new key — nearly every call — costs no transaction of its own."""
        digest = idem.request_hash(op.name, data.model_dump(mode="json"))
        user_id = self._users.get(key.id)
        if user_id is None:  # once per key and process: the user of a key never changes
            user_id = self._users[key.id] = writes.key_user(self.runtime, key)
        ctx = writes.context(self.runtime, key, user_id, lang, idem_key)
        with self.db.one_transaction() as conn:
            seen = idem.reserve(conn, key.id, idem_key, op.name, digest)
            if seen is None:
                status, body = self._answer(ctx, op, data)
                idem.finish(conn, key.id, idem_key, status, body)
        if seen is None:
            return web.json_response(body, status=status)
        if not seen.same:
            raise ApiError(422, "idempotency_key_reused", "api.idempotency_reused")
        return web.json_response(
            seen.response, status=seen.status, headers={"Idempotent-Replay": "true"}
        )

    def _answer(
        self, ctx: Ctx, op: writes.Operation, data: BaseModel
    ) -> tuple[int, dict[str, Any]]:
        outcome = writes.run(self.runtime, ctx, op, data)
        if not outcome.ok:
            refused = out.Error(
                error=out.ErrorDetail(code=outcome.code, message=outcome.reply.plain())
            )
            return outcome.status, refused.model_dump(mode="json")
        docs, postings = writes.created(ctx, outcome.reply)
        done = out.WriteResult(
            message=outcome.reply.plain(),
            message_key=next(iter(outcome.reply.keys()), None),
            documents=list(docs),
            states=docs,
            postings=postings,
        )
        return outcome.status, done.model_dump(mode="json")

    # --- the description ------------------------------------------------------------------

    async def openapi(self, _request: web.Request) -> web.Response:
        return web.json_response(document())

    async def docs(self, _request: web.Request) -> web.Response:
        return web.Response(text=docs_page(), content_type="text/html")


def _lang(request: web.Request, default: str) -> str:
    """The first language of `Accept-Language` we speak (`zh-TW` → 繁體), else the factory's."""
    for part in request.headers.get("Accept-Language", "").split(","):
        lang = normalize_lang(part.split(";")[0].strip())
        if lang:
            return lang
    return default


def _paging(request: web.Request) -> tuple[str | None, int]:
    cursor = request.query.get("cursor") or None
    raw = request.query.get("limit", "100")
    if not raw.isdigit() or not 1 <= int(raw) <= reads.MAX_LIMIT:
        raise ApiError(422, "invalid", "api.invalid", why=f"limit is 1-{reads.MAX_LIMIT}")
    try:
        reads.decode_cursor(cursor)
    except reads.BadCursor:
        raise ApiError(422, "bad_cursor", "api.bad_cursor") from None
    return cursor, int(raw)


def _why(exc: ValidationError) -> str:
    parts = []
    for e in exc.errors()[:5]:
        where = ".".join(str(x) for x in e["loc"]) or "body"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)


__all__ = ["PREFIX", "SCOPES", "Api", "ApiError", "error", "json"]
