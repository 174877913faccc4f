"""A WhatDoTheyKnow request saved as JSON (id, title, law_used, events with type and content, as the
Sheffield FOI web app's data holds them) written as one HTML thread page, so that foidata reads it as it
reads a request page: the title, then each message in order, the requester's and the body's, with its date
(alone on its line, as a message header prints it: no label gives it a role).

The markup is this project's own, minimal: no site chrome and no status line (the requester's description of
the outcome is not part of the body's answer). Used by bench/gitcorpus.py for rows of format `wdtk-json`;
imports nothing from foidata, so a labeller's reader can use it too.
"""

from __future__ import annotations

import html
import json
from typing import Any

# Each message's header names its sender, as a thread page's does (no "Request"/"Response" headings there).
ROLES = {"outgoing": "The requester", "incoming": "{body}"}


def thread_html(data: bytes, body: str) -> str:
    request: dict[str, Any] = json.loads(data)
    parts = [f"<h1>{html.escape(request.get('title') or '')}</h1>"]
    for event in request.get("events") or []:
        kind = event.get("type") or ""
        role = ROLES.get(kind, "Message").format(body=html.escape(body))
        when = (event.get("created_at") or "")[:10]
        # A thread page's own structure: one div.correspondence per message, incoming or outgoing.
        parts.append(f"<div class='{html.escape(kind)} correspondence'><h2>{role}</h2><p>{html.escape(when)}</p>")
        for block in event.get("content") or []:
            paragraphs = str(block).split("\n\n")
            parts.extend(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs if p.strip())
        parts.append("</div>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(request.get('title') or '')}</title></head><body><main>{''.join(parts)}</main></body></html>"
    )


def thread_text(data: bytes, body: str) -> str:
    """The same thread as plain text, for reading it."""
    request: dict[str, Any] = json.loads(data)
    lines = [request.get("title") or ""]
    for event in request.get("events") or []:
        role = ROLES.get(event.get("type") or "", "Message").format(body=body)
        lines += ["", role, (event.get("created_at") or "")[:10]]
        lines += [str(block) for block in event.get("content") or []]
    return "\n".join(lines)
