"""Learning loop: the reason category of each decision, and daily forecast snapshots with their actuals.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("reason_category", sa.String(40)))
    op.create_table(
        "forecast_snapshots",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("as_of", sa.Date, nullable=False, index=True),
        sa.Column("sku", sa.String(200), nullable=False),
        sa.Column("location", sa.String(200), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("forecast", sa.Float, nullable=False),
        sa.Column("naive", sa.Float, nullable=False),
        sa.Column("model", sa.String(40)),
        sa.Column("run_id", sa.String(64)),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("actual", sa.Float),
        sa.Column("actual_recorded_at", _TS),
        sa.UniqueConstraint("as_of", "sku", "location", "day", name="uq_forecast_snapshots_key"),
    )
    op.create_index("ix_forecast_snapshots_series_day", "forecast_snapshots", ["sku", "location", "day"])


def downgrade() -> None:
    op.drop_index("ix_forecast_snapshots_series_day", table_name="forecast_snapshots")
    op.drop_table("forecast_snapshots")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("reason_category")
