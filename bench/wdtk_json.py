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


def _thread(data: bytes, body: str) -> tuple[str, list[tuple[str, str, str, list[str]]]]:
    """The request's title, and each message as (type, sender, date, its blocks of text)."""
    request: dict[str, Any] = json.loads(data)
    messages = [
        (
            event.get("type") or "",
            ROLES.get(event.get("type") or "", "Message").format(body=body),
            (event.get("created_at") or "")[:10],
            [str(block) for block in event.get("content") or []],
        )
        for event in request.get("events") or []
    ]
    return request.get("title") or "", messages


def thread_html(data: bytes, body: str) -> str:
    title, messages = _thread(data, body)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for kind, sender, when, blocks in messages:
        # A thread page's own structure: one div.correspondence per message, incoming or outgoing.
        parts.append(
            f"<div class='{html.escape(kind)} correspondence'><h2>{html.escape(sender)}</h2><p>{html.escape(when)}</p>"
        )
        for block in blocks:
            parts.extend(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in block.split("\n\n") if p.strip())
        parts.append("</div>")
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title></head><body><main>{''.join(parts)}</main></body></html>"
    )


def thread_text(data: bytes, body: str) -> str:
    """The same thread as plain text, for reading it."""
    title, messages = _thread(data, body)
    lines = [title]
    for _kind, sender, when, blocks in messages:
        lines += ["", sender, when, *blocks]
    return "\n".join(lines)
