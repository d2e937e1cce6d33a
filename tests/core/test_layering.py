"""gradviz.core is pure NumPy: importing it must not pull in Qt, pyqtgraph or gradviz.gui."""

import ast
import subprocess
import sys
from pathlib import Path

import gradviz.core

FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "pyqtgraph", "gradviz.gui", "shiboken6")


def test_importing_core_loads_no_qt():
    code = (
        "import sys, gradviz.core\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_core_module_imports_qt():
    root = Path(gradviz.core.__file__).parent
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
