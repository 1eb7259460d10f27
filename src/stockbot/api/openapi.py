"""The OpenAPI 3.1 document of `/api/v1`, generated from the pydantic models (`schemas`), and
a plain server-rendered page listing the operations (no CDN, no script).
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from stockbot.api import schemas as out
from stockbot.api.reads import DOCUMENTS, MAX_LIMIT
from stockbot.api.writes import OPERATIONS

PAGING = [
    {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "`next_cursor` of the previous page",
    },
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
    },
]


def _q(name: str, description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": description,
    }


def _p(name: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": schema or {"type": "string", "minLength": 1},
    }


READS: list[tuple[str, str, str, type[BaseModel], list[dict[str, Any]]]] = [
    (
        "/items",
        "items_list",
        "Items; with `q`, the chat's fuzzy lookup (one page, best first)",
        out.ItemPage,
        [_q("q", "code, name, spec, alias or barcode"), *PAGING],
    ),
    (
        "/items/by-barcode/{barcode}",
        "items_by_barcode",
        "One item by barcode, with its five quantities",
        out.ItemStock,
        [_p("barcode"), _q("warehouse", "warehouse code")],
    ),
    (
        "/items/{code}",
        "items_get",
        "One item by code, with its five quantities",
        out.ItemStock,
        [_p("code"), _q("warehouse", "warehouse code")],
    ),
    (
        "/balances",
        "balances_list",
        "On hand per item, location and batch",
        out.BalancePage,
        [
            _q("item", "item code"),
            _q("warehouse", "warehouse code"),
            _q("location", "location code"),
            *PAGING,
        ],
    ),
    (
        "/movements",
        "movements_list",
        "The ledger after a cursor, oldest first; no gaps or repeats while postings happen",
        out.MovementPage,
        [_q("item", "item code"), *PAGING],
    ),
    (
        "/documents/{type}",
        "documents_list",
        "Documents of one type with their state",
        out.DocumentPage,
        [
            _p("type", {"type": "string", "enum": list(DOCUMENTS)}),
            _q("state", "e.g. pending"),
            *PAGING,
        ],
    ),
]

ERRORS = {
    "401": "no or unknown key",
    "403": "the key's scope does not allow it, or the flow's role check refused",
    "413": "body too large",
    "422": "invalid input, or refused by the flow (unknown item, over a limit)",
    "429": "rate limit of the key",
}


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _answer(model: type[BaseModel], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref(model)}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {c: _answer(out.Error, ERRORS[c]) for c in codes}


@cache
def document() -> dict[str, Any]:
    models: list[type[BaseModel]] = [out.Error, *(r[3] for r in READS)]
    models += [op.body for op in OPERATIONS] + [out.WriteResult]
    _, defs = models_json_schema(
        [
            (m, "serialization" if m not in {op.body for op in OPERATIONS} else "validation")
            for m in models
        ],
        ref_template="#/components/schemas/{model}",
    )
    paths: dict[str, Any] = {}
    for path, op_id, summary, model, params in READS:
        paths[f"/api/v1{path}"] = {
            "get": {
                "operationId": op_id,
                "summary": summary,
                "parameters": params,
                "responses": {
                    "200": _answer(model, "ok"),
                    **_errors("401", "403", "422", "429"),
                    **({"404": _answer(out.Error, "no such item or type")} if "{" in path else {}),
                },
            }
        }
    for op in OPERATIONS:
        paths[f"/api/v1{op.path}"] = {
            "post": {
                "operationId": op.name,
                "summary": op.summary,
                "description": "Runs the same flow as the chat command. Needs scope `post`. The "
                "same `Idempotency-Key` returns the first answer, whatever happened since.",
                "parameters": [
                    {
                        "name": "Idempotency-Key",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 100},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _ref(op.body)}},
                },
                "responses": {
                    "201": _answer(out.WriteResult, "done (or the first answer to this key)"),
                    "400": _answer(out.Error, "no Idempotency-Key"),
                    "409": _answer(
                        out.Error,
                        "conflict: not enough stock, a document's state, "
                        "a count of that place already open",
                    ),
                    **_errors("401", "403", "413", "422", "429"),
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "stockbot open API",
            "version": "1.0.0",
            "description": "Read stock and post movements from the ERP next door. Send "
            "`Authorization: Bearer <key>` (`stockbot apikey create`). Quantities are "
            'decimal strings. Errors are `{"error": {"code", "message"}}`, the '
            "message in the request's Accept-Language.",
        },
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {"key": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"key": []}],
    }


def docs_page() -> str:
    doc = document()
    rows = []
    for path, methods in doc["paths"].items():
        for method, op in methods.items():
            params = ", ".join(p["name"] for p in op.get("parameters", []))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            schema = body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html.escape(path)}"
                f"</code></td><td>{html.escape(op['summary'])}</td>"
                f"<td>{html.escape(params)}</td><td>{html.escape(schema)}</td></tr>"
            )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width'><title>stockbot API</title>"
        "<style>body{font-family:sans-serif;margin:1em}td,th{padding:4px 8px;"
        "border-bottom:1px solid #ddd;text-align:left}</style></head><body>"
        f"<h1>{html.escape(doc['info']['title'])}</h1>"
        f"<p>{html.escape(doc['info']['description'])}</p>"
        "<p><a href='/api/v1/openapi.json'>openapi.json</a></p><table>"
        "<tr><th>method</th><th>path</th><th>what</th><th>parameters</th><th>body</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
