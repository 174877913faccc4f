"""Write the PDF documents of the bundled sample corpus into foidata/sample/texts/.

The responses are invented (the bodies are real, the facts are illustrative); their gold labels live in
foidata/sample/labels/. Re-running the script gives byte-identical files: the creation date and the other
metadata are fixed. Core Helvetica is latin-1 only, so the text uses "-" rather than dashes, and
straight quotes.

    .venv/bin/python scripts/make_sample_pdfs.py
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

OUT = Path(__file__).resolve().parent.parent / "foidata" / "sample" / "texts"
FIXED_DATE = dt.datetime(2025, 1, 1, 0, 0, 0, tzinfo=dt.UTC)

# --- s010: NHS trust response letter, Section 40(2) and Section 43(2), labelled dates -----------------------

S010_LETTERHEAD = [
    "Leeds Teaching Hospitals NHS Trust",
    "Information Governance Team",
    "St James's University Hospital, Beckett Street, Leeds LS9 7TF",
]
S010_META = [
    ("Reference:", "FOI 2025/1202"),
    ("Date received:", "20 March 2025"),
    ("Date of response:", "17/04/2025"),
]
S010_TITLE = "Freedom of Information Request: Digital Services Structure and Contracts"
S010_INTRO = [
    "Dear [Requester name]",
    "Thank you for your request for information under the Freedom of Information Act 2000. You asked:",
]
S010_QUESTIONS = [
    "1. Please provide an organisation chart for the Trust's digital and IT services, including the names "
    "and "
    "pay bands of staff at Band 8a and above.",
    "2. What was the Trust's IT revenue budget for 2022/23 and 2023/24?",
    "3. What is the annual value of the Trust's electronic patient record contract, and when does it end?",
]
S010_ANSWERS = [
    "1. An organisation chart of the Digital Services directorate is enclosed. It shows every post at Band "
    "8a "
    "and above with its job title and pay band. The names of staff below director level have been removed "
    "under Section 40(2), as explained below. The name of the Chief Digital and Information Officer is "
    "already published on the Trust's website.",
    "2. The Trust's IT revenue budget was £21,430,000 in 2022/23 and £23,118,600 in 2023/24. These budgets "
    "include software licences, support contracts and the pay of Digital Services staff.",
    "3. The current electronic patient record contract runs until 31 March 2027. Its annual value is "
    "withheld under Section 43(2).",
]
S010_EXEMPTIONS = [
    (
        "Section 40(2) - Personal information",
        "The names of individual members of staff are their personal data. Staff below director level do not "
        "have public-facing roles and would not expect their names to be released to the world at large. "
        "Disclosure would breach the first data protection principle, so this information is exempt. Section "
        "40(2) is an absolute exemption in these circumstances and no public interest test is required.",
    ),
    (
        "Section 43(2) - Commercial interests",
        "The annual value of the contract reflects pricing that the supplier negotiated with the Trust. "
        "Releasing it would be likely to harm the supplier's position with other customers and the Trust's "
        "position when the contract is re-procured. We recognise the public interest in showing how NHS "
        "money "
        "is spent, which is why the overall IT budget has been released, but we have concluded that the "
        "public "
        "interest in protecting fair competition for this contract is stronger at present.",
    ),
]
S010_CLOSING = [
    "If you are unhappy with this response you may ask for an internal review within 40 working days. If you "
    "are still dissatisfied after the review you may complain to the Information Commissioner's Office.",
    "Yours sincerely",
    "Freedom of Information Officer",
    "Leeds Teaching Hospitals NHS Trust",
]

# --- s011: police ICT capital programme table (figures in £000) -------------------------------------------

S011_HEADER = ["Lincolnshire Police", "Freedom of Information Response"]
S011_META = [
    ("Request reference:", "FOI 004871/23"),
    ("Response date:", "17 August 2023"),
]
S011_TITLE = "ICT Capital Programme 2021/22 to 2023/24"
S011_REQUEST = (
    "Request: Please provide the force's ICT capital programme for each of the last three financial years, "
    "broken down by project or programme."
)
S011_RESPONSE = (
    "Response: Lincolnshire Police holds the information you requested, and it is given in full in the table "
    "below. Figures for 2021/22 and 2022/23 are outturn; figures for 2023/24 are the approved budget."
)
S011_TABLE = [
    ["ICT capital programme (£000)", "2021/22", "2022/23", "2023/24"],
    ["Network and infrastructure refresh", "610", "845", "520"],
    ["End-user devices", "1,120", "730", "905"],
    ["Emergency Services Network", "275", "410", "380"],
    ["Digital evidence management", "190", "335", "460"],
    ["Command and control upgrade", "95", "1,250", "1,480"],
    ["Total", "2,290", "3,570", "3,745"],
]
S011_AFTER = [
    "No information has been withheld from this response.",
    "If you are dissatisfied with the handling of your request you may ask for an internal review. You also "
    "have the right to complain to the Information Commissioner.",
    "Information Management Unit, Lincolnshire Police",
]

# --- s012: multi-page police response; the money sits in sentences on page 3 ------------------------------

S012_LETTERHEAD = [
    "Merseyside Police",
    "Information Access Unit",
    "Canning Place, Liverpool L1 8JX",
]
S012_DATE_LINE = "29 November 2022"
S012_REF_LINE = "Our Ref: 3318/22"
S012_TITLE = "FREEDOM OF INFORMATION REQUEST - FORCE ICT ESTATE AND SPEND"
S012_PAGE1 = [
    "Dear [Requester name]",
    "Thank you for your request, which was received on 2 November 2022. You asked for the following "
    "information:",
]
S012_QUESTIONS = [
    "1. How many laptops and desktop computers does the force currently have?",
    "2. Which operating systems do these devices run?",
    "3. How many mobile phones are issued to officers and staff?",
    "4. What was the force's ICT capital programme in 2020/21 and 2021/22, and what is it for 2022/23?",
    "5. How much did the force spend on external ICT consultancy in 2021/22?",
]
S012_PAGE1_AFTER = [
    "Your request was passed to the force's Digital Services and Finance departments, who searched their "
    "records for information falling within its scope. Their findings are set out on the following pages.",
]
S012_PAGE2 = [
    (
        "The Freedom of Information Act 2000",
        [
            "Section 1 of the Act gives anyone who asks for information two rights: to be told whether the "
            "public "
            "authority holds it, and, if it does, to have it communicated to them. Both rights are subject "
            "to the "
            "exemptions in Part II of the Act.",
            "Before answering we considered whether the work involved would go beyond the appropriate limit "
            "described in Section 12. It does not, and every part of your request has been answered.",
            "The force also has a duty under Section 16 to offer advice and assistance. If anything in this "
            "response is unclear, please contact the Information Access Unit and we will be happy to explain "
            "it.",
        ],
    ),
    (
        "Our response",
        [
            "1. The force currently has 4,318 laptops and 2,906 desktop computers in use. Devices held in "
            "stock "
            "as spares are not included.",
            "2. All of these devices run Windows 10 or Windows 11. A programme to move the remaining Windows "
            "10 "
            "devices to Windows 11 is under way and is due to finish before support for Windows 10 ends.",
            "3. There are 5,874 smartphones issued to officers and staff. Each frontline officer has a "
            "smartphone, and staff in other roles are issued one where their duties require it.",
        ],
    ),
]
S012_PAGE3 = [
    "4. The ICT capital programme was £7.2m in 2020/21 and £8,065,400 in 2021/22. Over £1m of the 2021/22 "
    "programme was spent on rolling out body-worn video cameras to response officers. For 2022/23 the "
    "approved programme is around £6.5m, although this may change as projects are re-phased during the year.",
    "5. Spend on external ICT consultancy in 2021/22 was £412,950. Most of this related to the design of "
    "the force's new data platform.",
    "No information has been withheld from this response.",
    "If you are unhappy with the way your request has been handled, you may ask for an internal review by "
    "writing to the Information Access Unit within 40 working days. If you remain dissatisfied you may "
    "complain to the Information Commissioner.",
    "Yours sincerely",
    "Information Access Officer",
    "Merseyside Police",
]


class SamplePDF(FPDF):
    """A4 portrait, Helvetica, fixed metadata, 'Page n of N' footer."""

    def __init__(self, title: str, author: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_creation_date(FIXED_DATE)
        self.set_title(title)
        self.set_author(author)
        self.set_creator("foidata scripts/make_sample_pdfs.py")
        self.set_producer("foidata sample corpus")
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(auto=True, margin=20)
        self.alias_nb_pages()

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=8)
        self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")

    def para(self, text: str, size: float = 10, style: str = "", gap: float = 3) -> None:
        self.set_font("Helvetica", style=style, size=size)
        self.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def labelled(self, pairs: list[tuple[str, str]]) -> None:
        for label, value in pairs:
            self.set_font("Helvetica", style="B", size=10)
            self.cell(40, 6, label)
            self.set_font("Helvetica", size=10)
            self.cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)


def make_s010() -> SamplePDF:
    pdf = SamplePDF(S010_TITLE, S010_LETTERHEAD[0])
    pdf.add_page()
    pdf.para(S010_LETTERHEAD[0], size=14, style="B", gap=1)
    for line in S010_LETTERHEAD[1:]:
        pdf.para(line, size=9, gap=0)
    pdf.ln(6)
    pdf.labelled(S010_META)
    pdf.para(S010_TITLE, size=12, style="B")
    for line in S010_INTRO:
        pdf.para(line)
    for q in S010_QUESTIONS:
        pdf.para(q, style="I")
    pdf.para("Response", size=11, style="B")
    for a in S010_ANSWERS:
        pdf.para(a)
    pdf.para("Exemptions applied", size=11, style="B")
    for heading, text in S010_EXEMPTIONS:
        pdf.para(heading, style="B", gap=1)
        pdf.para(text)
    for line in S010_CLOSING:
        pdf.para(line, gap=2)
    return pdf


def make_s011() -> SamplePDF:
    pdf = SamplePDF(S011_TITLE, S011_HEADER[0])
    pdf.add_page()
    pdf.para(S011_HEADER[0], size=14, style="B", gap=0)
    pdf.para(S011_HEADER[1], size=11, gap=5)
    pdf.labelled(S011_META)
    pdf.para(S011_TITLE, size=12, style="B")
    pdf.para(S011_REQUEST)
    pdf.para(S011_RESPONSE)
    pdf.set_font("Helvetica", size=10)
    with pdf.table(
        col_widths=(70, 30, 30, 30),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT"),
        line_height=7,
        first_row_as_headings=True,
    ) as table:
        for row in S011_TABLE:
            table.row(row)
    pdf.ln(5)
    for line in S011_AFTER:
        pdf.para(line)
    return pdf


def make_s012() -> SamplePDF:
    pdf = SamplePDF(S012_TITLE, S012_LETTERHEAD[0])
    pdf.add_page()
    pdf.para(S012_LETTERHEAD[0], size=14, style="B", gap=1)
    for line in S012_LETTERHEAD[1:]:
        pdf.para(line, size=9, gap=0)
    pdf.ln(6)
    pdf.para(S012_DATE_LINE, gap=1)
    pdf.para(S012_REF_LINE)
    pdf.para(S012_TITLE, size=11, style="B")
    for line in S012_PAGE1:
        pdf.para(line)
    for q in S012_QUESTIONS:
        pdf.para(q, style="I")
    for line in S012_PAGE1_AFTER:
        pdf.para(line)
    pdf.add_page()
    for heading, paras in S012_PAGE2:
        pdf.para(heading, size=11, style="B")
        for line in paras:
            pdf.para(line)
    pdf.add_page()
    for line in S012_PAGE3:
        pdf.para(line)
    return pdf


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("s010", make_s010), ("s011", make_s011), ("s012", make_s012)):
        path = OUT / f"{name}.pdf"
        build().output(str(path))
        print(path)


if __name__ == "__main__":
    main()
