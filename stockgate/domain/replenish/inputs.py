"""Join the four inputs into planned lines: one per SKU and location in the inventory snapshot.

Discontinued items are never ordered: they are left out here and listed in the plan's ``skipped``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import cast

import pandas as pd

from stockgate.domain.contracts import ItemStatus, make_unique_id
from stockgate.domain.replenish.line import PlannedLine
from stockgate.domain.replenish.orders import SupplierTerms
from stockgate.domain.replenish.position import inventory_position
from stockgate.errors import PlanningError


def sales_long(sales: pd.DataFrame) -> pd.DataFrame:
    """Contract sales (sku, location, date, units[, price, promo]) as the long frame ``unique_id, ds, y[, ...]``."""
    out = pd.DataFrame(
        {
            "unique_id": [make_unique_id(loc, sku) for loc, sku in zip(sales["location"], sales["sku"], strict=True)],
            "ds": pd.to_datetime(sales["date"]),
            "y": sales["units"].astype(float),
        }
    )
    if "price" in sales.columns:
        out["price"] = sales["price"].astype(float)
    if "promo" in sales.columns:
        out["promo"] = sales["promo"].astype(float)
    return out.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)


def _date(value: object) -> date | None:
    """A date from a cell; None for empty values."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    return pd.Timestamp(value).date()  # type: ignore[arg-type]


def _units(value: object) -> float:
    """Units from a cell; 0 for empty values."""
    return 0.0 if value is None or pd.isna(value) else float(value)  # type: ignore[call-overload,arg-type]


def _rows_of(frame: pd.DataFrame, mask: pd.Series) -> list[int]:
    rows = frame.loc[mask, "_row"] if "_row" in frame.columns else frame.index[mask] + 2
    return [int(r) for r in rows]


def check_references(*, inventory: pd.DataFrame, catalog: pd.DataFrame, terms: Mapping[str, SupplierTerms]) -> None:
    """PlanningError naming the rows when inventory SKUs are not in the catalog or suppliers are unknown."""
    unknown_sku = ~inventory["sku"].isin(catalog["sku"])
    if unknown_sku.any():
        rows, skus = _rows_of(inventory, unknown_sku), sorted(set(inventory.loc[unknown_sku, "sku"]))
        raise PlanningError(
            f"inventory rows {rows[:10]}: SKU not in the catalog ({', '.join(skus[:5])}).",
            hint="Add the SKUs to catalog or remove them from inventory.",
        )
    unknown_sup = ~catalog["supplier_id"].isin(list(terms))
    if unknown_sup.any():
        rows = _rows_of(catalog, unknown_sup)
        ids = ", ".join(f"'{s}'" for s in dict.fromkeys(catalog.loc[unknown_sup, "supplier_id"].astype(str)))
        where = catalog.attrs.get("source_file", "catalog")  # the path, when the loader set it
        raise PlanningError(
            f"{where} row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows[:10]))}: supplier_id {ids} "
            "is not in the suppliers file.",
            hint="Add the supplier (lead time, review period, order days, approver group) to suppliers, "
            "or correct supplier_id in those catalog rows.",
        )


def build_lines(
    *, inventory: pd.DataFrame, catalog: pd.DataFrame, terms: Mapping[str, SupplierTerms], cutoff: date
) -> tuple[list[PlannedLine], list[str]]:
    """Planned lines (position, order and delivery dates) and plain-word notes about items left out."""
    check_references(inventory=inventory, catalog=catalog, terms=terms)
    items = catalog.drop_duplicates("sku").set_index("sku")
    lines: list[PlannedLine] = []
    skipped: list[str] = []
    for row in cast(list[dict[str, object]], inventory.to_dict(orient="records")):
        item = cast(pd.Series, items.loc[str(row["sku"])])
        if str(item["status"]).lower() == ItemStatus.DISCONTINUED:
            skipped.append(f"{row['sku']} at {row['location']}: discontinued, never ordered.")
            continue
        lines.append(_line(row=row, item=item, terms=terms[str(item["supplier_id"])], cutoff=cutoff))
    return lines, skipped


def _line(*, row: dict[str, object], item: pd.Series, terms: SupplierTerms, cutoff: date) -> PlannedLine:
    snapshot = _date(row["snapshot_date"]) or cutoff
    first_day = max(snapshot, cutoff) + timedelta(days=1)
    order_date = terms.next_order_date(first_day)
    review = terms.review_days(order_date)
    delivery = order_date + timedelta(days=terms.lead_time_days)
    due = _date(row.get("on_order_due"))
    on_hand, backorders, on_order = _units(row["on_hand"]), _units(row.get("backorders")), _units(row.get("on_order"))
    horizon_end = delivery + timedelta(days=review - 1)
    return PlannedLine(
        unique_id=make_unique_id(row["location"], row["sku"]),
        sku=str(row["sku"]),
        location=str(row["location"]),
        name=str(item.get("name", "")),
        supplier_id=terms.supplier_id,
        pack_size=int(item["pack_size"]),
        moq=int(item["moq"]),
        unit_cost=float(item["unit_cost"]),
        first_day=first_day,
        order_date=order_date,
        delivery_date=delivery,
        review_days=review,
        on_hand=on_hand,
        on_order=on_order,
        on_order_due=due,
        backorders=backorders,
        position=inventory_position(
            on_hand=on_hand, backorders=backorders, on_order=on_order, on_order_due=due, horizon_end=horizon_end
        ),
    )
