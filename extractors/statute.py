"""The statutory table: which provisions are exemptions, and their usual names.

FOIA Part II exemptions (ss.21-44) plus s.12 (cost limit) and s.14 (vexatious or repeated requests);
EIR regulations 12 and 13. Procedural sections (1, 10, 16, 17, ...) are deliberately absent.
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


def foia_name(section: str) -> str | None:
    return FOIA_EXEMPTIONS.get(section)


def eir_name(provision: str) -> str | None:
    for key, name in EIR_EXCEPTIONS.items():
        if provision.startswith(key):
            return name
    return EIR_EXCEPTIONS.get(provision.split("(")[0])
