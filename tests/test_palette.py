"""Every colour the window draws comes from gui/palette.py, where each name has one meaning: a colour typed
into a view ("#555555", pg.mkPen("k"), QColor(255, 255, 255, 215)) is a meaning nobody can find or change
in one place. Read from the source (no Qt): hex strings anywhere (style sheets and legends' HTML too),
literal colours given to pyqtgraph's and Qt's colour makers and to colour keywords, and RGB(A) tuples of
literal numbers given to them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

GUI = Path(__file__).resolve().parents[1] / "gradviz" / "gui"
HEX = re.compile(r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?\b")
MAKERS = {"mkPen", "mkBrush", "mkColor", "QColor", "QPen", "QBrush", "setBackgroundColor", "setColor"}
COLOUR_KEYWORDS = {"color", "border", "fill", "pen", "brush", "symbolBrush", "symbolPen", "colour"}


def _literal_colour(node: ast.AST) -> bool:
    """A colour written out: "k", "#fff", 255, or a tuple of 3 or 4 numbers."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool)
    if isinstance(node, ast.Tuple) and len(node.elts) in (3, 4):
        return all(isinstance(e, ast.Constant) and isinstance(e.value, (int, float)) for e in node.elts)
    return False


def colour_literals(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and HEX.search(node.value):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in MAKERS and node.args and _literal_colour(node.args[0]):
                found.append((node.lineno, f"{name}({ast.unparse(node.args[0])}, …)"))
            found += [
                (node.lineno, f"{kw.arg}={ast.unparse(kw.value)}")
                for kw in node.keywords
                if kw.arg in COLOUR_KEYWORDS and _literal_colour(kw.value) and not isinstance(kw.value.value, float)
            ]
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple) and _literal_colour(node.value):
            targets = [ast.unparse(t) for t in node.targets]
            if any(re.search(r"rgba?|colou?r", t, re.I) for t in targets):
                found.append((node.lineno, f"{targets[0]} = {ast.unparse(node.value)}"))
    return found


@pytest.mark.parametrize("path", sorted(p for p in GUI.rglob("*.py") if p.name != "palette.py"), ids=lambda p: p.name)
def test_colours_come_from_the_palette(path):
    assert colour_literals(path.read_text()) == [], f"{path.relative_to(GUI)}: name these colours in gui/palette.py"


def test_the_check_finds_colours_written_out():
    source = """
pen = pg.mkPen("k", width=1)
brush = pg.mkBrush(255, 255, 255, 170)
label.setStyleSheet("color: #7a1111;")
item = pg.TextItem(color="w", border="#999")
rgba[faded] = (215, 215, 215, 255)
fine = pg.mkPen(palette.INK, width=1.2)
"""
    assert sorted({line for line, _ in colour_literals(source)}) == [2, 3, 4, 5, 6]
