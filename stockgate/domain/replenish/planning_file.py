"""The planning file: how replenishment plans, for the weekly flow and ``stockgate plan`` alike.

A YAML mapping (every key optional; docs/replenishment.md "Configuring the plan" documents each, and
docs/examples/planning.yaml is a full example). Unknown keys are refused, so a typo never silently leaves a default
in place. ``STOCKGATE_PLANNING_FILE`` names the file (read by ``stockgate.services.planning_config``); without one
the embedded defaults apply.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from stockgate.domain.replenish.classes import DEFAULT_TARGETS, ServiceLevels
from stockgate.domain.replenish.planner import PlanConfig
from stockgate.errors import ConfigError

CLASSES = tuple(a + x for a in "ABC" for x in "XYZ")


class PlanningFile(BaseModel):
    """The file's fields (probabilities 0-1, days, currency amounts)."""

    model_config = ConfigDict(extra="forbid")

    service_measure: Literal["cycle", "fill_rate", "fill_rate_backorder"] = "fill_rate"
    service_levels: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_TARGETS))
    service_level: float | None = Field(default=None, ge=0.5, le=0.999)
    abc_shares: tuple[float, float] = (0.80, 0.95)
    xyz_cv: tuple[float, float] = (0.5, 1.0)
    class_lookback_days: int = Field(default=364, ge=28)
    run_budget: float | None = Field(default=None, ge=0)
    run_budget_currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    min_history_days: int = Field(default=56, ge=0)
    unusual_factor: float = Field(default=2.5, gt=1)
    price_change: float = Field(default=0.10, gt=0)
    cost_change: float = Field(default=0.05, gt=0)

    @field_validator("service_levels")
    @classmethod
    def _known_classes(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CLASSES))
        if unknown:
            raise ValueError(f"unknown class(es) {unknown}; use the pairs {', '.join(CLASSES)}")
        wrong = {k: v for k, v in value.items() if not 0.5 <= v <= 0.999}
        if wrong:
            raise ValueError(f"targets must be between 0.5 and 0.999, not {wrong}")
        return {**DEFAULT_TARGETS, **value}

    @field_validator("run_budget_currency")
    @classmethod
    def _upper_currency(cls, value: str | None) -> str | None:
        return value.upper() if value else value

    @model_validator(mode="after")
    def _ordered_bounds(self) -> PlanningFile:
        if not 0 < self.abc_shares[0] < self.abc_shares[1] < 1:
            raise ValueError(f"abc_shares must be two increasing shares between 0 and 1, not {list(self.abc_shares)}")
        if not 0 < self.xyz_cv[0] < self.xyz_cv[1]:
            raise ValueError(f"xyz_cv must be two increasing positive limits, not {list(self.xyz_cv)}")
        return self

    def to_config(self, *, currency: str) -> PlanConfig:
        """The planner's configuration; the run budget's currency defaults to ``currency``."""
        return PlanConfig(
            service=ServiceLevels(
                targets=self.service_levels,
                abc_shares=self.abc_shares,
                xyz_cv=self.xyz_cv,
                lookback_days=self.class_lookback_days,
                override=self.service_level,
            ),
            measure=self.service_measure,
            run_budget=self.run_budget,
            run_budget_currency=self.run_budget_currency or currency,
            min_history_days=self.min_history_days,
            unusual_factor=self.unusual_factor,
            price_change=self.price_change,
            cost_change=self.cost_change,
            currency=currency,
        )


def parse_planning(data: Any, *, source: str, currency: str) -> PlanConfig:
    """Validate a planning mapping (``None``: all defaults); ConfigError names each wrong field."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"Planning file {source} must be a YAML mapping of settings such as 'service_measure'.")
    try:
        return PlanningFile.model_validate(data).to_config(currency=currency)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "(top level)"
            message = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                message = f"not a planning setting (check the spelling; known: {', '.join(PlanningFile.model_fields)})"
            problems.append(f"{where}: {message}")
        raise ConfigError(
            f"Planning file {source} is invalid: " + "; ".join(problems) + ".",
            hint="See docs/replenishment.md, section 'Configuring the plan', for every field.",
        ) from None
