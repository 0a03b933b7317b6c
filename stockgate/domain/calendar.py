"""The retail holiday calendar: fixed, named days that move demand, shared by the generator and the forecaster.

The list is European-retail flavoured and deliberately small. Each day carries a name; multi-day seasons
(the week before Christmas) are one row per day with the same name, so a forecaster can use the names as
categorical features and the generator can look up an effect per name in ``HOLIDAY_EFFECTS``.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

HOLIDAY_EFFECTS: dict[str, float] = {
    "new_years_day": 0.3,
    "valentines_day": 1.15,
    "easter_saturday": 1.5,
    "easter_sunday": 0.6,
    "easter_monday": 0.7,
    "mothers_day": 1.2,
    "black_friday": 2.2,
    "pre_christmas": 1.5,
    "christmas_eve": 1.8,
    "christmas_day": 0.0,
    "boxing_day": 0.6,
    "new_years_eve": 1.3,
}
"""Typical demand multiplier of each holiday for an average category (0.0 = stores closed)."""


def easter_sunday(year: int) -> date:
    """Gregorian Easter Sunday of ``year`` (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Mon=0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def holidays_of_year(year: int) -> list[tuple[date, str]]:
    """All (day, holiday name) pairs of one calendar year, in date order."""
    easter = easter_sunday(year)
    days = [
        (date(year, 1, 1), "new_years_day"),
        (date(year, 2, 14), "valentines_day"),
        (easter - timedelta(days=1), "easter_saturday"),
        (easter, "easter_sunday"),
        (easter + timedelta(days=1), "easter_monday"),
        (_nth_weekday(year, 5, 6, 2), "mothers_day"),
        (_nth_weekday(year, 11, 3, 4) + timedelta(days=1), "black_friday"),
        *((date(year, 12, d), "pre_christmas") for d in range(17, 24)),
        (date(year, 12, 24), "christmas_eve"),
        (date(year, 12, 25), "christmas_day"),
        (date(year, 12, 26), "boxing_day"),
        (date(year, 12, 31), "new_years_eve"),
    ]
    return sorted(days)


def holiday_calendar(start: date | pd.Timestamp, end: date | pd.Timestamp) -> pd.DataFrame:
    """Holidays between ``start`` and ``end`` inclusive: columns ``ds`` (datetime64[ns]) and ``holiday`` (str)."""
    first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    rows = [
        (d, name) for y in range(first.year, last.year + 1) for d, name in holidays_of_year(y) if first <= d <= last
    ]
    frame = pd.DataFrame(rows, columns=["ds", "holiday"])
    frame["ds"] = pd.to_datetime(frame["ds"]).astype("datetime64[ns]")
    frame["holiday"] = frame["holiday"].astype("str")
    return frame.reset_index(drop=True)
