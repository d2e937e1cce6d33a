"""Start the app. The window arrives with the next capability (issue 3)."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print("gradviz: the compute core is installed; the window arrives with the next capability.", file=sys.stderr)
    return 0
