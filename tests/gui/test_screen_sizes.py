"""The window is usable at every screen size a lecture meets, from a 1024 × 768 projector to 4K."""

import os
import subprocess
import sys

import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QApplication, QDockWidget, QTabBar, QWidget

from gradviz.gui import create_window, layout, placement
from gradviz.presets import list_presets, load_preset

from .audit import audit, open_scenario, settle

SIZES = [
    ("desk", 1024, 768),
    ("desk", 1280, 720),
    ("desk", 1366, 768),
    ("desk", 1600, 900),
    ("present", 1024, 768),
    ("present", 1280, 720),
    ("present", 1280, 800),
    ("present", 1366, 768),
    ("present", 1920, 1080),
    ("present", 2560, 1080),  # an ultra-wide screen: three columns
]


def lay_out(qtbot, mode, width, height, preset="mlp-moons"):
    present = ["--present"] if mode == "present" else []
    window = create_window(["--preset", preset, "--steps", "5", "--size", f"{width}x{height}", *present])
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    layout.default_sizes(window)
    settle(window)
    return window


def problems(window):
    """Everything that makes a layout unusable, in words (empty when it is fine): these checks, and the
    projector audit's rules that hold everywhere today (tests/gui/test_projector_audit.py)."""
    found = audit(window, ("stray", "room", "small", "tabs") if window.theme.present else ("stray", "room"))
    if window.width() > window.size().width() or window.minimumSizeHint().width() > window.width():
        found.append(f"the window needs {window.minimumSizeHint().width()} px of width")
    if window.minimumSizeHint().height() > window.height():
        found.append(f"the window needs {window.minimumSizeHint().height()} px of height")
    for plot in window.findChildren(pg.PlotWidget):
        if not seen(plot):
            continue
        item = plot.getPlotItem().geometry()
        if item.width() > plot.width() + 1 or item.height() > plot.height() + 1:
            found.append(f"{plot.objectName()} draws past its edge ({item.width():.0f} px in {plot.width()})")
        for side in ("left", "bottom"):
            axis = plot.getPlotItem().getAxis(side)
            if axis.isVisible() and axis.label.isVisible() and axis.label.toPlainText():
                title = axis.label.mapRectToParent(axis.label.boundingRect())
                inside = axis.boundingRect().adjusted(-2, -2, 2, 2)
                along = (title.top(), title.bottom(), inside.top(), inside.bottom())
                if side == "bottom":
                    along = (title.left(), title.right(), inside.left(), inside.right())
                if along[0] < along[2] or along[1] > along[3]:
                    found.append(f"the {side} axis title of {plot.objectName()} is cut")
    bar = window.playback_bar
    row = bar.row
    for w in (*bar.buttons, bar.run_spin, bar.timeline, bar.step_label):
        geo = w.geometry()
        if not w.isVisible() or geo.right() > row.width() or geo.left() < 0:
            found.append(f"{w.objectName()} falls out of the toolbar")
    label = bar.step_label
    if label.fontMetrics().horizontalAdvance(label.text()) > label.width():
        found.append("the step counter is cut")
    for bar in window.findChildren(QTabBar):  # a tab bar left over from an earlier arrangement
        geo = bar.geometry()
        if bar.isVisible() and bar.count() and geo.intersects(window.rect()):
            under = [d for d in window.docks.values() if d.isVisible() and abs(d.geometry().bottom() - geo.top()) <= 3]
            if not any(abs(d.x() - geo.x()) <= 3 for d in under):
                found.append(f"a stray tab bar ({bar.tabText(0)}, …) at {geo.x()}, {geo.y()}")
    for name, bar in (
        ("surface", window.surface_view.surface_image.colorbar),
        ("Jacobian", window.jacobian_view.colorbar),
    ):
        axis = bar.axis
        if axis.isVisible() and axis.width() < axis.textWidth + 0.8 * axis.label.boundingRect().height():
            found.append(f"the {name} colour bar's title sits on its ticks")
    controls = window.controls
    if controls.isVisible() and controls.widget().minimumSizeHint().width() > controls.viewport().width():
        found.append("the controls are cut at the right")
    for note in (window.surface_view.note,):
        if note.isVisible() and note.height() + 2 < note.heightForWidth(note.width()):
            found.append(f"{note.objectName()} is clipped")
    return found


