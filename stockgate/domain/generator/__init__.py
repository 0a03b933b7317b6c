"""Seeded synthetic retail data in the Stockgate data contract (sales, catalog, inventory, suppliers).

    from stockgate.domain.generator import generate_retail_data, write_dataset
    data = generate_retail_data(n_series=200, n_days=730, seed=7)      # in memory
    write_dataset(out_dir=path, n_series=30_000, n_days=730, seed=7, fmt="parquet")  # streamed in blocks

Realism: weekly and yearly seasonality, trends, promotions with price cuts and demand lift, holidays
(``stockgate.domain.calendar``), intermittent and lumpy sellers, new and discontinued items, stock-outs that
censor sales, returns (negative units), suppliers with different lead times, packs and minimums, and an
inventory snapshot where some items are short and some overstocked. See docs/generator.md.
"""

from stockgate.domain.generator.build import GeneratedData, generate_retail_data
from stockgate.domain.generator.config import DEFAULT_END, GeneratorConfig, make_config
from stockgate.domain.generator.writer import WriteSummary, write_dataset

__all__ = [
    "DEFAULT_END",
    "GeneratedData",
    "GeneratorConfig",
    "WriteSummary",
    "generate_retail_data",
    "make_config",
    "write_dataset",
]
