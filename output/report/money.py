"""Money as a reader expects it in a headline table: £6.8m, c£4.9m, £413k; exact amounts stay in the CSV."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
_STEPS = ((Decimal(10) ** 9, "bn", 2), (Decimal(10) ** 6, "m", 2), (Decimal(10) ** 3, "k", 0))


def compact(amount: Decimal, currency: str = "GBP", approximate: bool = False, high: Decimal | None = None) -> str:
    """>>> compact(Decimal("4900000"), approximate=True)
    'c£4.9m'
    >>> compact(Decimal("3904210"))
    '£3.9m'
    >>> compact(Decimal("2000000"), high=Decimal("3000000"))
    '£2m–£3m'
    """
    text = _one(amount, currency)
    if high is not None and high != amount:
        text += "–" + _one(high, currency)
    return ("c" if approximate else "") + text


def _one(amount: Decimal, currency: str) -> str:
    symbol = SYMBOLS.get(currency, currency + " ")
    sign = "-" if amount < 0 else ""
    size = abs(amount)
    for step, suffix, places in _STEPS:
        if size >= step:
            # 999,999 rounds up to 1000k: say 1m instead.
            scaled = (size / step).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            if scaled >= 1000 and suffix != "bn":
                continue
            return f"{sign}{symbol}{_trim(scaled)}{suffix}"
    pence = size != size.to_integral_value()
    return f"{sign}{symbol}{size:,.2f}" if pence else f"{sign}{symbol}{size:,.0f}"


def _trim(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def exact(amount: Decimal, currency: str = "GBP") -> str:
    """>>> exact(Decimal("6800000.00"))
    '£6,800,000'
    """
    symbol = SYMBOLS.get(currency, currency + " ")
    pence = amount != amount.to_integral_value()
    return f"{symbol}{amount:,.2f}" if pence else f"{symbol}{amount:,.0f}"