@pytest.mark.parametrize("mode,width,height", SIZES)
def test_every_view_keeps_a_usable_size(qtbot, mode, width, height):
    window = lay_out(qtbot, mode, width, height)
    assert problems(window) == []
    if mode == "present":  # the last row reads it: a line of text is a fortieth of the screen or more
        line = window.fontMetrics().height()
        assert line >= height / 42, (line, height)
        assert window.playback_bar.step_label.fontMetrics().height() >= 1.15 * line  # the step stands out


@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_every_lesson_fits_a_720p_projector_whichever_tab_is_in_front(shared_window, preset):
    """Each scenario presented in one 720p window, arranged as a window opened on it would be: the whole
    projector audit as it opens (test_projector_audit leaves this size to this walk), then these checks with
    each tab group's other views in front."""
    window = shared_window("--present", "--size", "1280x720")
    open_scenario(window, load_preset(preset))
    assert audit(window) == []
    for front in ("gradientDock", "residualsDock", "jacobianDock", "derivationDock"):
        window.docks[front].raise_()
        settle(window)
        assert problems(window) == [], front


def test_the_window_never_opens_larger_than_the_screen(qtbot):
    window = create_window([])
    qtbot.addWidget(window)
    window.resize(1600, 900)
    placement.fit_to_screen(window, QRect(0, 0, 1024, 700))
    assert window.width() <= 1024 and window.height() <= 700


def test_a_layout_saved_on_a_larger_screen_is_not_restored(qtbot):
    window = create_window([])
    qtbot.addWidget(window)
    window.resize(1900, 1000)
    layout.save(window)
    assert not layout.restore(window, QRect(0, 0, 1280, 720))
    assert layout.restore(window, QRect(0, 0, 2560, 1440))


def test_4k_at_device_pixel_ratio_2(tmp_path):
    """3840 × 2160 at 2× is 1920 × 1080 logical pixels drawn twice as sharp."""
    code = (
        f"import sys; sys.path.insert(0, {os.getcwd()!r})\n"
        "from gradviz.gui.app import ensure_app\n"
        "from tests.gui.test_screen_sizes import problems\n"
        "from gradviz.gui import create_window, layout\n"
        "from PySide6.QtWidgets import QApplication\n"
        "ensure_app()\n"
        "w = create_window(['--present', '--preset', 'softmax-blobs', '--size', '1920x1080'])\n"
        "w.show(); layout.default_sizes(w); w.flush()\n"
        "[QApplication.processEvents() for _ in range(3)]\n"
        "print(w.devicePixelRatio(), problems(w))\n"
    )
    env = {**os.environ, "QT_SCALE_FACTOR": "2", "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "2.0 []"


def seen(widget: QWidget) -> bool:
    """Visible and on the window: Qt keeps a dock tabbed behind another "visible" but off-window."""
    dock = widget.parentWidget()
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return widget.isVisible() and (dock is None or not dock.visibleRegion().isEmpty())


def test_resizing_across_sizes_and_ctrl_0_rearranges_cleanly(qtbot):
    """A laptop window made smaller (or a projector's full screen left) and the layout reset."""
    window = lay_out(qtbot, "desk", 1600, 1000, "softmax-blobs")
    for width, height in ((1280, 720), (1600, 1000), (1024, 768)):
        window.resize(width, height)
        window.actions_by_name["defaultLayoutAction"].trigger()  # Ctrl+0
        for _ in range(3):
            QApplication.processEvents()
        assert layout.shape(window) == window.model.shape, window.size()
        assert problems(window) == [], (width, height)
