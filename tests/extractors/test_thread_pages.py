"""Request threads (Alaveteli pages, as WhatDoTheyKnow prints them): the requester's messages are not the body's
answer, so what is withheld and how the request ended are read from the body's messages alone."""

from __future__ import annotations

from foidata.extractors import extract_response
from foidata.extractors.readers.html import read_html


def thread(*messages: tuple[str, str]) -> bytes:
    """A thread page of (kind, text) messages, kind "outgoing" (the requester) or "incoming" (the body)."""
    divs = "".join(
        f"<div class='{kind} correspondence' id='{kind}-{n}'><div class='correspondence_text'>"
        + "".join(f"<p>{para}</p>" for para in text.split("\n\n"))
        + "</div></div>"
        for n, (kind, text) in enumerate(messages)
    )
    return f"<html><body><main><h1>Gritting routes</h1>{divs}</main></body></html>".encode()


REQUEST = (
    "outgoing",
    "Dear Barchester Council,\n\nPlease send your gritting routes for 2023. If this would exceed the cost limit "
    "under section 12, please advise me how to narrow it.\n\nYours faithfully,\n\nA Requester",
)
FOLLOW_UP = (
    "outgoing",
    "Dear Barchester Council,\n\nYou have not cited section 43 in your reply, so I expect the routes.\n\n"
    "Yours faithfully,\n\nA Requester",
)


def test_the_requesters_messages_are_found_in_the_text() -> None:
    doc = read_html(thread(REQUEST, ("incoming", "Dear Requester,\n\nThe routes are attached."), FOLLOW_UP), "t.html")
    assert len(doc.requester_parts) == 2
    first, second = (doc.text[start:end] for start, end in doc.requester_parts)
    assert first.startswith("Dear Barchester Council") and first.endswith("A Requester")
    assert "section 43" in second and "routes are attached" not in first + second
    assert len(doc.body_text) == len(doc.text) and "section 12" not in doc.body_text
    assert "The routes are attached." in doc.body_text


def test_sections_the_requester_names_are_not_exemptions() -> None:
    reply = ("incoming", "Dear Requester,\n\nWe do not hold this information.\n\nYours sincerely,\n\nFOI Team")
    facts = extract_response(read_html(thread(REQUEST, reply, FOLLOW_UP), "t.html"))
    assert facts.exemptions == ()
    assert facts.outcome == "not_held"


def test_the_bodys_own_exemption_is_kept() -> None:
    reply = (
        "incoming",
        "Dear Requester,\n\nThe routes are withheld under section 31(1)(a) of the Act.\n\nYours sincerely,\n\nFOI Team",
    )
    facts = extract_response(read_html(thread(REQUEST, reply), "t.html"))
    assert [e.provision for e in facts.exemptions] == ["31(1)(a)"]
    assert facts.outcome == "refused"


def test_a_page_without_threads_has_no_requester_parts() -> None:
    doc = read_html(b"<html><body><main><p>Dear Sir, the figures are below.</p></main></body></html>", "p.html")
    assert doc.requester_parts == () and doc.body_text == doc.text
