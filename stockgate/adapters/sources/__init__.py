"""Reading inputs: the contract's data folder (``load_inputs``) and sales in a user's own shape (``load_sales``).

CSV (separator sniffed, streamed, only the needed columns), Parquet, M5 wide files and SQL queries. Every
failure is an ``InputError``/``ColumnError`` naming the file, column and rows, with a fix.
"""

from stockgate.adapters.sources.bundle import InputBundle, load_input, load_inputs
from stockgate.adapters.sources.files import DEFAULT_MAX_BYTES
from stockgate.adapters.sources.freq import infer_freq
from stockgate.adapters.sources.mapping import load_sales
from stockgate.adapters.sources.sales_types import SalesFrame, SalesMapping

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputBundle",
    "SalesFrame",
    "SalesMapping",
    "infer_freq",
    "load_input",
    "load_inputs",
    "load_sales",
]
