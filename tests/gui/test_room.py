"""Room for the plots: rows shared by plotting height, views that step aside in a lesson on a small
screen, labels in a plot that never land on each other, axes whose words keep apart, a caption band
that shrinks back."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabBar

from gradviz.gui import create_window
from gradviz.gui.axis_labels import TitledAxis, wider_spacing
from gradviz.gui.layout import PLOT_SHARE
from gradviz.gui.row_balancer import least_plot, plot_height
from gradviz.gui.views.plot_items import PointLabels
from gradviz.lessons import LessonShow
from gradviz.presets import load_preset

from .audit import audit, open_scenario, settle
from .test_projector_audit import _built


def _shown(qtbot, *argv):
    window = create_window(list(argv))
    qtbot.addWidget(window)
    window.show()
    settle(window)
    return window


def test_a_column_shares_its_height_by_plotting_area_once_the_views_words_are_in(qtbot):
    """The softmax scenario presented at 1280 × 720: the Jacobian's three lines of numbers arrive after
    the docks are arranged, and the rows are balanced again, so the surface and the Jacobian's plots get
    0.54 and 0.46 of what their words leave (the Jacobian's bars kept 28 px before)."""
    window = _shown(qtbot, "--present", "--preset", "softmax-blobs", "--size", "1280x720")
    top, bottom = (plot_height(window.docks[name]) for name in ("lossSurfaceDock", "jacobianDock"))
    assert abs(top / (top + bottom) - 0.54) < 0.03, (top, bottom)
    assert min(top, bottom) >= PLOT_SHARE[1] * window.height()


def test_a_view_raised_over_its_tab_group_gets_its_room_though_its_own_layout_asks_for_nothing(qtbot):
    """Presenting at 1280 × 720, the Jacobian laid out once (logistic regression), the derivation raised
    over it, then another scenario opened: raising the Jacobian again asks for no layout of its own, and
    its bars kept 88 px of the 90 a plot needs there. A view brought to the front balances its column."""
    window = _shown(qtbot, "--present", "--preset", "logistic-blobs", "--size", "1280x720")
    for name in ("jacobianDock", "derivationDock"):
        window.docks[name].raise_()
        settle(window)
    open_scenario(window, load_preset("mlp-spiral"))
    window.docks["jacobianDock"].raise_()
    settle(window)
    assert audit(window, ("room",)) == []


def test_on_a_small_projector_the_view_a_scene_points_at_takes_the_column(qtbot):
    """step-size scene 8 points at the curvature: at 1024 × 768 the loss curve under it steps aside for
    the scene (and comes back at the next); at 1280 × 720 both fit and both stay."""
    lesson, states = _built("step-size")
    small = _shown(qtbot, "--lesson", "step-size", "--size", "1024x768")
    small.model.show_lesson(LessonShow(lesson, states), lesson.name)
    small.session.apply_session(states[7].data)
    small.lessons.arrive_at_scene(7)
    settle(small)
    assert small.row_balancer.stepped_aside["lossCurveDock"] == "curvatureDock"
    assert small.docks["lossCurveDock"].isHidden() and not small.docks["curvatureDock"].visibleRegion().isEmpty()
    small.session.apply_session(states[6].data)
    small.lessons.arrive_at_scene(6)
    settle(small)
    assert "lossCurveDock" not in small.row_balancer.stepped_aside and small.docks["lossCurveDock"].isVisible()

    large = _shown(qtbot, "--lesson", "step-size", "--scene", "8", "--size", "1280x720")
    assert large.row_balancer.stepped_aside == {}
    assert large.docks["lossCurveDock"].isVisible() and large.docks["curvatureDock"].isVisible()


def test_labels_in_a_plot_are_drawn_by_whole_groups_where_they_fit(qtbot):
    """Two layers' numbers at the same height: the first group is drawn, the second in its shorter words
    where those fit, else not at all; what is drawn is what the audit measures."""
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    plot = widget.getPlotItem()
    plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
    labels = PointLabels(pg.QtGui.QFont())
    plot.addItem(labels)
    labels.set_places(np.array([[0.3, 0.5], [0.45, 0.5]]), np.array([[0.0, 0.5], [0.0, 0.5]]))
    labels.set_texts(["a₁ = −1 + 2.3e−4", "x₁ = 2"], groups=[0, 1])
    qtbot.wait(10)
    assert [t for t, _ in labels.text_rects()] == ["a₁ = −1 + 2.3e−4"]
    labels.set_texts(["a₁ = −1 + 2.3e−4", "x₁ = 2"], groups=[0, 1], fallback=["−1", "2"])
    drawn = [t for t, _ in labels.text_rects()]
    assert drawn in (["a₁ = −1 + 2.3e−4"], ["a₁ = −1 + 2.3e−4", "2"])
    boxes = [r for _, r in labels.text_rects()]
    assert all(not a.intersects(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])
    labels.set_places(np.array([[0.1, 0.5], [0.9, 0.5]]), np.array([[0.0, 0.5], [0.0, 0.5]]))
    assert [t for t, _ in labels.text_rects()] == ["a₁ = −1 + 2.3e−4", "2"]  # "x₁ = 2" reaches past the plot
    labels.set_texts(["a₁ = −1 + 2.3e−4", "x₁ = 2"], groups=[0, 1])
    assert [t for t, _ in labels.text_rects()] == ["a₁ = −1 + 2.3e−4"]


def test_tick_labels_of_a_short_axis_keep_a_line_apart(qtbot):
    """A residual axis from −2 to 2, 84 px tall, at a projector's font: pyqtgraph put a label every
    21 px (its labels are 22 px tall); the spacing widens on the 1, 2, 5 ladder until they fit."""
    assert [wider_spacing(s) for s in (1.0, 2.0, 5.0, 0.2, 50.0)] == [2.0, 5.0, 10.0, 0.5, 100.0]
    axis = TitledAxis("left")
    font = pg.QtGui.QFont()
    font.setPixelSize(19)
    axis.setStyle(tickFont=font)
    spacing = axis.tickSpacing(-2.0, 2.0, 84.0)[0][0]
    assert spacing >= 2.0 and spacing / 4.0 * 84.0 >= pg.QtGui.QFontMetricsF(font).height()
    assert axis.tickSpacing(-2.0, 2.0, 800.0)[0][0] <= 1.0  # a long axis keeps pyqtgraph's ticks


def test_the_caption_band_shrinks_back_after_a_two_line_title(qtbot):
    """QLabel's height for a width is never under its minimum, so a band once two lines tall stayed so
    and the window grew past a 768 px screen."""
    window = _shown(qtbot, "--lesson", "logistic-gradient", "--size", "1024x768")
    title = window.caption_band.title
    one_line = title.height()
    title.setText("A new point, on the wrong side   ·   " * 3)
    assert title.height() > one_line
    title.setText("Short")
    assert title.height() == one_line
    assert QPointF(0, window.caption_band.geometry().bottom()).y() < window.height()


def test_a_scenario_on_a_small_projector_keeps_its_view_and_the_user_may_open_the_other(qtbot):
    """On a function the curvature shares the loss curve's column: at 1024 × 768 the column cannot hold
    both readably, so the loss curve steps aside; opened again from the View menu it stays."""
    window = _shown(qtbot, "--present", "--preset", "playground-beale", "--size", "1024x768")
    assert window.row_balancer.stepped_aside == {"lossCurveDock": "curvatureDock"}
    curve = window.docks["lossCurveDock"]
    assert curve.isHidden()
    curve.toggleViewAction().trigger()  # View › Loss curve
    settle(window)
    window.row_balancer.balance()
    assert curve.isVisible() and not window.docks["curvatureDock"].isHidden()
    window.default_layout()  # Ctrl+0: the designed arrangement again
    settle(window)
    assert curve.isHidden()


def test_a_plot_short_of_room_takes_it_from_its_neighbour_rather_than_hide_it(qtbot):
    """The softmax scenario puts the Jacobian in front, under the surface: at 1024 × 768 the surface gives
    the Jacobian's bars (under three lines of numbers) the height they lack, and both stay; at a roomy
    desk the Jacobian under the surface and the gradients gets its least height from the surface too."""
    for argv in (("--present", "--size", "1024x768"), ("--size", "1600x900")):
        window = _shown(qtbot, "--preset", "softmax-blobs", *argv)
        assert window.row_balancer.stepped_aside == {}
        low = least_plot(window)[1]
        for name in ("jacobianPlot", "jacobianBars", "lossSurfacePlot"):
            box = window.findChild(pg.PlotWidget, name).getPlotItem().getViewBox().sceneBoundingRect()
            assert box.height() >= low, (argv, name, box.height())


def test_where_a_column_cannot_hold_both_the_view_whose_tab_was_clicked_keeps_it(qtbot):
    """Presenting a race (its table in front) at 1024 × 768: a lecturer who clicks the Jacobian's tab
    wants to show the Jacobian, so where the column holds only one view, the surface steps aside for it,
    not the Jacobian for the surface."""
    window = _shown(qtbot, "--present", "--preset", "race-optimizers", "--size", "1024x768")
    surface, jacobian = window.docks["lossSurfaceDock"], window.docks["jacobianDock"]
    bar = next(
        b
        for b in window.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if b.isVisible() and any(b.tabText(i) == jacobian.windowTitle() for i in range(b.count()))
    )
    index = next(i for i in range(bar.count()) if bar.tabText(i) == jacobian.windowTitle())
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    settle(window)
    assert jacobian.isVisible()
    window.row_balancer.make_room([surface, jacobian])  # as where the two cannot both have room
    assert window.row_balancer.stepped_aside == {"lossSurfaceDock": "jacobianDock"}
    assert surface.isHidden() and jacobian.isVisible()
