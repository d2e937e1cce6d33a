"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]) statically,
and importing core or the state in a fresh interpreter loads no Qt (what a notebook user relies on); no
module imports itself through others, imports are at the top of their module, where a reader looks, and
no module is over 500 lines."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is missing: install the test extra (pip install -e '.[test]')")
    out = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Contracts: 5 kept, 0 broken" in out.stdout


def test_no_module_imports_itself_through_others():
    import grimp

    graph = grimp.build_graph("gradviz", cache_dir=None)
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("gradviz") and graph.find_shortest_chain(importer=imported, imported=module):
                cycles.add(tuple(sorted((module, imported))))
    assert not cycles, sorted(cycles)


# imports that stay inside a function, each for its reason: libraries that are optional or slow to load
# and needed by one feature, and the GUI, which the `gradviz` command imports only once Qt can start
LATE_IMPORTS = {
    "gradviz/core/curvature.py": {"scipy.sparse.linalg"},  # the Lanczos solver, for large models only
    "gradviz/gui/movie.py": {"imageio_ffmpeg", "PIL"},  # the video extra
    "gradviz/gui/views/surface3d.py": {"OpenGL.GL", "pyqtgraph.opengl"},  # OpenGL, absent on some machines
    "gradviz/preflight.py": {"ctypes"},  # loads the platform plugin's libraries to see what is missing
    "gradviz/start.py": {"gradviz.gui.app"},  # Qt, once the display check passed
}


def test_imports_are_at_the_top_of_their_module_but_the_named_late_ones():
    late = {}
    for path in sorted((ROOT / "gradviz").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import):
                        names = {alias.name for alias in inner.names}
                    elif isinstance(inner, ast.ImportFrom):
                        names = {"." * inner.level + (inner.module or "")}
                    else:
                        continue
                    late.setdefault(path.relative_to(ROOT).as_posix(), set()).update(names)
    assert late == LATE_IMPORTS


def test_the_contract_keeps_every_registered_view_independent_of_the_others():
    from gradviz.lessons.reader import tomllib  # the standard library's, or tomli before 3.11
    from gradviz.state.view_registry import VIEWS

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    independent = next(c for c in contracts if c["type"] == "independence")["modules"]
    assert sorted(independent) == sorted(v.module for v in VIEWS)


@pytest.mark.parametrize("package", ["gradviz.core", "gradviz.state", "gradviz.lessons"])
def test_importing_core_or_the_state_loads_no_qt(package):
    code = f"import sys, {package}; print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'pyqtgraph', 'gradviz.gui'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_module_is_over_500_lines():
    """A module past 500 lines has taken a second job: split it by responsibility (docs/architecture.md)."""
    long = {
        str(path.relative_to(ROOT)): n
        for path in (ROOT / "gradviz").rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert not long, long
