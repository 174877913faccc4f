"""The register of bodies: its data is sound, names and hosts resolve to one id, and ingested fixtures from
many forces under two names each, and three bodies of one county, land on the right ids."""

from __future__ import annotations

import csv
import doctest
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import foidata.extractors.bodies.register
from foidata.extractors.bodies import bodies, normalise_name, resolve_body
from foidata.flows.ingest import run_ingest
from foidata.output import read_table

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parents[1] / "fixtures" / "bodies"

# The 43 territorial forces of England and Wales, by the register's ids.
TERRITORIAL = {
    "avon-and-somerset-police", "bedfordshire-police", "cambridgeshire-police", "cheshire-police",
    "city-of-london-police", "cleveland-police", "cumbria-police", "derbyshire-police", "devon-and-cornwall-police",
    "dorset-police", "durham-police", "essex-police", "gloucestershire-police", "greater-manchester-police",
    "hampshire-police", "hertfordshire-police", "humberside-police", "kent-police", "lancashire-police",
    "leicestershire-police", "lincolnshire-police", "merseyside-police", "metropolitan-police", "norfolk-police",
    "north-yorkshire-police", "northamptonshire-police", "northumbria-police", "nottinghamshire-police",
    "south-yorkshire-police", "staffordshire-police", "suffolk-police", "surrey-police", "sussex-police",
    "thames-valley-police", "warwickshire-police", "west-mercia-police", "west-midlands-police",
    "west-yorkshire-police", "wiltshire-police", "dyfed-powys-police", "gwent-police", "north-wales-police",
    "south-wales-police",
}


def test_register_doctests() -> None:
    assert doctest.testmod(foidata.extractors.bodies.register).failed == 0


def test_register_lists_every_police_force() -> None:
    police = {b.id for b in bodies().values() if b.kind == "police"}
    assert len(TERRITORIAL) == 43
    assert police == TERRITORIAL | {
        "police-scotland", "psni", "british-transport-police", "civil-nuclear-constabulary",
        "ministry-of-defence-police",
    }


def test_register_has_a_governing_body_for_each_force_area_and_the_fire_services() -> None:
    kinds = [b.kind for b in bodies().values()]
    assert kinds.count("pcc") >= 42  # 41 PCCs, PFCCs and mayors' offices in England and Wales, and more
    assert kinds.count("fire") >= 49  # 44 in England, 3 in Wales, Scotland's and Northern Ireland's
    assert {b.nation for b in bodies().values()} == {"england", "wales", "scotland", "northern_ireland", "uk"}


def test_register_rows_are_well_formed() -> None:
    text = (ROOT / "extractors" / "bodies" / "bodies.csv").read_text(encoding="utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Sources:" in line for line in header)
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert row["kind"] in {"police", "pcc", "fire", "council", "nhs", "other"}, row["id"]
        assert row["host_evidence"] in ({"seen", "listed", "recalled"} if row["hosts"] else {""}), row["id"]
        assert row["wdtk_evidence"] in ({"seen", "assumed"} if row["wdtk"] else {""}), row["id"]


def test_no_name_or_host_belongs_to_two_bodies() -> None:
    owners: dict[str, set[str]] = {}
    for body in bodies().values():
        for name in (body.name, *body.aliases):
            owners.setdefault(normalise_name(name), set()).add(body.id)
        for host in body.hosts:
            owners.setdefault(host, set()).add(body.id)
    assert {key: ids for key, ids in owners.items() if len(ids) > 1} == {}


def test_register_agrees_with_the_police_source_hosts() -> None:
    with (ROOT / "flows" / "sources" / "police_forces.csv").open(encoding="utf-8") as fh:
        forces = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    assert len(forces) == 40
    for force in forces:
        by_host, by_name = resolve_body(host=force["host"]), resolve_body(name=force["name"])
        assert by_host is not None and by_name is not None, force
        assert by_host.body_id == by_name.body_id and by_host.kind == "police", force


