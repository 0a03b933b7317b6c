"""Suppliers and the product catalog: names, categories, costs below prices, packs, minimums, shelf lives."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from stockgate.domain.generator.config import GeneratorConfig


@dataclass(frozen=True)
class Category:
    """How products of one category look, sell and are supplied."""

    name: str
    products: tuple[str, ...]
    sizes: tuple[str, ...]
    price_range: tuple[float, float]  # regular price per unit, currency
    packs: tuple[int, ...]  # units per orderable pack
    shelf_life: tuple[int, int] | None  # days, None = not perishable
    supplier_kind: str  # "fresh", "domestic" or "import"
    yearly_amplitude: float  # relative swing of the yearly cycle
    yearly_peak_doy: int  # day of year with the highest demand
    christmas: float  # sensitivity to holiday effects (1 = average)


CATEGORIES: tuple[Category, ...] = (
    Category("dairy", ("Whole Milk", "Greek Yogurt", "Cheddar", "Butter", "Oat Drink", "Skyr"),
             ("250 g", "500 g", "1 l"), (0.89, 4.99), (6, 8, 12), (10, 35), "fresh", 0.05, 350, 0.8),
    Category("bakery", ("Sourdough Loaf", "Rye Bread", "Croissants", "Bagels", "Cinnamon Buns"),
             ("4 pcs", "500 g", "750 g"), (1.29, 4.49), (1, 4, 6), (2, 6), "fresh", 0.10, 355, 1.2),
    Category("beverages", ("Sparkling Water", "Apple Juice", "Cola", "Iced Tea", "Lager"),
             ("0.5 l", "1 l", "1.5 l", "6 x 0.33 l"), (0.69, 7.99), (6, 12, 24), None, "domestic", 0.30, 196, 1.1),
    Category("snacks", ("Sea Salt Crisps", "Dark Chocolate", "Salted Peanuts", "Oat Cookies", "Gummy Bears"),
             ("100 g", "150 g", "200 g"), (0.99, 3.99), (10, 12, 20), (120, 365), "domestic", 0.12, 350, 1.5),
    Category("frozen", ("Vanilla Ice Cream", "Garden Peas", "Margherita Pizza", "Fish Fingers"),
             ("400 g", "750 g", "1 kg"), (1.49, 6.99), (6, 8, 10), (180, 365), "domestic", 0.35, 200, 0.9),
    Category("household", ("Dish Soap", "Laundry Detergent", "Kitchen Towels", "Bin Bags", "Sponges"),
             ("1 pc", "3 pcs", "750 ml", "2 kg"), (1.49, 12.99), (4, 6, 12), None, "domestic", 0.05, 90, 0.7),
    Category("personal-care", ("Shampoo", "Toothpaste", "Hand Cream", "Shower Gel", "Sunscreen"),
             ("75 ml", "250 ml", "400 ml"), (1.99, 9.99), (6, 12), None, "import", 0.10, 180, 1.0),
    Category("garden", ("Potting Soil", "Tomato Seeds", "Garden Hose", "Plant Food", "Barbecue Charcoal"),
             ("1 pc", "5 kg", "20 l"), (2.49, 29.99), (1, 2, 4), None, "import", 0.80, 135, 0.3),
    Category("toys", ("Building Bricks Set", "Plush Bear", "Puzzle 500", "Toy Car", "Board Game"),
             ("1 pc", "2 pcs"), (4.99, 39.99), (1, 2, 6), None, "import", 0.25, 350, 3.0),
    Category("pet", ("Dry Dog Food", "Cat Litter", "Wet Cat Food", "Dog Treats"),
             ("400 g", "2 kg", "10 kg"), (0.79, 24.99), (4, 6, 12), (180, 540), "domestic", 0.05, 1, 0.8),
)  # fmt: skip
"""The categories the generator draws from, with their typical economics."""

BRANDS = ("Nordvik", "Greenfield", "Luma", "Baker & Co", "Alpina", "Cove", "Harvest", "Polar", "Sunny", "Oakridge")


@dataclass(frozen=True)
class SupplierTerms:
    """Terms typical of one kind of supplier."""

    lead: tuple[float, float]  # range of mean lead time, days
    cv: tuple[float, float]  # range of lead-time std / mean
    review: int  # review period, days
    days: str  # order days
    group: str  # approver group


SUPPLIER_TERMS: dict[str, SupplierTerms] = {
    "fresh": SupplierTerms((1.0, 3.0), (0.1, 0.3), 1, "Mon,Tue,Wed,Thu,Fri,Sat", "fresh"),
    "domestic": SupplierTerms((4.0, 9.0), (0.15, 0.35), 7, "Mon,Thu", "grocery"),
    "import": SupplierTerms((18.0, 45.0), (0.2, 0.45), 14, "Tue", "nonfood"),
}
SUPPLIER_NAMES: dict[str, tuple[str, ...]] = {
    "fresh": ("Nordic Dairy AB", "Baltic Bakery Oy", "Valley Farms GmbH", "Morning Fresh Ltd"),
    "domestic": ("Central Grocers GmbH", "Rhine Beverages AG", "Hansa Foods KG", "Polar Frozen GmbH"),
    "import": ("Pacific Trading Co", "Eastbridge Imports Ltd", "Atlas Homeware SA", "Meridian Garden BV"),
}
KINDS = ("fresh", "domestic", "import")


def supplier_kinds(n_suppliers: int) -> list[str]:
    """Kind of each supplier, cycling fresh, domestic, import so every kind exists from three suppliers on."""
    return [KINDS[i % 3] for i in range(n_suppliers)]


def make_suppliers(config: GeneratorConfig) -> pd.DataFrame:
    """One row per supplier in the contract; lead times, review periods and budgets differ by kind."""
    rng = config.rng(10)
    rows = []
    for i, kind in enumerate(supplier_kinds(config.n_suppliers)):
        terms = SUPPLIER_TERMS[kind]
        mean = round(float(rng.uniform(*terms.lead)), 1)
        std = round(mean * float(rng.uniform(*terms.cv)), 1)
        names = SUPPLIER_NAMES[kind]
        name = names[(i // 3) % len(names)] + (f" {i // (3 * len(names)) + 1}" if i >= 3 * len(names) else "")
        budget = float(rng.choice([2_000, 5_000, 10_000, 25_000])) if rng.random() < 0.8 else np.nan
        rows.append((f"SUP{i + 1:02d}", name, mean, std, terms.review, terms.days, budget, "EUR", terms.group))
    cols = ["supplier_id", "name", "lead_time_mean_days", "lead_time_std_days", "review_period_days"]
    frame = pd.DataFrame(rows, columns=[*cols, "order_days", "budget", "currency", "approver_group"])
    return frame.astype({"review_period_days": "int64", "budget": "float64"})


def _price_endings(raw: np.ndarray) -> np.ndarray:
    """Round prices to retail endings: x.29, x.49, x.79, x.99."""
    whole = np.floor(raw)
    cents = np.array([0.29, 0.49, 0.79, 0.99])[np.minimum((raw - whole) * 4, 3).astype(int)]
    return np.round(np.maximum(whole, 0) + cents, 2)


def make_catalog(config: GeneratorConfig, *, category_index: np.ndarray, status: np.ndarray) -> pd.DataFrame:
    """One row per SKU: realistic names, category, supplier of the matching kind, cost < price, pack, MOQ."""
    rng = config.rng(11)
    n = config.n_skus
    kinds = np.array(supplier_kinds(config.n_suppliers))
    u = rng.random((n, 7))
    names, cats, prices, packs, shelf, suppliers = [], [], np.empty(n), np.empty(n, int), [], []
    for k in range(n):
        cat = CATEGORIES[category_index[k]]
        pick = [int(u[k, j] * size) for j, size in enumerate((len(cat.products), len(cat.sizes), len(BRANDS)))]
        names.append(f"{BRANDS[pick[2]]} {cat.products[pick[0]]} {cat.sizes[pick[1]]}")
        cats.append(cat.name)
        lo, hi = cat.price_range
        prices[k] = np.exp(np.log(lo) + u[k, 3] * (np.log(hi) - np.log(lo)))
        packs[k] = cat.packs[int(u[k, 4] * len(cat.packs))]
        shelf.append(
            int(cat.shelf_life[0] + u[k, 5] * (cat.shelf_life[1] - cat.shelf_life[0])) if cat.shelf_life else None
        )
        matching = np.flatnonzero(kinds == cat.supplier_kind)
        pool = matching if matching.size else np.arange(config.n_suppliers)
        suppliers.append(f"SUP{int(pool[int(u[k, 6] * pool.size)]) + 1:02d}")
    price = _price_endings(prices)
    cost = np.round(price * rng.uniform(0.35, 0.75, size=n), 2).clip(min=0.01)
    moq = packs * rng.choice([1, 2, 3, 4, 6, 10], size=n)
    return pd.DataFrame(
        {
            "sku": pd.array([f"SKU{k + 1:05d}" for k in range(n)], dtype="str"),
            "name": pd.array(names, dtype="str"),
            "category": pd.array(cats, dtype="str"),
            "supplier_id": pd.array(suppliers, dtype="str"),
            "unit_cost": cost,
            "price": price,
            "pack_size": packs.astype("int64"),
            "moq": moq.astype("int64"),
            "shelf_life_days": np.array([np.nan if v is None else v for v in shelf], dtype=float),
            "status": pd.array(status, dtype="str"),
        }
    )
