"""Drafts the machine proposes and a person decides: purchase orders and marketing copy.

These types are shared by planning (which builds purchase orders), copy drafting, the ledger (which stores
versions of them), the approval gate and Slack (which show them). Quantities are units; money is in the
order's ``currency``. JSON produced by ``model_dump(mode="json")`` is the file format of
``purchase_orders.json`` and ``copy_drafts.json``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field


class DraftKind(StrEnum):
    """What a draft would commit: an order to a supplier, or copy to a shop front."""

    PURCHASE_ORDER = "purchase_order"
    COPY = "copy"


Confidence = Literal["high", "medium", "low"]


class POLine(BaseModel):
    """One SKU at one location on a purchase order, with the reasons a manager needs to decide."""

    sku: str
    location: str
    name: str = ""
    quantity: int = Field(ge=0, description="Units to order; a multiple of pack_size, at least moq when > 0.")
    pack_size: int = Field(ge=1)
    moq: int = Field(ge=0)
    unit_cost: float = Field(ge=0)
    line_cost: float = Field(ge=0, description="quantity x unit_cost, in the order's currency.")
    proposed_quantity: int | None = Field(None, description="The machine's quantity before any human edit.")
    confidence: Confidence = "medium"
    flags: list[str] = Field(default_factory=list, description="Risk flags, e.g. 'budget_cut', 'data_warning'.")
    reasons: list[str] = Field(default_factory=list, description="Plain-word reasons with numbers.")
    facts: dict[str, float | int | str | None] = Field(
        default_factory=dict, description="Numbers behind the reasons (cover days, forecast, range, ...)."
    )


class PurchaseOrder(BaseModel):
    """A purchase-order draft for one supplier."""

    po_id: str
    supplier: str
    supplier_name: str = ""
    currency: str = "EUR"
    order_date: date | None = None
    delivery_date: date | None = None
    approver_group: str | None = None
    lines: list[POLine]
    confidence: Confidence = "medium"
    flags: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="Data-quality warnings about these SKUs.")
    summary: str = Field("", description="What happens if nothing is ordered, in one or two sentences.")

    @property
    def total_cost(self) -> float:
        """Sum of line costs, rounded to cents."""
        return round(sum(line.line_cost for line in self.lines), 2)

    def to_json_dict(self) -> dict[str, object]:
        """The ``purchase_orders.json`` shape, including ``total_cost``."""
        data = self.model_dump(mode="json")
        data["total_cost"] = self.total_cost
        return data


class CheckResult(BaseModel):
    """The outcome of one check on a draft."""

    name: str
    severity: Literal["critical", "warning"]
    passed: bool
    detail: str = ""


class CopyDraft(BaseModel):
    """A marketing-copy draft for one SKU and channel."""

    draft_id: str
    sku: str
    channel: Literal["product_page", "email", "social"]
    text: str | None = None
    subject: str | None = None
    body: str | None = None
    generator: str = "template"
    facts: dict[str, float | int | str | None] = Field(default_factory=dict)
    checks: list[CheckResult] = Field(default_factory=list)
    status: Literal["ready", "blocked"] = "ready"
