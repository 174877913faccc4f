"""A figure in a pipe table takes its column's period from the table's header row. The header is found once
per table and shared by its rows (extractors/money/periods.py, _table_head); these tests pin what each figure gets."""

from __future__ import annotations

from foidata.extractors.money import find_money

TABLES = (
    "Costs by year:\n\n"
    "| Item | 2020/21 | 2021/22 |\n"
    "| Staff | £1,000 | £2,000 |\n"
    "| Kit | £300 | £400 |\n"
    "\n"
    "Separately\n"
    "| Item | Total |\n"
    "| Vans | £50 |\n"
)


def _periods(text: str) -> dict[str, str | None]:
    return {m.span.text: m.period for m in find_money(text)}


def test_every_row_takes_its_columns_header_period() -> None:
    assert _periods(TABLES) == {"£1,000": "2020/21", "£2,000": "2021/22", "£300": "2020/21", "£400": "2021/22",
                                "£50": None}


def test_a_long_table_gives_its_last_row_the_header_period() -> None:
    rows = "".join(f"| Line {n} | £{n + 1},000 | £{n + 1},500 |\n" for n in range(300))
    found = _periods("Spend:\n| Item | 2019/20 | 2020/21 |\n" + rows)
    assert found["£300,000"] == "2019/20"
    assert found["£300,500"] == "2020/21"
    assert set(found.values()) == {"2019/20", "2020/21"}


def test_a_prose_line_between_tables_stops_the_header_of_the_first() -> None:
    text = "| Item | 2020/21 |\n| Staff | £1,000 |\nThen the later table:\n| Item | Cost |\n| Kit | £300 |\n"
    assert _periods(text) == {"£1,000": "2020/21", "£300": None}
