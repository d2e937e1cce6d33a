"""Run under a real display with OpenGL (Xvfb and Mesa's software renderer): open the window with
the 3-D surface in front, and print what it shows as JSON (tests/gui/test_surface3d.py reads it)."""

from __future__ import annotations

import json
import sys

import numpy as np


def _pixels(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB888)
    width, height = image.width(), image.height()
    data = np.frombuffer(bytes(image.constBits()), dtype=np.uint8)
    return data.reshape(height, image.bytesPerLine())[:, : 3 * width].reshape(height, width, 3)


def _viridis_ends(pixels: np.ndarray) -> tuple[float, float]:
    """The shares of the picture in viridis' lower third (purple, blue) and upper third (green, yellow):
    each pixel matched to the nearest of its 256 colours, white and grey left out."""
    import pyqtgraph as pg

    table = pg.colormap.get("viridis").getLookupTable(nPts=256)[:, :3].astype(float)
    rgb = pixels.reshape(-1, 3).astype(float)
    coloured = rgb[np.ptp(rgb, axis=1) > 40]  # the surface's colours; the white page and grey lines are not
    if len(coloured) == 0:
        return 0.0, 0.0
    sample = coloured[:: max(1, len(coloured) // 5000)]  # a few thousand pixels tell the shares
    nearest = np.argmin(((sample[:, None, :] - table[None, :, :]) ** 2).sum(axis=2), axis=1)
    return float(np.mean(nearest < 85)) * len(coloured) / len(rgb), float(np.mean(nearest > 170)) * len(coloured) / len(
        rgb
    )


def main(argv: list[str]) -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from gradviz.gui import create_window

    window = create_window(argv)
    window.resize(1280, 720)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.show_view("surface3d")
    QTest.qWait(200)
    view = window.surface3d_view
    out = {"platform": QApplication.platformName(), "problem": view.problem}
    if view.problem:
        print(json.dumps(out))
        return 0
    for _ in range(50):
        QTest.qWait(50)
        if view.idle and view.surface is not None:
            break
    window.flush()
    QTest.qWait(100)
    scene = view.scene
    first = _pixels(scene.grabFramebuffer())
    out["size"] = list(first.shape[:2])
    out["non_white"] = float(np.mean(np.any(first < 235, axis=2)))
    # viridis' ends: a deep purple (low loss) and a yellow (high) both on screen
    out["low"], out["high"] = _viridis_ends(first)
    out["surface_shape"] = list(view.surface.shape)
    s = window.session
    out["step_before"] = s.current_step
    point_before = view.point.pos.copy()
    window.activateWindow()
    QTest.qWaitForWindowActive(window)
    window.setFocus()
    QTest.keyClick(window, Qt.Key.Key_Right)  # the arrow keys step the run, not the camera
    QTest.qWait(100)
    window.flush()
    out["step_after"] = s.current_step
    out["point_moved"] = bool(not np.allclose(view.point.pos, point_before))
    out["focus_in_scene"] = QApplication.focusWidget() is scene
    scene.orbit(60, 10)  # what a drag does
    QTest.qWait(100)
    turned = _pixels(scene.grabFramebuffer())
    out["turned_changes"] = float(np.mean(np.any(turned != first, axis=2)))
    before = scene.opts["distance"]
    QTest.mouseMove(scene, scene.rect().center())
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    centre = QPointF(scene.rect().center())
    wheel = QWheelEvent(
        centre,
        QPointF(scene.mapToGlobal(QPoint(int(centre.x()), int(centre.y())))),
        QPoint(0, 0),
        QPoint(0, 120),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(scene, wheel)
    out["zoomed"] = scene.opts["distance"] < before
    dock = window.docks["surface3dDock"]  # floated and docked again: a new GL context for the same scene
    dock.setFloating(True)
    QTest.qWait(200)
    dock.setFloating(False)
    window.show_view("surface3d")
    QTest.qWait(200)
    out["redocked_non_white"] = float(np.mean(np.any(_pixels(scene.grabFramebuffer()) < 235, axis=2)))
    other = window.toggle_presentation()  # F5: a new window, a second GL context, the same shaders
    QTest.qWaitForWindowExposed(other)
    other.show_view("surface3d")
    view2 = other.surface3d_view
    for _ in range(50):
        QTest.qWait(50)
        if view2.idle and view2.surface is not None:
            break
    QTest.qWait(200)
    out["presenting_non_white"] = float(np.mean(np.any(_pixels(view2.scene.grabFramebuffer()) < 235, axis=2)))
    window = other
    view = view2
    scene = view2.scene
    s = other.session
    s.set_view(surface3d_log=True)
    window.flush()
    QTest.qWait(100)
    out["log_label"] = view.axes_label.text()
    if sys.argv[-1].endswith(".png"):
        window.grab().save(sys.argv[-1])
    print(json.dumps(out))
    window.close()
    return 0


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.endswith(".png")]
    sys.exit(main(args))
