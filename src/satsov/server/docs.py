"""The API's documentation as one page built from its OpenAPI schema, served from the package (no Swagger UI
from a CDN, nothing fetched from third parties) and behind the token like the API itself. Every text is
escaped: the schema's descriptions come from docstrings, but nothing here is trusted to be markup."""

from __future__ import annotations

import json
from html import escape

__all__ = ["api_page"]


def api_page(schema: dict) -> str:
    """HTML for the OpenAPI ``schema``: each path and method with its summary, description, parameters and
    responses, and the raw schema at the end (also at ``/api/openapi.json``)."""
    info = schema.get("info", {})
    parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{escape(info.get('title', 'API'))}"
             f" API</title><link rel='stylesheet' href='/static/docs.css'></head><body>",
             f"<h1>{escape(info.get('title', ''))} {escape(info.get('version', ''))}: the API</h1>",
             f"<p>{escape(info.get('description', ''))}</p>",
             "<p>Every call needs the token the server printed at launch (<code>Authorization: Bearer TOKEN</code> "
             "or <code>?token=TOKEN</code>); bodies are <code>application/json</code>. The machine-readable "
             "schema is <a href='/api/openapi.json'>/api/openapi.json</a>.</p>"]
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, op in methods.items():
            parts.append(f"<h2><span class='method'>{escape(method)}</span><code>{escape(path)}</code></h2>")
            if op.get("summary"):
                parts.append(f"<p><strong>{escape(op['summary'])}</strong></p>")
            if op.get("description"):
                parts.append(f"<p>{escape(op['description'])}</p>")
            params = op.get("parameters", [])
            if params:
                rows = "".join(f"<tr><td><code>{escape(p.get('name', ''))}</code></td><td>{escape(p.get('in', ''))}"
                               f"</td><td>{'required' if p.get('required') else ''}</td></tr>" for p in params)
                parts.append(f"<table><tr><th>parameter</th><th>in</th><th></th></tr>{rows}</table>")
            responses = op.get("responses", {})
            if responses:
                parts.append("<p>Responses: " + ", ".join(
                    f"<code>{escape(str(code))}</code> {escape(r.get('description', ''))}"
                    for code, r in responses.items()) + "</p>")
    parts.append("<h2>The schema</h2><pre>" + escape(json.dumps(schema, indent=1)) + "</pre></body></html>")
    return "".join(parts)
