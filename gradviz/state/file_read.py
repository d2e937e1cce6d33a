"""A large session file read in another process while the window goes on (`file_worker`).

A file under BIG_FILE_BYTES is read where it is asked for: a process costs a few hundred milliseconds
to start, and such a file parses in less than a frame. No Qt: the window polls `wait` from its slices.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading

from gradviz import core

from .spectrum_worker import read_message

__all__ = ["BIG_FILE_BYTES", "FileRead", "is_big"]

BIG_FILE_BYTES = 1_000_000  # about 15,000 points: parsed in ~30 ms here


def is_big(path: str | os.PathLike) -> bool:
    """Whether the file is large enough to be read in another process (False if it cannot be looked at)."""
    try:
        return os.path.getsize(path) > BIG_FILE_BYTES
    except OSError:  # the reader says what is wrong with it
        return False


class FileRead:
    """One file being read by a worker process; `result()` once `wait` says it is done."""

    def __init__(self, path: str | os.PathLike):
        self.path = os.fspath(path)
        self._done = threading.Event()
        self._answer: tuple | None = None
        try:
            self._process: subprocess.Popen | None = subprocess.Popen(
                [sys.executable, "-m", "gradviz.state.file_worker", self.path],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
            )
        except OSError:  # no process to be had: read here when asked
            self._process = None
            self._done.set()
            return
        threading.Thread(target=self._listen, name="gradviz-file-read", daemon=True).start()

    def _listen(self) -> None:
        try:
            self._answer = read_message(self._process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            self._answer = None  # a worker that died mid-answer: read here instead
        finally:
            self._process.stdout.close()
            self._process.wait()
            self._done.set()

    def wait(self, seconds: float) -> bool:
        """Wait at most `seconds` for the answer; whether it is there."""
        return self._done.wait(seconds)

    def result(self) -> core.SessionData:
        """The session the file holds; ValueError (the reader's words) if it cannot be read. Call once done."""
        if self._answer is None:  # the worker could not start or died: the same reading, here
            return core.load_session(self.path)
        kind, value = self._answer
        if kind == "error":
            raise ValueError(value)
        return value

    def cancel(self) -> None:
        """Stop reading (the window cancelled it)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
