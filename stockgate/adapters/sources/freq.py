"""Inferring and checking the period of a sales history: daily ``"D"``, weekly ``"W-XXX"`` or monthly ``"MS"``."""

from __future__ import annotations

from functools import reduce
from math import gcd

import numpy as np
import pandas as pd

from stockgate.errors import InputError

_WEEKDAY_CODES = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_FREQ_HINT = "Give the frequency explicitly, for example --freq D or --freq W-MON."


def infer_freq(dates: pd.Series, *, file: str = "sales") -> str:
    """``"D"`` when dates step by days, ``"W-XXX"`` (XXX = their weekday) by weeks, ``"MS"`` by month starts.

    Uses the distinct dates of all series together, so gaps in one series do not matter.
    One single date counts as daily.
    """
    days = np.unique(np.asarray(dates.dropna().unique(), dtype="datetime64[D]"))
    if len(days) < 2:
        return "D"
    steps = np.diff(days).astype("int64")
    step = reduce(gcd, steps.tolist())
    if step == 1 and bool(pd.DatetimeIndex(days).is_month_start.all()) and steps.min() >= 28:
        return "MS"
    if step == 1:
        return "D"
    if step % 7 == 0:
        return f"W-{_WEEKDAY_CODES[pd.Timestamp(days[0]).weekday()]}"
    raise InputError(
        f"the dates step by multiples of {step} days, which is neither daily nor weekly.",
        file=file,
        column="date",
        hint=_FREQ_HINT,
    )


def normalize_freq(freq: str) -> str:
    """A canonical pandas alias (``"W"`` -> ``"W-SUN"``, ``"d"`` -> ``"D"``); InputError for unknown ones."""
    try:
        offset = pd.tseries.frequencies.to_offset(freq.strip().upper() if len(freq) <= 2 else freq.strip())
    except ValueError:
        raise InputError(f"'{freq}' is not a frequency.", hint=_FREQ_HINT) from None
    return str(offset.freqstr)


def week_start(dates: pd.Series, freq: str) -> pd.Series:
    """Each date moved back to the start of its week; ``"W-MON"`` weeks run Monday..Sunday, labelled Monday."""
    anchor = _WEEKDAY_CODES.index(freq.split("-", 1)[1])
    back = (dates.dt.day_of_week - anchor) % 7
    return (dates - pd.to_timedelta(back, unit="D")).astype("datetime64[ns]")
