"""The layers hold: import-linter checks the contracts in pyproject.toml ([tool.importlinter]) statically,
and importing core or the state in a fresh interpreter loads no Qt (what a notebook user relies on)."""

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
    assert "Contracts: 4 kept, 0 broken" in out.stdout


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
