"""Writing user files so that a crash or a full disk never leaves half a file behind."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    """`text` (UTF-8, newlines as given) written with `write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: str | os.PathLike, data: bytes) -> None:
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
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def put_in_place(temporary: str | os.PathLike, path: str | os.PathLike) -> None:
    """Rename a finished temporary file (from `tempfile.mkstemp`, private 0600) over `path`, with the
    permissions a plain `open` would have given `path`."""
    os.chmod(temporary, _mode_for(Path(path)))
    os.replace(temporary, path)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0o22)  # reading the umask means setting it: put it straight back
        os.umask(mask)
        return 0o666 & ~mask


def read_text_limited(path: str | os.PathLike, max_bytes: int) -> str:
    """The file's text (UTF-8, BOM allowed), or UnreadableFile saying why in the user's words.

    Only a regular file is read, and only if it is no larger than `max_bytes`: a device
    (/dev/zero) would never end and a named pipe would wait for a writer for good.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise UnreadableFile("cannot be opened: it is a folder")
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("cannot be opened: it is not a regular file (a device, a pipe or a socket)")
        if info.st_size > max_bytes:
            raise _too_large(info.st_size, max_bytes)
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read: {os_reason(exc)}") from None
    if len(data) > max_bytes:  # it grew while we looked
        raise _too_large(len(data), max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EACCES: "permission denied (is the folder read-only?)",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.EISDIR: "it is a folder",
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in words (not "[Errno 28]")."""
    return _REASONS.get(exc.errno) or (exc.strerror or str(exc)).lower()


class UnreadableFile(ValueError):
    """A file that cannot be read as text: `reason` says why, for a message that names the file."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def _too_large(size: int, max_bytes: int) -> UnreadableFile:
    return UnreadableFile(f"too large ({size / 1e6:.1f} MB; at most {max_bytes // 2**20} MB)")
