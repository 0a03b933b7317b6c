"""Matching wanted column names to a file's header, with a suggestion for each missing one."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from stockgate.errors import ColumnError


def resolve_columns(
    header: Sequence[str],
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    file: str,
    one_column: int | None = None,
    map_with: str | None = None,
) -> tuple[dict[str, str], list[str]]:
    """Map each wanted name to the header's own spelling; ColumnError for a missing required one.

    Names match exactly, then ignoring surrounding spaces and case (a note says so). Optional columns that
    are absent are left out. ``map_with`` says how the caller's user can map their own column onto a wanted
    name (for example the command-line options that do it); None when the names are fixed, as in a data folder.
    Returns ``({wanted: actual}, notes)``.
    """
    found: dict[str, str] = {}
    notes: list[str] = []
    for wanted in [*required, *optional]:
        actual = _match(header, wanted)
        if actual is None:
            if wanted in required:
                raise _missing(wanted, header, file=file, one_column=one_column == 1, map_with=map_with)
            continue
        if actual != wanted:
            notes.append(f"{file}: read column '{actual}' as '{wanted}'.")
        found[wanted] = actual
    return found, notes


def _match(header: Sequence[str], wanted: str) -> str | None:
    if wanted in header:
        return wanted
    loose = [name for name in header if name.strip().lower() == wanted.strip().lower()]
    return loose[0] if len(loose) == 1 else None


def closest(wanted: str, names: Sequence[str]) -> str | None:
    """The name in ``names`` closest to ``wanted`` (difflib, case-insensitive), or None if none is close."""
    lowered = {name.strip().lower(): name for name in names}
    match = difflib.get_close_matches(wanted.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None


def _missing(wanted: str, header: Sequence[str], *, file: str, one_column: bool, map_with: str | None) -> ColumnError:
    shown = ", ".join(f"'{name}'" for name in header[:20]) + (" ..." if len(header) > 20 else "")
    if one_column and header:
        return ColumnError(
            f"required column '{wanted}' is missing: the header is a single column {shown}.",
            file=file,
            column=wanted,
            hint="The file's separator is probably not , ; TAB or |: re-export it comma-separated.",
        )
    suggestion = closest(wanted, header)
    column = f"the file's column to '{wanted}'"
    if map_with is None:
        fixed = f"{column} (these column names are fixed)."
        fix = f"Did you mean '{suggestion}'? Rename {fixed}" if suggestion else f"Add the column, or rename {fixed}"
    elif suggestion is not None:
        fix = f"Did you mean '{suggestion}'? Give that name with {map_with}, or rename {column}."
    else:
        fix = f"Add the column, or give the name of your own column that holds it with {map_with}."
    return ColumnError(f"required column '{wanted}' is missing; found {shown}.", file=file, column=wanted, hint=fix)
