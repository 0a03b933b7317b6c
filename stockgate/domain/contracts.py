"""The data contract: the four inputs Stockgate reads, their columns, types and keys, in one place.

A data folder holds one file per input, named after it (``sales``, ``catalog``, ``inventory``, ``suppliers``)
with the extension ``.csv`` or ``.parquet``. Loaders map a user's own column names onto these
(see ``stockgate.adapters.sources``); validation suites under ``validations/`` check the rules;
docs/data-contract.md shows an example of each file.

Internally the forecaster uses the Nixtla long shape: ``unique_id`` (one series = one SKU at one location),
``ds`` (period start date) and ``y`` (units).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

Kind = Literal["str", "int", "float", "date", "bool"]

UNIQUE_ID_SEP = "/"
"""Separator used to join id columns into ``unique_id`` (``"S01/SKU0001"``)."""


class ItemStatus(StrEnum):
    """Life-cycle status of a catalog item."""

    ACTIVE = "active"
    NEW = "new"
    DISCONTINUED = "discontinued"


@dataclass(frozen=True)
class Column:
    """One column of an input: its name, kind, whether it is required, and what it means (with units)."""

    name: str
    kind: Kind
    required: bool
    description: str
    example: str


@dataclass(frozen=True)
class InputSpec:
    """One input file: its name, columns and the columns that identify a row."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the required columns."""
        return tuple(c.name for c in self.columns if c.required)

    @property
    def names(self) -> tuple[str, ...]:
        """Names of all columns, required first as declared."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``; KeyError if the contract has none."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


SALES = InputSpec(
    name="sales",
    description="Units sold per SKU, location and day (or week). Negative units are returns.",
    key=("sku", "location", "date"),
    columns=(
        Column("sku", "str", True, "Stock-keeping unit id, as in the catalog.", "SKU0001"),
        Column("location", "str", True, "Store or warehouse id.", "S01"),
        Column("date", "date", True, "Day (or start of the week) of the sale, ISO 8601.", "2026-03-02"),
        Column("units", "float", True, "Units sold; negative for net returns.", "12"),
        Column("price", "float", False, "Average selling price that day, in the catalog currency.", "4.99"),
        Column("promo", "bool", False, "1 when the item was on promotion that day, else 0.", "0"),
    ),
)

CATALOG = InputSpec(
    name="catalog",
    description="One row per SKU: what it is, who supplies it, what it costs and how it is ordered.",
    key=("sku",),
    columns=(
        Column("sku", "str", True, "Stock-keeping unit id.", "SKU0001"),
        Column("name", "str", True, "Product name as customers see it.", "Oat Milk 1 l"),
        Column("category", "str", True, "Category used for policies and reports.", "dairy-alternatives"),
        Column("supplier_id", "str", True, "Supplier id, as in suppliers.", "SUP01"),
        Column("unit_cost", "float", True, "Purchase cost per unit, supplier currency.", "1.10"),
        Column("price", "float", True, "Regular selling price per unit.", "2.49"),
        Column("pack_size", "int", True, "Units per orderable pack; orders are multiples of it.", "6"),
        Column("moq", "int", True, "Minimum order quantity in units (a multiple of pack_size).", "24"),
        Column("shelf_life_days", "int", False, "Days a unit can be sold after delivery; empty if none.", "90"),
        Column("status", "str", True, "active, new or discontinued.", "active"),
    ),
)

INVENTORY = InputSpec(
    name="inventory",
    description="Stock snapshot per SKU and location: on hand, backorders and the open order with its due date.",
    key=("sku", "location"),
    columns=(
        Column("snapshot_date", "date", True, "Date the snapshot was taken (end of day).", "2026-11-20"),
        Column("sku", "str", True, "Stock-keeping unit id.", "SKU0001"),
        Column("location", "str", True, "Store or warehouse id.", "S01"),
        Column("on_hand", "float", True, "Units physically available.", "40"),
        Column("backorders", "float", False, "Units owed to customers (default 0).", "0"),
        Column("on_order", "float", False, "Units ordered and not yet received (default 0).", "24"),
        Column("on_order_due", "date", False, "Expected delivery date of on_order; empty if none.", "2026-11-24"),
    ),
)

SUPPLIERS = InputSpec(
    name="suppliers",
    description="Supplier terms: lead time, review period, order days, budget and who approves.",
    key=("supplier_id",),
    columns=(
        Column("supplier_id", "str", True, "Supplier id.", "SUP01"),
        Column("name", "str", True, "Supplier name.", "Nordic Dairy AB"),
        Column("lead_time_mean_days", "float", True, "Average days from order to delivery.", "5"),
        Column("lead_time_std_days", "float", False, "Standard deviation of lead time in days (0 if unknown).", "1"),
        Column("review_period_days", "int", True, "Days between two orders to this supplier.", "7"),
        Column("order_days", "str", True, "Weekdays orders can be placed, e.g. 'Mon,Thu'.", "Mon,Thu"),
        Column("budget", "float", False, "Spending limit per run in currency; empty for none.", "5000"),
        Column("currency", "str", False, "ISO currency code (default: settings.currency).", "EUR"),
        Column("approver_group", "str", True, "Group whose members may approve this supplier's orders.", "ops"),
    ),
)

INPUTS: dict[str, InputSpec] = {spec.name: spec for spec in (SALES, CATALOG, INVENTORY, SUPPLIERS)}
"""All inputs by name, in the order a data folder is read."""

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def make_unique_id(*parts: object) -> str:
    """Join id values into one series id: ``make_unique_id("S01", "SKU1") == "S01/SKU1"``."""
    return UNIQUE_ID_SEP.join(str(p) for p in parts)


def parse_order_days(text: str) -> tuple[int, ...]:
    """Weekday numbers (Mon=0) from ``"Mon,Thu"``; ValueError naming the bad token otherwise."""
    days = []
    for token in (t.strip()[:3].title() for t in str(text).replace(";", ",").split(",") if t.strip()):
        if token not in WEEKDAYS:
            raise ValueError(f"'{token}' is not a weekday; use Mon, Tue, Wed, Thu, Fri, Sat or Sun")
        days.append(WEEKDAYS.index(token))
    if not days:
        raise ValueError("no order day given; use for example 'Mon,Thu'")
    return tuple(sorted(set(days)))
