"""How long the fuzzers run: a short budget in the test suite, a long one on request.

GRADVIZ_FUZZ=long pytest tests/fuzz         # the long run (thousands of files and actions)
"""

import os

LONG = os.environ.get("GRADVIZ_FUZZ") == "long"


def examples(short: int, long: int) -> int:
    return long if LONG else short
