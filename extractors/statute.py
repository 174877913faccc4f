"""The statutory table: which provisions are exemptions, and their usual names.

FOIA Part II exemptions (ss.21-44) plus s.12 (cost limit) and s.14 (vexatious or repeated requests);
EIR regulations 12 and 13. Procedural sections (1, 10, 16, 17, ...) are deliberately absent.
Scotland has its own Act and Regulations with other numbers: FOISA Part 2 (ss.25-41) plus s.12 (excessive
cost) and s.14 (vexatious or repeated); EIRS regulations 10 and 11, and 6(1)(b) (already publicly
available), which Scottish bodies cite as a ground for not supplying. FOISA s.17 (not held) and s.18
(neither confirm nor deny) are notices, not exemptions, and are absent too.
"""

from __future__ import annotations

FOIA_EXEMPTIONS: dict[str, str] = {
    "12": "Cost of compliance exceeds appropriate limit",
    "14": "Vexatious or repeated requests",
    "21": "Information accessible to applicant by other means",
    "22": "Information intended for future publication",
    "22A": "Research information",
    "23": "Information supplied by, or concerning, certain security bodies",
    "24": "National security",
    "26": "Defence",
    "27": "International relations",
    "28": "Relations within the United Kingdom",
    "29": "The economy",
    "30": "Investigations and proceedings conducted by public authorities",
    "31": "Law enforcement",
    "32": "Court records",
    "33": "Audit functions",
    "34": "Parliamentary privilege",
    "35": "Formulation of government policy",
    "36": "Prejudice to effective conduct of public affairs",
    "37": "Communications with Her Majesty and honours",
    "38": "Health and safety",
    "39": "Environmental information",
    "40": "Personal information",
    "41": "Information provided in confidence",
    "42": "Legal professional privilege",
    "43": "Commercial interests",
    "44": "Prohibitions on disclosure",
}

EIR_EXCEPTIONS: dict[str, str] = {
    "12(4)(a)": "Information not held",
    "12(4)(b)": "Manifestly unreasonable request",
    "12(4)(c)": "Request formulated in too general a manner",
    "12(4)(d)": "Material in the course of completion",
    "12(4)(e)": "Internal communications",
    "12(5)(a)": "International relations, defence, national security or public safety",
    "12(5)(b)": "Course of justice and inquiries",
    "12(5)(c)": "Intellectual property rights",
    "12(5)(d)": "Confidentiality of proceedings",
    "12(5)(e)": "Confidentiality of commercial or industrial information",
    "12(5)(f)": "Interests of the person who provided the information",
    "12(5)(g)": "Protection of the environment",
    "13": "Personal data",
}

FOISA_EXEMPTIONS: dict[str, str] = {
    "12": "Excessive cost of compliance",
    "14": "Vexatious or repeated requests",
    "25": "Information otherwise accessible",
    "26": "Prohibitions on disclosure",
    "27": "Information intended for future publication",
    "28": "Relations within the United Kingdom",
    "29": "Formulation of Scottish Administration policy etc.",
    "30": "Prejudice to effective conduct of public affairs",
    "31": "National security and defence",
    "32": "International relations",
    "33": "Commercial interests and the economy",
    "34": "Investigations by Scottish public authorities and proceedings arising out of such investigations",
    "35": "Law enforcement",
    "36": "Confidentiality",
    "37": "Court records, etc.",
    "38": "Personal information",
    "39": "Health, safety and the environment",
    "40": "Audit functions",
    "41": "Communications with Her Majesty etc. and honours",
}

EIRS_EXCEPTIONS: dict[str, str] = {
    "6(1)(b)": "Information already publicly available",
    "10(4)(a)": "Information not held",
    "10(4)(b)": "Manifestly unreasonable request",
    "10(4)(c)": "Request formulated in too general a manner",
    "10(4)(d)": "Material in the course of completion",
    "10(4)(e)": "Internal communications",
    "10(5)(a)": "International relations, defence, national security or public safety",
    "10(5)(b)": "Course of justice and inquiries",
    "10(5)(c)": "Intellectual property rights",
    "10(5)(d)": "Confidentiality of proceedings",
    "10(5)(e)": "Confidentiality of commercial or industrial information",
    "10(5)(f)": "Interests of the person who provided the information",
    "10(5)(g)": "Protection of the environment",
    "11": "Personal data",
}

# Each law's table of exemptions, by whether it numbers them as sections or as regulations.
SECTION_TABLES: dict[str, dict[str, str]] = {"FOIA": FOIA_EXEMPTIONS, "FOISA": FOISA_EXEMPTIONS}
REGULATION_TABLES: dict[str, dict[str, str]] = {"EIR": EIR_EXCEPTIONS, "EIRS": EIRS_EXCEPTIONS}


def exemption_sections(law: str) -> frozenset[str]:
    """Section or regulation numbers that hold an exemption under `law`."""
    return _SECTIONS.get(law, frozenset())


_SECTIONS: dict[str, frozenset[str]] = {
    law: frozenset(key.split("(")[0] for key in table) for law, table in {**SECTION_TABLES, **REGULATION_TABLES}.items()
}


def exemption_name(law: str, provision: str) -> str | None:
    if law in SECTION_TABLES:
        return SECTION_TABLES[law].get(provision.split("(")[0])
    return regulation_name(REGULATION_TABLES.get(law, {}), provision)


def regulation_name(table: dict[str, str], provision: str) -> str | None:
    for key, name in table.items():
        if provision.startswith(key):
            return name
    return table.get(provision.split("(")[0])


# Other parts of these regulations are duties or conditions, not exceptions.
REGULATION_EXCEPTION_PREFIXES: dict[str, tuple[str, ...]] = {
    "EIR": ("12(4)", "12(5)", "13"),
    "EIRS": ("10(4)", "10(5)", "11", "6(1)(b)"),
}


def is_regulation_exemption(law: str, provision: str) -> bool:
    return provision.startswith(REGULATION_EXCEPTION_PREFIXES.get(law, ()))


def foia_name(section: str) -> str | None:
    return FOIA_EXEMPTIONS.get(section)


def eir_name(provision: str) -> str | None:
    return regulation_name(EIR_EXCEPTIONS, provision)
