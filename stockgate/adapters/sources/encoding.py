"""Text encoding checks: name the line and byte of the first character that is not valid UTF-8."""

from __future__ import annotations

import codecs
from pathlib import Path

from stockgate.errors import InputError

_CHUNK = 1024 * 1024
_ENCODING_HINT = (
    "Re-save the file as UTF-8 (in Excel: Save As > 'CSV UTF-8'), or give its encoding "
    "(for example --encoding cp1252 or latin-1)."
)


def check_sample_decodes(sample: bytes, *, path: Path, encoding: str | None, complete: bool) -> str:
    """Decode the first bytes of a file; InputError naming line and byte if they are not valid in ``encoding``."""
    name = encoding or "utf-8"
    if name.replace("-", "").replace("_", "").lower() in ("utf8", "utf8sig"):
        name = "utf-8-sig"
    try:
        codecs.lookup(name)
    except LookupError:
        raise InputError(f"unknown text encoding '{encoding}'.", file=str(path), hint=_ENCODING_HINT) from None
    decoder = codecs.getincrementaldecoder(name)()
    try:
        return decoder.decode(sample, final=complete)
    except UnicodeDecodeError as exc:
        raise _bad_bytes_error(path, sample, exc.start, name) from None


def find_bad_utf8(path: Path) -> InputError | None:
    """An InputError for the first invalid UTF-8 byte in ``path`` (streamed, 1 MiB at a time), or None."""
    line, offset, carry = 1, 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            buf = carry + chunk
            try:
                buf.decode("utf-8")
                carry = b""
            except UnicodeDecodeError as exc:
                if exc.reason != "unexpected end of data":
                    return _bad_bytes_error(path, buf, exc.start, "utf-8", line=line, offset=offset)
                buf, carry = buf[: exc.start], buf[exc.start :]
            line += buf.count(b"\n")
            offset += len(buf)
    return _bad_bytes_error(path, carry, 0, "utf-8", line=line, offset=offset) if carry else None


def _bad_bytes_error(
    path: Path, buf: bytes, start: int, encoding: str, *, line: int = 1, offset: int = 0
) -> InputError:
    line += buf.count(b"\n", 0, start)
    line_start = buf.rfind(b"\n", 0, start)
    where = f", position {start - line_start}" if line_start >= 0 or offset == 0 else ""  # 1-based, in bytes
    bad = buf[start : start + 4]
    label = "UTF-8" if encoding.startswith("utf") else encoding
    return InputError(
        f"line {line}{where} (byte offset {offset + start}) holds bytes {bad!r} that are not valid {label} text.",
        file=str(path),
        rows=[line],
        hint=_ENCODING_HINT,
    )
