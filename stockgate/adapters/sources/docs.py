"""The column tables of docs/data-contract.md, generated from ``stockgate.domain.contracts``.

    uv run python -m stockgate.adapters.sources.docs   # rewrites the generated part of docs/data-contract.md

A test checks that the document matches the contract, so the two cannot drift apart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from stockgate.adapters.sources.bundle import DEFAULTS
from stockgate.domain.contracts import INPUTS, InputSpec

BEGIN = "<!-- BEGIN GENERATED: contract tables (python -m stockgate.adapters.sources.docs) -->"
END = "<!-- END GENERATED -->"
KIND_NAMES = {"str": "text", "int": "integer", "float": "number", "date": "date", "bool": "0/1"}


def _default(spec: InputSpec, name: str, required: bool) -> str:
    if required:
        return "required"
    if name == "currency":
        return "optional (default: settings currency)"
    if name in DEFAULTS.get(spec.name, {}):
        value = DEFAULTS[spec.name][name]
        return f"optional (default {int(value) if isinstance(value, bool | float) else value})"
    return "optional (empty if unknown)"


def render_input(spec: InputSpec) -> str:
    """Markdown for one input: description, key, column table and a one-row example file."""
    lines = [
        f"### {spec.name}.csv / {spec.name}.parquet",
        "",
        spec.description,
        f"One row per ({', '.join(spec.key)}).",
        "",
        "| column | type | required | meaning | example |",
        "|---|---|---|---|---|",
    ]
    for column in spec.columns:
        need = _default(spec, column.name, column.required)
        lines.append(
            f"| `{column.name}` | {KIND_NAMES[column.kind]} | {need} | {column.description} | `{column.example}` |"
        )
    example_row = ",".join(f'"{c.example}"' if "," in c.example else c.example for c in spec.columns)
    lines += ["", "```csv", ",".join(spec.names), example_row, "```", ""]
    return "\n".join(lines)


def render_tables() -> str:
    """The generated block: every input of the contract, in reading order, between the markers."""
    return "\n".join([BEGIN, "", *(render_input(spec) for spec in INPUTS.values()), END])


def update(path: Path) -> bool:
    """Replace the generated block of ``path``; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = head + render_tables() + tail
    path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/data-contract.md")
    update(target)