@pytest.mark.parametrize(
    ("name", "body_id"),
    [
        ("Essex Police", "essex-police"),
        ("Essex Constabulary", "essex-police"),
        ("ESSEX POLICE", "essex-police"),
        ("ECFRS", "essex-fire"),
        ("Essex County Fire & Rescue Service", "essex-fire"),
        ("Essex Police, Fire and Crime Commissioner", "essex-pcc"),
        ("Office of the Police, Fire and Crime Commissioner for Essex", "essex-pcc"),
        ("The Metropolitan Police Service", "metropolitan-police"),
        ("Met Police", "metropolitan-police"),
        ("Mayor's Office for Policing and Crime", "mopac"),
        ("Hampshire Constabulary", "hampshire-police"),
        ("Heddlu Dyfed-Powys", "dyfed-powys-police"),
        ("Police Service of Northern Ireland", "psni"),
        ("PSNI", "psni"),
        ("Police Scotland", "police-scotland"),
        ("British Transport Police", "british-transport-police"),
        ("Civil Nuclear Constabulary", "civil-nuclear-constabulary"),
        ("Ministry of Defence Police", "ministry-of-defence-police"),
        ("West Mercia Police and Crime Commissioner", "west-mercia-pcc"),
        ("Durham Constabulary", "durham-police"),
        ("County Durham and Darlington Fire and Rescue Service", "durham-fire"),
        ("Cleveland Fire Brigade", "cleveland-fire"),
    ],
)
def test_names_resolve(name: str, body_id: str) -> None:
    found = resolve_body(name=name)
    assert found is not None and found.body_id == body_id


@pytest.mark.parametrize("name", ["Essex", "Police", "Fire and Rescue Service", "Hastings Borough Council", ""])
def test_ambiguous_or_unknown_names_resolve_to_nothing(name: str) -> None:
    assert resolve_body(name=name) is None


@pytest.mark.parametrize(
    ("host", "body_id"),
    [
        ("www.essex.police.uk", "essex-police"),
        ("https://www.essex.police.uk/foi-ai/essex-police/x/", "essex-police"),
        ("beta.northumbria.police.uk", "northumbria-police"),
        ("https://transparency.essex-fire.gov.uk/information/FOI_4722/", "essex-fire"),
        ("https://westmercia-pcc.gov.uk/03-03-2022-response", "west-mercia-pcc"),
    ],
)
def test_hosts_resolve(host: str, body_id: str) -> None:
    found = resolve_body(host=host)
    assert found is not None and found.body_id == body_id


def test_a_host_that_only_ends_like_a_body_host_is_not_it() -> None:
    assert resolve_body(host="www.notessex.police.uk") is None
    assert resolve_body(host="www.whatdotheyknow.com") is None


def test_letterhead_wins_over_the_body_named_most_often() -> None:
    text = "WEST MERCIA PCC: DISCLOSURE LOG\n\n" + "West Mercia Police opened a station. " * 5
    found = resolve_body(name="West Mercia Police", text=text)
    assert found is not None and (found.body_id, found.via) == ("west-mercia-pcc", "letterhead")


def test_wdtk_url_name_resolves() -> None:
    found = resolve_body(wdtk="the_met")
    assert found is not None and found.body_id == "metropolitan-police"


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, object]]:
    out = tmp_path_factory.mktemp("bodies")
    summary = run_ingest([str(FIXTURES / "variants"), str(FIXTURES / "county")], str(out / "data"))
    assert summary.ok and summary.processed == 17
    rows = read_table(out / "data", "responses").to_pylist()
    return {Path(str(r["source"])).name: r for r in rows}


def test_seven_forces_under_two_names_each_resolve_to_one_id_each(variants: dict[str, dict[str, object]]) -> None:
    forces = ("essex", "kent", "met", "hampshire", "south_wales", "avon", "scotland")
    for force in forces:
        a, b = variants[f"{force}_a.txt"], variants[f"{force}_b.txt"]
        assert a["body_id"] is not None and a["body_id"] == b["body_id"], force
        assert a["body_kind"] == "police"
    assert len({variants[f"{f}_a.txt"]["body_id"] for f in forces}) == 7
    assert variants["south_wales_b.txt"]["body_nation"] == "wales"
    assert variants["scotland_b.txt"]["body_nation"] == "scotland"


