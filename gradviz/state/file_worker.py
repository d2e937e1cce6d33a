"""A process that reads one session file: `python -m gradviz.state.file_worker PATH`.

Writes one length-prefixed pickle to stdout: ("data", the SessionData) or ("error", what is wrong).
Parsing a file of 100,000 points takes a quarter of a second inside the JSON reader, which holds the
interpreter lock throughout: on a thread of the window's process it would stop the window as surely
as on the GUI thread (`file_read.FileRead` runs this). No Qt.
"""

from __future__ import annotations

import sys

from gradviz import core

from .spectrum_worker import write_message

__all__ = ["main"]


def main() -> None:
    try:
        result = ("data", core.load_session(sys.argv[1]))
    except ValueError as exc:  # what the file holds, or that it cannot be read, in the reader's words
        result = ("error", str(exc))
    try:
        write_message(sys.stdout.buffer, result)
    except BrokenPipeError:  # the window cancelled the reading: nobody is listening
        return


if __name__ == "__main__":
    main()
