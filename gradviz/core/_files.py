"""Writing user files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`.

    The file gets the permissions a plain `open` would give it (the user's umask), or keeps those
    of the file it replaces: the temporary file's private 0600 must not leak into the result.
    """
    path = Path(path)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
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


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o22)  # reading the umask means setting it: put it straight back
        os.umask(mask)
        return 0o666 & ~mask


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
