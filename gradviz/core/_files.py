"""Writing user files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def read_text_limited(path: str | os.PathLike, max_bytes: int) -> str:
    """The file's text (UTF-8, BOM allowed); ValueError-family errors say what is wrong."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise _TooLarge(size)
    data = path.read_bytes()
    return data.decode("utf-8-sig")


class _TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size
