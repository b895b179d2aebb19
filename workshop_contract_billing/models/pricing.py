"""The price of a contract line for a period, in plain Python (no ORM).

One arithmetic, which the billing engine invoices
(``workshop.contract.line._period_price``) and the forecast adds up for
thousands of periods: a line's terms are read once (:class:`LineTerms`), then
every period is priced from plain values.
"""

from typing import NamedTuple

from odoo.tools import float_is_zero, float_round


class LineTerms(NamedTuple):
    """What the price of a contract line depends on."""

    kind: str  # "fixed", "per_asset" or "tiered"
    quantity: float
    price_unit: float
    tiers: tuple  # ((from assets, price per asset), ...), ascending
    rounding: float  # of the contract's currency


def amount_for_count(terms, asset_count):
    """Price of one full period with ``asset_count`` covered assets, per unit
    of quantity: a tiered line takes the last tier the count reaches."""
    if terms.kind == "fixed":
        return terms.price_unit
    if terms.kind == "per_asset":
        return terms.price_unit * asset_count
    price = 0.0
    for min_assets, tier_price in terms.tiers:
        if min_assets <= asset_count:
            price = tier_price
    return price * asset_count


def period_amount(terms, period, segments):
    """(amount, asset count or None when it changed) of a line for ``period``
    (a ``periods.Period``); ``segments`` lists (days, asset count) of the
    covered part (unused by a fixed fee)."""
    if terms.kind == "fixed":
        # the most common line: no asset count, no segments to add up
        return terms.price_unit * period.billed_days / period.days * terms.quantity, 0
    amount = sum(
        amount_for_count(terms, count) * days / period.days for days, count in segments
    )
    counts = {count for _days, count in segments}
    return amount * terms.quantity, counts.pop() if len(counts) == 1 else None


def period_price(terms, period, segments):
    """(quantity, unit price) a line bills for ``period``, or None when there
    is nothing to bill. The unit price is rounded first; an asset count that
    changed during the period bills one prorated sum."""
    amount, count = period_amount(terms, period, segments)
    if float_is_zero(amount, precision_rounding=terms.rounding):
        return None
    quantity = terms.quantity
    if terms.kind != "fixed" and count:
        quantity = terms.quantity * count
    if terms.kind == "fixed" or count:
        price = (
            float_round(amount / quantity, precision_rounding=terms.rounding)
            if quantity
            else 0.0
        )
    else:
        quantity, price = 1.0, float_round(amount, precision_rounding=terms.rounding)
    return quantity, price
