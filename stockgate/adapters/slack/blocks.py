"""Block Kit primitives that respect Slack's limits (3,000 characters per section, 150 per header, ...)."""

from __future__ import annotations

from typing import Any

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_CHARS = 3000
HEADER_CHARS = 150
FIELD_CHARS = 2000
BUTTON_VALUE_CHARS = 2000
CONTEXT_CHARS = 2000


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_CHARS), "emoji": True}}


def section(text: str, *, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_CHARS)}}
    if block_id:
        block["block_id"] = block_id
    return block


def fields(pairs: list[tuple[str, str]]) -> Block:
    """A section of up to 10 two-column ``*label*\\nvalue`` fields."""
    items = [{"type": "mrkdwn", "text": clip(f"*{k}*\n{v}", FIELD_CHARS)} for k, v in pairs[:10]]
    return {"type": "section", "fields": items}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, CONTEXT_CHARS)}]}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> Block:
    if len(value) > BUTTON_VALUE_CHARS:
        raise ValueError(f"button value is {len(value)} characters; Slack allows {BUTTON_VALUE_CHARS}")
    element: Block = {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id}
    element["value"] = value
    if style:
        element["style"] = style
    return element


def actions(block_id: str, elements: list[Block]) -> Block:
    return {"type": "actions", "block_id": block_id, "elements": elements[:25]}


def chunk_lines(lines: list[str], *, limit: int = SECTION_CHARS) -> list[str]:
    """Join ``lines`` into as few texts of at most ``limit`` characters as possible (long lines are clipped)."""
    chunks: list[str] = []
    current = ""
    for line in (clip(x, limit) for x in lines):
        if current and len(current) + 1 + len(line) > limit:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    return [*chunks, current] if current else chunks
