"""A worker process for Hessian spectra: `python -m gradviz.state.spectrum_worker`.

Reads requests from stdin and writes answers to stdout, each a length-prefixed pickle: a request
is the inputs of `spectrum_of` (model, loss, params, X, Y), an answer (spectrum or None, seconds).
The GUI runs its spectra here rather than on a thread of its own process: a thread computing
eigenvalues competes with the GUI thread for the interpreter lock at every NumPy call. No Qt.
"""

from __future__ import annotations

import pickle
import sys

from .sharpness import answer

__all__ = ["main", "read_message", "write_message"]


def read_message(stream):
    """The next length-prefixed pickle from a binary stream (None at its end)."""
    header = stream.read(8)
    if len(header) < 8:
        return None
    size = int.from_bytes(header, "little")
    data = stream.read(size)
    if len(data) < size:
        return None
    return pickle.loads(data)


def write_message(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(len(data).to_bytes(8, "little"))
    stream.write(data)
    stream.flush()


def main() -> None:
    try:
        while True:
            inputs = read_message(sys.stdin.buffer)
            if inputs is None:
                return
            write_message(sys.stdout.buffer, answer(inputs))
    except (BrokenPipeError, ConnectionResetError):  # the window closed while an answer was on its way: done
        return


if __name__ == "__main__":
    main()