def test_fire_service_and_commissioner_in_the_same_county_stay_apart(
    variants: dict[str, dict[str, object]],
) -> None:
    got = {name: (variants[name]["body_id"], variants[name]["body_kind"])
           for name in ("essex_police.txt", "essex_fire.txt", "essex_pfcc.txt")}
    assert got == {
        "essex_police.txt": ("essex-police", "police"),
        "essex_fire.txt": ("essex-fire", "fire"),
        "essex_pfcc.txt": ("essex-pcc", "pcc"),
    }


def test_unknown_bodies_are_counted_in_the_run_summary(tmp_path: Path) -> None:
    doc = tmp_path / "in" / "letter.txt"
    doc.parent.mkdir()
    doc.write_text("Hastings Borough Council\n\nGrounds maintenance software\n\nHastings Borough Council holds "
                   "the information. Hastings Borough Council spent £4,000 in 2022.\n", encoding="utf-8")
    summary = run_ingest([str(doc.parent)], str(tmp_path / "data"))
    assert summary.unknown_bodies == {"Hastings Borough Council": 1}
    (row,) = read_table(tmp_path / "data", "responses").to_pylist()
    assert row["body"] == "Hastings Borough Council" and row["body_id"] is None


def _plain_normalise_name(name: str) -> str:
    """normalise_name as its docstring states it, one regular-expression pass per rule."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"['`]", "", text.replace("&", " and "))
    text = " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())
    for pattern, replacement in [
        (r"\bpolice service\b", "police"), (r"\bpolice force\b", "police"), (r"\bconstabulary\b", "police"),
        (r"\bfire and rescue service\b", "fire and rescue"), (r"\bthe\b", " "), (r"^office of\b", " "),
    ]:
        text = " ".join(re.sub(pattern, replacement, text).split())
    return text


_name_words = st.sampled_from([
    "The", "the", "THE", "theft", "Office", "of", "office", "Police", "Service", "Force", "Constabulary", "Fire",
    "&", "and", "Rescue", "Essex", "Mayor's", "Mayor’s", "Cafè", "ﬁre", "-", ",", "  ", "\n", "(", "x",
])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(_name_words, st.sampled_from([" ", "", "  ", "\t"])).map("".join), max_size=10).map("".join))
def test_normalise_name_is_the_plain_rules(name: str) -> None:
    assert normalise_name(name) == _plain_normalise_name(name)


def _plain_names_in(words: list[str]) -> list[str]:
    """The register's names in the words, found by trying every word in turn."""
    found, i = [], 0
    index = foidata.extractors.bodies.register._text_names()
    while i < len(words):
        match = next((n for n in index.get(words[i], ()) if tuple(words[i : i + len(n)]) == n), None)
        if match:
            found.append(" ".join(match))
        i += len(match) if match else 1
    return found


_register_words = sorted(
    {word for names in foidata.extractors.bodies.register._text_names().values() for name in names for word in name}
)


# "Avon and Somerset Police", then "Police and Crime Commissioner for Devon, ..." starting on its last word.
_OVERLAPPING_NAMES = "essex avon and somerset police and crime commissioner for devon cornwall and isles of scilly x"


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.sampled_from(["west", "mercia", "police", "and", "crime", "commissioner", "essex", "kent", "x",
                                 *_register_words[:40]]), max_size=30))
@example(_OVERLAPPING_NAMES.split())
@example(_OVERLAPPING_NAMES.split()[1:])
def test_names_in_text_are_those_found_word_by_word(words: list[str]) -> None:
    assert foidata.extractors.bodies.register._names_in(words) == _plain_names_in(words)
