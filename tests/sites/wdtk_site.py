"""A fixture Alaveteli site (WhatDoTheyKnow) with one body, Essex Police, and 20 invented requests.

It serves what the real software serves for a body (see flows/sources/wdtk.py for where each shape was read in
mysociety/alaveteli): the JSON feed of the body's events (`/feed/body/essex_police.json`, 25 events a page,
`?page=N`, newest first, `[]` past the end), the body's page (`/body/essex_police`, requests listed in
`div.request_listing`, will_paginate links), the body's JSON, each request's thread page and JSON, and the
files of some responses (small PDFs made with fpdf2) beside their HTML renderings.

Every URL on the site is a path, so the same site works on any base URL.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF

from sites.server import FixtureSite

BODY_URL_NAME = "essex_police"
BODY_NAME = "Essex Police"
FEED_PAGE_SIZE = 25  # Alaveteli's feeds and body pages: 25 results a page
SEARCH_QUERY = "cost"  # the one search the site answers (/feed/search/cost.json): requests that mention it
REQUESTER = ("jane_smith", "Jane Smith")
FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)  # fixed PDF metadata: the same bytes on every build
FIRST_SENT = dt.datetime(2021, 1, 11, 9, 30)
DAYS_BETWEEN_REQUESTS = 30
DAYS_TO_RESPOND = 19

# robots.txt rules in the style of Alaveteli's stock file: attachments allowed, other /response/ URLs not.
ROBOTS_FEEDS_ALLOWED = """User-agent: *
Disallow: */annotate/*
Disallow: */track/*
Disallow: */upload/*
Allow: */request/*/response/*/attach/*
Disallow: */request/*/response/*
Disallow: */request/*/download*
"""
# ... and as Alaveteli ships it: feeds and searches disallowed to every robot.
ROBOTS_ALAVETELI_DEFAULT = ROBOTS_FEEDS_ALLOWED + "Disallow: */feed/*\nDisallow: */search/*\n"

DISPLAY_STATUS = {
    "successful": "Successful",
    "partially_successful": "Partially successful",
    "rejected": "Refused.",
    "not_held": "Information not held.",
    "waiting_response": "Awaiting response.",
    "waiting_clarification": "Awaiting clarification.",
    "internal_review": "Awaiting internal review.",
}
STATUS_TEXT = {
    "successful": "The request was <strong>successful</strong>.",
    "partially_successful": "The request was <strong>partially successful</strong>.",
    "rejected": f"The request was <strong>refused</strong> by {BODY_NAME}.",
    "not_held": f"{BODY_NAME} <strong>did not have</strong> the information requested.",
    "waiting_response": f"Currently <strong>waiting for a response</strong> from {BODY_NAME}.",
    "waiting_clarification": f"{BODY_NAME} has asked for <strong>clarification</strong> of this request.",
    "internal_review": f"Waiting for an <strong>internal review</strong> by {BODY_NAME}.",
}


@dataclass(frozen=True)
class Attachment:
    file_name: str
    lines: tuple[str, ...]  # the PDF's text, a paragraph each


@dataclass(frozen=True)
class FixtureRequest:
    number: int
    url_title: str
    title: str
    state: str
    question: str  # HTML of the requester's question (it may hold links)
    answer: tuple[str, ...]  # paragraphs of the body's reply; empty while waiting for one
    attachment: Attachment | None = None
    followup: bool = False  # the requester asked for an internal review
    comment: bool = False  # someone annotated the request

    @property
    def id(self) -> int:
        return 700001 + self.number

    @property
    def outgoing_id(self) -> int:
        return 900001 + self.number

    @property
    def incoming_id(self) -> int:
        return 800001 + self.number

    @property
    def reference(self) -> str:
        return f"FOI {self.sent.year}/{123 + self.number * 37:04d}"

    @property
    def sent(self) -> dt.datetime:
        return FIRST_SENT + dt.timedelta(days=DAYS_BETWEEN_REQUESTS * self.number)

    @property
    def responded(self) -> dt.datetime | None:
        if not self.answer:
            return None
        return self.sent + dt.timedelta(days=DAYS_TO_RESPOND, hours=3)

    def events(self) -> list[tuple[int, str, dt.datetime]]:
        """(event id, event_type, when) of the events a feed lists, oldest first."""
        events = [(self.id * 10 + 1, "sent", self.sent)]
        if self.responded is not None:
            events.append((self.id * 10 + 2, "response", self.responded))
        if self.followup and self.responded is not None:
            events.append((self.id * 10 + 3, "followup_sent", self.responded + dt.timedelta(days=4)))
        if self.comment:
            events.append((self.id * 10 + 4, "comment", self.sent + dt.timedelta(days=DAYS_TO_RESPOND + 6)))
        return events

    @property
    def latest(self) -> dt.date:
        """The date a feed dates the request by: its newest event."""
        return max(when for _, _, when in self.events()).date()

    @property
    def attachment_path(self) -> str | None:
        if self.attachment is None:
            return None
        return f"/request/{self.url_title}/response/{self.incoming_id}/attach/2/{self.attachment.file_name}"

    @property
    def rendering_path(self) -> str | None:
        if self.attachment is None:
            return None
        name = self.attachment.file_name
        return f"/request/{self.url_title}/response/{self.incoming_id}/attach/html/2/{name}.html"


def _letter(*answer: str, exemption: str | None = None) -> tuple[str, ...]:
    """A reply in the shape forces use: reference, date line, answer, exemption, sign-off."""
    lines = [*answer]
    if exemption is not None:
        lines.append(f"Some of the information is exempt from disclosure under {exemption} of the Freedom of "
                     "Information Act 2000.")
    return (*lines, "Yours sincerely,", f"Freedom of Information Team, {BODY_NAME}")


REQUESTS: tuple[FixtureRequest, ...] = (
    FixtureRequest(
        0, "ict_capital_programme_2021_22", "ICT capital programme 2021/22", "successful",
        "Please tell me the value of the force's ICT capital programme for 2021/22.",
        _letter("Please find our response attached. The ICT capital programme budget is £4.9m."),
        Attachment("FOI_2021_0123_Response.pdf", (
            "Essex Police - Freedom of Information response",
            "Reference: FOI 2021/0123",
            "The ICT capital programme for 2021/22 is £4,900,000.",
            "This includes the replacement of the force's command and control system.",
        )),
    ),
    FixtureRequest(
        1, "number_of_tasers_issued", "Number of Tasers issued", "successful",
        "How many Taser devices did the force issue in 2020, and what did they cost?",
        _letter("In 2020 the force issued 412 Taser devices at a total cost of £253,000."),
    ),
    FixtureRequest(
        2, "overtime_spending_2020_21", "Overtime spending 2020/21", "partially_successful",
        "Please provide the cost of overtime for officers and staff in 2020/21, and the names of the ten "
        "highest earners of overtime.",
        _letter("The cost of overtime is given in the attached document. The names of individual officers "
                "are withheld.", exemption="Section 40(2)"),
        Attachment("Overtime_2020_21.pdf", (
            "Reference: FOI 2021/0197",
            "Police officer overtime in 2020/21 cost £12,300,000.",
            "Police staff overtime in 2020/21 cost £1,750,000.",
        )),
        comment=True,
    ),
    FixtureRequest(
        3, "national_police_air_service_costs", "Use of the National Police Air Service", "successful",
        "What did the force pay the National Police Air Service in 2020/21?",
        _letter("The force paid £1.2m to the National Police Air Service in 2020/21."),
    ),
    FixtureRequest(
        4, "speed_camera_income", "Speed camera income", "not_held",
        "How much income did speed cameras in Essex raise in 2020?",
        _letter("Essex Police does not hold this information. Fixed penalty income is paid to HM Treasury."),
    ),
    FixtureRequest(
        5, "payments_to_informants", "Payments to covert human intelligence sources", "rejected",
        "How much did the force pay to informants in each of the last three years?",
        _letter("Essex Police can neither confirm nor deny that it holds the information you requested, by "
                "virtue of Section 23(5) and Section 31(3) of the Act. This letter is a refusal notice."),
    ),
    FixtureRequest(
        6, "fleet_vehicle_costs", "Fleet vehicle costs", "successful",
        "Please give the fleet maintenance budget for 2021/22 and the cost of fuel in 2020/21.",
        _letter("Please see the attached response."),
        Attachment("Fleet_costs.pdf", (
            "Reference: FOI 2021/0345",
            "The fleet maintenance budget for 2021/22 is £3,250,000.",
            "Fuel cost £2.1m in 2020/21.",
        )),
    ),
    FixtureRequest(
        7, "staff_sickness_absence", "Staff sickness absence", "partially_successful",
        "How many working days were lost to sickness absence in 2020, by department and by officer?",
        _letter("In 2020, 41,206 working days were lost to sickness absence. Figures for individual officers "
                "are withheld.", exemption="Section 40(2)"),
    ),
    FixtureRequest(
        8, "body_worn_video_cameras", "Body worn video cameras", "waiting_response",
        "How many body worn video cameras does the force own?", (),
    ),
    FixtureRequest(
        9, "deaths_in_custody", "Deaths in custody 2015-2021", "successful",
        "How many people died in police custody in Essex between 2015 and 2021?",
        _letter("Three people died in police custody in Essex between 2015 and 2021."),
    ),
    FixtureRequest(
        10, "firearms_licensing_fees", "Firearms licensing fees", "successful",
        "What income did firearms licensing fees raise in 2020/21?",
        _letter("Firearms licensing fees raised £612,000 in 2020/21."),
    ),
    FixtureRequest(
        11, "management_consultancy_contracts", "Management consultancy contracts", "partially_successful",
        "Please list the force's management consultancy contracts and their values.",
        _letter("The total spend is in the attached letter. The value of each contract is withheld.",
                exemption="Section 43(2)"),
        Attachment("Consultancy_spend.pdf", (
            "Reference: FOI 2021/0530",
            "Spending on management consultancy in 2021/22 was £640,000.",
        )),
    ),
    FixtureRequest(
        12, "misconduct_hearings_2021", "Misconduct hearings 2021", "rejected",
        "Please send me the outcome of every misconduct hearing held in 2021.",
        _letter("We estimate that the cost of complying with your request would exceed the appropriate limit. "
                "Your request is therefore refused under Section 12 of the Act."),
    ),
    FixtureRequest(
        13, "drone_unit_costs", "Drone unit costs", "successful",
        # The requester links another request's file (same site) and a file on the force's own site:
        # neither is an attachment of this request.
        'Following <a href="/request/ict_capital_programme_2021_22/response/800001/attach/2/'
        'FOI_2021_0123_Response.pdf">your earlier response</a> and <a href="https://www.essex.police.uk/'
        'SysSiteAssets/foi-media/essex/drones.pdf">your disclosure log</a>, what did the drone unit cost?',
        _letter("The drone unit cost £310,000 to set up in 2019/20."),
    ),
    FixtureRequest(
        14, "mobile_phone_contract", "Mobile phone contract", "not_held",
        "Who supplies the force's mobile phones, and at what cost per handset?",
        _letter("This information is not held by Essex Police. The contract is held by the Home Office."),
    ),
    FixtureRequest(
        15, "cyber_attacks_on_force_systems", "Cyber attacks on force systems", "rejected",
        "How many cyber attacks were made on the force's systems in 2021?",
        _letter("This information is withheld in full under Section 31(1) of the Act, as releasing it would "
                "be likely to prejudice the prevention of crime."),
    ),
    FixtureRequest(
        16, "stop_and_search_data", "Stop and search data", "waiting_clarification",
        "Please send me all your stop and search data.",
        _letter("Before we can answer, please clarify which years and which districts you are interested in."),
    ),
    FixtureRequest(
        17, "estates_strategy_building_sales", "Estates strategy and building sales", "successful",
        "Which police buildings were sold in 2021/22, and for how much?",
        _letter("Please see the attached response."),
        Attachment("Estates_sales_2021_22.pdf", (
            "Reference: FOI 2022/0752",
            "The sale of the former Chelmsford police station raised £2,400,000 in 2021/22.",
        )),
    ),
    FixtureRequest(
        18, "bicycle_thefts_in_colchester", "Bicycle thefts in Colchester", "internal_review",
        "How many bicycle thefts were reported in Colchester in 2021, and how many were solved?",
        _letter("The number of thefts solved is withheld.", exemption="Section 31(1)"),
        followup=True,
    ),
    FixtureRequest(
        19, "recruitment_advertising_spend", "Recruitment advertising spend", "waiting_response",
        "How much did the force spend on recruitment advertising in 2021/22?", (),
    ),
)


# ---- the site -------------------------------------------------------------------------------------------------


def wdtk_site(
    requests: tuple[FixtureRequest, ...] = REQUESTS,
    robots: str = ROBOTS_FEEDS_ALLOWED,
    feed_has_state: bool = True,
    listing_page_size: int = FEED_PAGE_SIZE,
) -> FixtureSite:
    """The site. `feed_has_state=False` drops described_state from the feed's entries (so a source must ask
    each request's JSON); `listing_page_size` pages the body's HTML listing more often than Alaveteli does."""
    site = FixtureSite()
    site.add("/robots.txt", robots, "text/plain")
    site.add(f"/body/{BODY_URL_NAME}.json", _dumps(_body_json(requests)), "application/json; charset=utf-8")
    for path, page in _feed_pages(requests, feed_has_state):
        site.add(path, _dumps(page), "application/json; charset=utf-8")
    for path, page in _search_pages(requests):
        site.add(path, _dumps(page), "application/json; charset=utf-8")
    for path, page_html in _body_pages(requests, listing_page_size):
        site.add(path, page_html)
    for request in requests:
        site.add(f"/request/{request.url_title}", _thread_page(request))
        site.add(f"/request/{request.url_title}.json", _dumps(_request_json(request)),
                 "application/json; charset=utf-8")
        if request.attachment is not None and request.attachment_path and request.rendering_path:
            site.add(request.attachment_path, make_pdf(request.attachment.lines), "application/pdf")
            site.add(request.rendering_path, _rendering(request.attachment))
    return site


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


def _rails_time(when: dt.datetime) -> str:
    """A timestamp as Rails writes it in JSON, in London time (BST from April to October, roughly)."""
    offset = "+01:00" if 4 <= when.month <= 10 else "+00:00"
    return when.strftime("%Y-%m-%dT%H:%M:%S.000") + offset


# ---- JSON ---------------------------------------------------------------------------------------------------


def _body_json(requests: tuple[FixtureRequest, ...]) -> dict[str, Any]:
    return {
        "id": 1234,
        "url_name": BODY_URL_NAME,
        "name": BODY_NAME,
        "short_name": "",
        "created_at": "2008-01-14T17:03:14.000+00:00",
        "updated_at": "2021-11-02T10:12:40.000+00:00",
        "home_page": "https://www.essex.police.uk",
        "notes": "",
        "publication_scheme": "",
        "disclosure_log": "https://www.essex.police.uk/foi-ai/essex-police/",
        "tags": ["police", "england"],
        "info": {
            "requests_count": len(requests),
            "requests_successful_count": sum(r.state in ("successful", "partially_successful") for r in requests),
            "requests_not_held_count": sum(r.state == "not_held" for r in requests),
            "requests_overdue_count": 0,
            "requests_visible_classified_count": len(requests),
        },
    }


def _request_summary(request: FixtureRequest, with_state: bool = True) -> dict[str, Any]:
    """InfoRequest#json_for_api(false): what a feed entry says of its request."""
    summary: dict[str, Any] = {
        "id": request.id,
        "url_title": request.url_title,
        "title": request.title,
        "created_at": _rails_time(request.sent),
        "updated_at": _rails_time(max(when for _, _, when in request.events())),
        "described_state": request.state,
        "display_status": DISPLAY_STATUS[request.state],
        "awaiting_description": False,
        "prominence": "normal",
        "law_used": "foi",
        "tags": [],
    }
    if not with_state:
        del summary["described_state"]
    return summary


def _event_json(request: FixtureRequest, event_id: int, event_type: str, when: dt.datetime) -> dict[str, Any]:
    """InfoRequestEvent#json_for_api(false)."""
    event: dict[str, Any] = {
        "id": event_id,
        "event_type": event_type,
        "created_at": _rails_time(when),
        "described_state": None,
        "calculated_state": request.state if event_type == "response" else None,
        "last_described_at": _rails_time(when) if event_type == "response" else None,
        "incoming_message_id": request.incoming_id if event_type == "response" else None,
        "outgoing_message_id": request.outgoing_id if event_type in ("sent", "followup_sent") else None,
        "comment_id": request.id if event_type == "comment" else None,
    }
    if event_type in ("sent", "followup_sent", "response"):
        event["display_status"] = DISPLAY_STATUS[request.state]
    return event


def _request_json(request: FixtureRequest) -> dict[str, Any]:
    """InfoRequest#json_for_api(true): /request/<url_title>.json."""
    events = [_event_json(request, *event) for event in request.events()]
    if request.responded is not None:  # the requester's classification: an event feeds do not list
        events.append({**_event_json(request, request.id * 10 + 9, "status_update", request.responded),
                       "described_state": request.state})
    return {
        **_request_summary(request),
        "user": {"id": 42, "url_name": REQUESTER[0], "name": REQUESTER[1], "ban_text": "", "about_me": ""},
        "public_body": _body_json(REQUESTS),
        "info_request_events": events,
    }


def _feed_entries(requests: tuple[FixtureRequest, ...], with_state: bool) -> list[dict[str, Any]]:
    """A feed's entries, one per listed event: InfoRequestEvent#json_for_api(true) with a snippet."""
    return [
        {
            **_event_json(request, event_id, event_type, when),
            "snippet": html.escape(request.question[:150]),
            "info_request": _request_summary(request, with_state),
            "public_body": _body_json(requests),
            "user": {"id": 42, "url_name": REQUESTER[0], "name": REQUESTER[1], "ban_text": "", "about_me": ""},
        }
        for request in requests
        for event_id, event_type, when in request.events()
    ]


def _paged(path: str, entries: list[dict[str, Any]]) -> Iterator[tuple[str, list[Any]]]:
    """25 entries a page (`?page=N` after the first), then the empty page Alaveteli answers past the end."""
    pages = [entries[i : i + FEED_PAGE_SIZE] for i in range(0, len(entries), FEED_PAGE_SIZE)]
    for number, page in enumerate([*pages, []], start=1):
        yield (path if number == 1 else f"{path}?page={number}"), page


def _feed_pages(requests: tuple[FixtureRequest, ...], with_state: bool) -> Iterator[tuple[str, list[Any]]]:
    """The body's event feed, sorted as track#track_public_body sorts it: newest event first."""
    entries = sorted(_feed_entries(requests, with_state), key=lambda entry: entry["created_at"], reverse=True)
    return _paged(f"/feed/body/{BODY_URL_NAME}.json", entries)


def _search_pages(requests: tuple[FixtureRequest, ...]) -> Iterator[tuple[str, list[Any]]]:
    """The feed of SEARCH_QUERY: sorted by when each event was described (a response: when classified)."""
    found = tuple(r for r in requests if SEARCH_QUERY in f"{r.title} {r.question}".lower())
    entries = sorted(_feed_entries(found, True), key=lambda e: e["last_described_at"] or e["created_at"],
                     reverse=True)
    return _paged(f"/feed/search/{SEARCH_QUERY}.json", entries)


# ---- HTML ---------------------------------------------------------------------------------------------------


def _layout(title: str, json_path: str, content: str) -> str:
    """Alaveteli's default layout: header and footer around `<div id="content" role="main">`."""
    return f"""<!DOCTYPE html>
<html lang="en-GB" class="no-js">
<head>
<meta charset="utf-8">
<title>{html.escape(title)} - WhatDoTheyKnow</title>
<link rel="alternate" type="application/json" title="JSON version of this page" href="{json_path}">
</head>
<body class="">
<div class="entirebody">
<nav aria-label="Skip navigation bar"><a href="#content" class="skip-to-link">Skip to content</a></nav>
<div id="banner" class="banner"><div class="banner_site-title"><a href="/" id="logo">WhatDoTheyKnow</a></div>
<nav class="navigation"><ul>
<li><a href="/select_authority">Make a request</a></li><li><a href="/list/all">Browse requests</a></li>
<li><a href="/body">View authorities</a></li><li><a href="/help/about">Help</a></li>
</ul></nav></div>
<div id="wrapper"><div id="content" role="main">
{content}
<div style="clear:both"></div>
</div></div>
<div class="footer"><a href="/help/privacy">Privacy and cookies</a> <a href="/help/api">API</a></div>
</div>
</body>
</html>
"""


def _time(when: dt.datetime) -> str:
    return f'<time datetime="{_rails_time(when)}">{when.day} {when:%B %Y}</time>'


def _footer(request: FixtureRequest, kind: str, message_id: int) -> str:
    return (f'<div class="correspondence__footer"><div class="correspondence__footer__cplink">'
            f'<input type="text" class="cplink__field" value="/request/{request.url_title}#{kind}-{message_id}">'
            f'<a class="cplink__button">Link to this</a> '
            f'<a href="/request/{request.url_title}/report/new?{kind}_message_id={message_id}" '
            f'class="cplink__button">Report</a></div></div>')


def _outgoing(request: FixtureRequest, message_id: int, when: dt.datetime, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<div class="outgoing correspondence js-collapsible" id="outgoing-{message_id}">
<div class="correspondence__header">
<span class="correspondence__header__author js-collapsible-trigger">{REQUESTER[1]}</span>
<a href="#outgoing-{message_id}" class="correspondence__header__date">{_time(when)}</a>
</div>
<div class="correspondence_text"><div>{body}</div></div>
<p class="event_actions"></p>
{_footer(request, "outgoing", message_id)}
</div>
"""


def _attachments(request: FixtureRequest) -> str:
    if request.attachment is None:
        return ""
    name = html.escape(request.attachment.file_name)
    return f"""<div class="attachments"><div class="attachments__header"><h3>1 Attachment</h3></div>
<ul class="list-of-attachments"><li class="attachment" id="attachment-{request.incoming_id}-2">
<a href="{request.attachment_path}"><img class="attachment__image" alt="Attachment"
 src="/assets/content_type/icon_application_pdf_large.png"></a>
<p class="attachment__name">{name}</p>
<p class="attachment__meta">38K <a href="{request.rendering_path}">View</a>
<a href="{request.attachment_path}">Download</a></p>
</li></ul>
<a href="#" class="attachments__show-more" style="display: none;">Show all attachments</a></div>
"""


def _incoming(request: FixtureRequest) -> str:
    if request.responded is None:
        return ""
    when = request.responded
    letter = "".join(f"<p>{html.escape(p)}</p>" for p in request.answer)
    return f"""<div class="incoming correspondence normal js-collapsible" id="incoming-{request.incoming_id}">
<div class="correspondence__header">
<span class="correspondence__header__author js-collapsible-trigger">Freedom of Information, {BODY_NAME}</span>
<a href="#incoming-{request.incoming_id}" class="correspondence__header__date">{_time(when)}</a>
</div>
<div class="correspondence_text">
{_attachments(request)}
<div id="incoming-{request.incoming_id}-body">
<p>Dear {REQUESTER[1]},</p>
<p>Freedom of Information Request Reference No: {request.reference}</p>
<p>Date: {when.day} {when:%B %Y}</p>
<p>Thank you for your request for information about {html.escape(request.title.lower())}, received on
{request.sent.day} {request.sent:%B %Y}.</p>
{letter}
</div>
</div>
<p class="event_actions"></p>
{_footer(request, "incoming", request.incoming_id)}
</div>
"""


def _comment(request: FixtureRequest) -> str:
    if not request.comment:
        return ""
    return f"""<div class="comment_in_request box" id="comment-{request.id}">
<p class="comment_in_request_text">A useful comparison is the national average for overtime.</p>
<p>Annotated by <a href="/user/john_doe">John Doe</a></p>
</div>
"""


def _thread_page(request: FixtureRequest) -> str:
    """/request/<url_title>: the header, the request, the reply (with its files), a follow-up."""
    question = _outgoing(request, request.outgoing_id, request.sent, [
        f"Dear {BODY_NAME},", request.question, "Yours faithfully,", REQUESTER[1],
        "-------------------------------------------------------------------",
        "Please use this email address for all replies to this request.",
    ])
    followup = ""
    if request.followup and request.responded is not None:
        followup = _outgoing(request, request.outgoing_id + 100, request.responded + dt.timedelta(days=4), [
            f"Dear {BODY_NAME},",
            f"Please pass this on to the person who conducts Freedom of Information reviews. I am writing to "
            f"request an internal review of {BODY_NAME}'s handling of my FOI request '{request.title}'.",
            "Yours faithfully,", REQUESTER[1],
        ])
    content = f"""<div id="request_show" class="controller_request">
<div class="request-header"><div class="row">
<h1>{html.escape(request.title)}</h1>
<div class="request-header__action-bar-container"><div class="request-header__action-bar">
<p class="request-header__subtitle">{REQUESTER[1]} made this
<a href="/help/requesting#what_is_foi">Freedom of Information request</a> to
<a href="/body/{BODY_URL_NAME}">{BODY_NAME}</a></p>
</div></div>
<div class="request-status"><div id="request_status"
 class="request-status-message request-status-message--{request.state}">
<i class="icon-standalone icon_{request.state}"></i><p>{STATUS_TEXT[request.state]}</p></div></div>
</div></div>
<div id="left_column" class="left_column">
{question}{_incoming(request)}{followup}{_comment(request)}
<div class="request-footer__action-bar-container"><div class="request-footer__action-bar__actions">
<a href="/request/{request.url_title}/download">Download a zip of all correspondence</a>
<a href="/request/{request.url_title}/track">Follow</a>
</div></div>
</div>
<div id="sidebar" class="sidebar"><h2>Things to do with this request</h2>
<a href="/request/{request.url_title}/feed">RSS feed of updates</a>
<a href="/request/{request.url_title}/similar">Similar requests</a>
</div>
</div>
"""
    return _layout(f"{request.title} - a Freedom of Information request to {BODY_NAME}",
                   f"/request/{request.url_title}.json", content)


def _rendering(attachment: Attachment) -> str:
    """The HTML rendering Alaveteli makes of a file (a source must fetch the original, never this)."""
    body = "".join(f"<p>{html.escape(line)}</p>" for line in attachment.lines)
    return f"<!DOCTYPE html><html><head><title>{html.escape(attachment.file_name)}</title></head>" \
           f"<body><div id='view-html-content'>{body}</div></body></html>"


def _listing_entry(request: FixtureRequest) -> str:
    """One result on the body's page, linked through its latest event as public_body#show does."""
    href = f"/request/{request.url_title}"
    if request.responded is not None:
        href += f"#incoming-{request.incoming_id}"
    return f"""<div class="request_listing"><div class="request_left">
<span class="head"><a href="{href}">{html.escape(request.title)}</a></span>
<div class="requester">Request sent to <a href="/body/{BODY_URL_NAME}">{BODY_NAME}</a> by
<a href="/user/{REQUESTER[0]}">{REQUESTER[1]}</a> on {_time(request.sent)}.</div>
<p><i class="icon-standalone icon_{request.state}"></i><strong>{DISPLAY_STATUS[request.state]}</strong></p>
</div><div class="request_right"><span class="desc">{html.escape(request.question[:150])}</span></div></div>
"""


def _pagination(page: int, pages: int) -> str:
    """will_paginate's links."""
    path = f"/body/{BODY_URL_NAME}"
    parts = ['<div class="pagination">']
    if page > 1:
        previous = path if page == 2 else f"{path}?page={page - 1}"
        parts.append(f'<a class="previous_page" rel="prev" href="{previous}">&#8592; Previous</a>')
    parts.extend(f'<em class="current">{n}</em>' if n == page else
                 f'<a href="{path if n == 1 else f"{path}?page={n}"}">{n}</a>' for n in range(1, pages + 1))
    if page < pages:
        parts.append(f'<a class="next_page" rel="next" href="{path}?page={page + 1}">Next &#8594;</a>')
    parts.append("</div>")
    return "\n".join(parts)


def _body_pages(requests: tuple[FixtureRequest, ...], page_size: int) -> Iterator[tuple[str, str]]:
    """/body/<url_name>: the body's requests, latest activity first."""
    ordered = sorted(requests, key=lambda r: r.latest, reverse=True)
    pages = [ordered[i : i + page_size] for i in range(0, len(ordered), page_size)]
    for number, chunk in enumerate(pages, start=1):
        listing = "".join(_listing_entry(request) for request in chunk)
        content = f"""<div id="public_body_show" class="controller_public_body">
<h1>{BODY_NAME}</h1>
<p class="subtitle">A public authority</p>
<h2 class="foi_results">{len(requests)} requests</h2>
{listing}
{_pagination(number, len(pages)) if len(pages) > 1 else ""}
<p>Only requests made using WhatDoTheyKnow are shown.</p>
</div>
"""
        path = f"/body/{BODY_URL_NAME}" if number == 1 else f"/body/{BODY_URL_NAME}?page={number}"
        yield path, _layout(BODY_NAME, f"/body/{BODY_URL_NAME}.json", content)


# ---- files --------------------------------------------------------------------------------------------------


def make_pdf(lines: tuple[str, ...]) -> bytes:
    """A one-page PDF with a line of text per paragraph (core Helvetica: latin-1, so £ is fine)."""
    pdf = FPDF()
    pdf.set_creation_date(FIXED_DATE)
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
