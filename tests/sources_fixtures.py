"""Small input files for the loader tests, written into tmp_path in the exact shape of the contract and of the
public formats (Kaggle store-item, Walmart weekly, M5 wide + calendar + TAB prices with an index column + CRLF)."""

from __future__ import annotations

from pathlib import Path

SALES_CSV = """sku,location,date,units,price,promo
SKU1,S01,2026-03-02,3,4.99,0
SKU1,S01,2026-03-03,5,,1
SKU2,S01,2026-03-02,-1,2.50,
SKU2,S01,2026-03-03,2,2.50,0
"""

CATALOG_CSV = """sku,name,category,supplier_id,unit_cost,price,pack_size,moq,shelf_life_days,status
SKU1,Oat Milk 1 l,dairy-alternatives,SUP01,1.10,2.49,6,24,90,active
SKU2,Black Tea,drinks,SUP01,1.00,2.00,12,24,,new
"""

INVENTORY_CSV = """snapshot_date,sku,location,on_hand,on_order,on_order_due
2026-03-03,SKU1,S01,40,24,2026-03-06
2026-03-03,SKU2,S01,10,,
"""

SUPPLIERS_CSV = """supplier_id,name,lead_time_mean_days,review_period_days,order_days,budget,approver_group
SUP01,Nordic Dairy AB,5,7,"Mon,Thu",5000,ops
"""

CONTRACT = {"sales": SALES_CSV, "catalog": CATALOG_CSV, "inventory": INVENTORY_CSV, "suppliers": SUPPLIERS_CSV}

KAGGLE_CSV = """date,store,item,sales
2013-01-01,1,1,13
2013-01-02,1,1,11
2013-01-03,1,1,14
2013-01-01,2,1,12
2013-01-02,2,1,10
2013-01-03,2,1,9
"""

WALMART_CSV = """Store,Dept,Date,Weekly_Sales,IsHoliday
1,1,2010-02-05,24924.5,FALSE
1,1,2010-02-12,46039.49,TRUE
1,1,2010-02-19,41595.55,FALSE
1,2,2010-02-05,50605.27,FALSE
1,2,2010-02-12,44682.74,TRUE
1,2,2010-02-19,47928.89,FALSE
"""

M5_SALES = (
    "id,item_id,dept_id,cat_id,store_id,state_id,d_1,d_2,d_3,d_4\r\n"
    "HOBBIES_1_001_CA_1_validation,HOBBIES_1_001,HOBBIES_1,HOBBIES,CA_1,CA,0,0,2,1\r\n"
    "FOODS_3_090_CA_1_validation,FOODS_3_090,FOODS_3,FOODS,CA_1,CA,5,0,7,3\r\n"
)

M5_CALENDAR = (
    "date,wm_yr_wk,weekday,wday,month,year,d,event_name_1,event_type_1,event_name_2,event_type_2,snap_CA,snap_TX,snap_WI\n"
    """2011-01-29,11101,Saturday,1,1,2011,d_1,,,,,0,0,0
2011-01-30,11101,Sunday,2,1,2011,d_2,,,,,0,0,0
2011-01-31,11101,Monday,3,1,2011,d_3,,,,,0,0,0
2011-02-01,11101,Tuesday,4,2,2011,d_4,,,,,1,1,0
2011-02-02,11101,Wednesday,5,2,2011,d_5,,,,,1,1,1
"""
)

M5_PRICES = (
    "\tstore_id\titem_id\twm_yr_wk\tsell_price\n"
    "0\tCA_1\tHOBBIES_1_001\t11101\t9.58\n"
    "1\tCA_1\tFOODS_3_090\t11101\t1.25\n"
)


def write(path: Path, text: str, *, newline: str = "\n") -> Path:
    """Write ``text`` as UTF-8 with exactly the given line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("\n", newline).encode("utf-8") if newline != "\n" else text.encode("utf-8"))
    return path


def contract_folder(root: Path, **replace: str) -> Path:
    """A data folder with the four contract CSVs; ``replace`` swaps one file's text (e.g. ``sales=...``)."""
    for name, text in {**CONTRACT, **replace}.items():
        write(root / f"{name}.csv", text)
    return root


def m5_files(root: Path) -> tuple[Path, Path, Path]:
    """The M5 wide sales file (CRLF), calendar and TAB-separated prices with a leading index column."""
    sales = root / "sales_train_validation.csv"
    sales.write_bytes(M5_SALES.encode("utf-8"))
    return sales, write(root / "calendar.csv", M5_CALENDAR), write(root / "sell_prices.tsv", M5_PRICES)
