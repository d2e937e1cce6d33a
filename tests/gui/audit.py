"""The projector audit: what a hall would see of the window, checked by geometry, not by pictures.

`audit(window)` lists, in words, every rule of docs/lecturing.md ("What fits on a projector") that
the window breaks as it is laid out now:

- every text (labels, legends, readouts, button and combo texts, tab titles, a plot's tick labels,
  axis titles and the texts drawn in it) lies whole inside the widget that shows it, and no two texts
  of one plot or one row overlap;
- every plot that is on screen has room: presenting, its plotting area is at least a tenth of the
  screen's width and an eighth of its height; at the desk at least 140 × 90 pixels (`least_plot`);
- presenting, every text is at least TEXT_LINE of the screen's height (a line the last row reads),
  and check boxes, spin arrows and slider handles grow with the fonts;
- in a lesson, what the scene's caption points at (`points_at`: views, the start marker, a line of the
  derivation) is in sight.
"""

from __future__ import annotations

import itertools

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QLabel,
    QScrollArea,
    QSlider,
    QStyle,
    QStyleOptionComboBox,
    QStyleOptionSlider,
    QStyleOptionSpinBox,
    QTabBar,
    QToolButton,
    QWidget,
)

from gradviz.gui.readout import Readout
from gradviz.gui.row_balancer import least_plot
from gradviz.gui.views.plot_items import PointLabels
from gradviz.lessons.reader import START_MARKER
from gradviz.state.view_registry import view_by_word

TEXT_LINE = 1 / 56  # presenting: the smallest text's line, as a share of the screen's height
HANDLE_SHARE = 0.6  # presenting: a check box, spin arrow or slider handle at least this share of a line
SLACK = 1.0  # pixels of rounding forgiven


def settle(window) -> None:
    """Laid out, drawn and painted as on screen, before anything is measured: the turn's changes drawn,
    the surface back from its worker, the curvature's spectra computed, then painted until painting moves
    no plot (pyqtgraph fits an axis to its tick labels when it paints them, which re-lays out the plot).

    Until the last paint the window does not paint: each arrival (a surface, a spectrum, a layout) would
    repaint every plot in sight, five or six times a scene. The axes are fitted as a paint would fit them
    (`_fit_axes_as_painting_would`), then one real paint checks it: what it still moves is painted again."""
    window.setUpdatesEnabled(False)
    try:
        window.flush()
        window.surface_view.finish_rendering()
        if window.curvature_view is not None and window.curvature_view.seen:  # the spectra its scene shows
            window.curvature_feed.wait()
        QApplication.processEvents()
        _fit_axes_as_painting_would(window)
    finally:
        window.setUpdatesEnabled(True)
    shape = _plot_boxes(window)
    for _ in range(4):  # until painting moves no plot (usually once) and the rows need no balancing
        window.grab()
        QApplication.processEvents()  # the layout a paint asked for (an axis fitted to its new labels)
        was, shape = shape, _plot_boxes(window)
        if shape == was and not window.row_balancer.due:
            return


def _fit_axes_as_painting_would(window, rounds: int = 4) -> None:
    """What a paint does to the layout, without painting: each plot's scene prepared for painting (its ranges
    follow their data), each axis's tick labels laid out (an axis grows or shrinks to them), the layouts
    that asks for done; again until no axis changes its size."""
    views = [view for view in window.findChildren(pg.GraphicsView) if view.isVisible()]
    image = QImage(1, 1, QImage.Format.Format_ARGB32)
    for _ in range(rounds):
        for view in views:
            view.scene().prepareForPaint()
        changed = False
        painter = QPainter(image)
        try:
            for view in views:
                for item in view.scene().items():
                    if isinstance(item, pg.AxisItem) and item.picture is None and item.isVisible():
                        size = item.maximumWidth(), item.maximumHeight()
                        item.paint(painter, None, None)
                        changed |= size != (item.maximumWidth(), item.maximumHeight())
        finally:
            painter.end()
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()
        if not changed:
            return


def open_scenario(window, data) -> None:
    """A prepared scenario's session in a running window, arranged as a window opened on it would be (no
    lesson, the views in their designed places, the one it names in front), then settled."""
    window.model.close_lesson()
    window.session.apply_session(data)
    window.default_layout()
    window.bring_to_front(data.extra.get("front"))
    settle(window)


def _plot_boxes(window) -> list:
    """Where every plotting area is: painting fits the axes to their labels, which moves them."""
    return [plot.getPlotItem().getViewBox().sceneBoundingRect() for plot in window.findChildren(pg.PlotWidget)]


def seen(widget: QWidget) -> bool:
    """Visible and on the window: Qt keeps a dock tabbed behind another "visible" but off-window."""
    if not widget.isVisible():
        return False
    dock = widget.parentWidget()
    while dock is not None and not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    return dock is None or not dock.visibleRegion().isEmpty()


def _name(widget: QWidget) -> str:
    w = widget
    while w is not None and not w.objectName():
        w = w.parentWidget()
    return f"{type(widget).__name__} in {w.objectName() if w is not None else '?'}"


def _clipped(widget: QWidget) -> bool:
    """Part of the widget is cut off by a parent (or it reaches past the window). In a scroll area only
    across: what lies below the fold is scrolled to, not cut."""
    region = widget.visibleRegion().boundingRect()
    scrolled = any(isinstance(p, QScrollArea) for p in _parents(widget))
    if scrolled and region.isEmpty():  # below the fold
        return False
    return region.width() + SLACK < widget.width() or (not scrolled and region.height() + SLACK < widget.height())


def _parents(widget: QWidget):
    p = widget.parentWidget()
    while p is not None:
        yield p
        p = p.parentWidget()


def _label_needs(label: QLabel) -> tuple[float, float]:
    """The width and height the label's text takes laid out at the label's width."""
    rect = label.contentsRect()
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(label.font())
    if label.textFormat() == Qt.TextFormat.PlainText or "<" not in label.text():
        doc.setPlainText(label.text())
    else:
        doc.setHtml(label.text())
    if label.wordWrap():
        doc.setTextWidth(rect.width())
        return doc.idealWidth(), doc.size().height()
    return doc.idealWidth(), doc.size().height()


def _widget_texts(window) -> list[str]:
    found = []
    for label in window.findChildren(QLabel):
        if not seen(label) or not label.text() or label.pixmap() is not None and not label.pixmap().isNull():
            continue
        width, height = _label_needs(label)
        rect = label.contentsRect()
        if width > rect.width() + 2 or height > rect.height() + 2:
            found.append(
                "cut: "
                f"{_name(label)}: {label.text()[:40]!r} needs {width:.0f} × {height:.0f} in {rect.width()} × {rect.height()}"
            )
        elif _clipped(label):
            found.append(f"cut: {_name(label)}: {label.text()[:40]!r} is cut by what holds it")
    for readout in window.findChildren(Readout):
        if not seen(readout) or not readout.text():
            continue
        fits, sizes = readout.fits()
        if not fits:
            found.append(f"cut: {_name(readout)}: {readout.text()[:40]!r} {sizes}")
        elif _clipped(readout):
            found.append(f"cut: {_name(readout)}: {readout.text()[:40]!r} is cut by what holds it")
    for combo in window.findChildren(QComboBox):
        if not seen(combo) or not combo.currentText():
            continue
        option = QStyleOptionComboBox()
        combo.initStyleOption(option)
        field = combo.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
        )
        needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
        if needed > field.width() + 2 or _clipped(combo):
            found.append(f"cut: {_name(combo)}: {combo.currentText()!r} needs {needed} px in {field.width()}")
    for button in window.findChildren(QAbstractButton):
        if not seen(button) or not button.text():
            continue
        if isinstance(button, QToolButton) and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly:
            continue  # a toolbar short of room shows the icons alone (the text is the tooltip)
        needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
        if needed > button.width() or _clipped(button):
            found.append(f"cut: {_name(button)}: {button.text()!r} needs {needed} px in {button.width()}")
    for bar in window.findChildren(QTabBar):
        if not seen(bar):
            continue
        geo = bar.geometry()
        if not geo.intersects(window.rect()):  # parked off the window by Qt: not on screen
            continue
        if bar.parentWidget() is window and bar.count():  # a dock tab bar sits right under its group's front dock
            under = [d for d in window.docks.values() if d.isVisible() and abs(d.geometry().bottom() - geo.top()) <= 3]
            if not any(abs(d.x() - geo.x()) <= 3 for d in under):
                found.append(f"stray: a tab bar ({bar.tabText(0)}, …) at {geo.x()}, {geo.y()}")
                continue
        for i in range(bar.count()):
            rect = bar.tabRect(i)
            if rect.left() < -SLACK or rect.right() > bar.width() + SLACK:
                found.append(f"tabs: the tab {bar.tabText(i)!r} does not fit its tab bar ({bar.width()} px)")
            elif bar.fontMetrics().horizontalAdvance(bar.tabText(i)) > rect.width():
                found.append(f"tabs: the tab {bar.tabText(i)!r} is cut")
    return found


def _tick_inks(plot: pg.PlotWidget) -> list[tuple[str, object, str, QRectF]]:
    """Each shown axis's tick labels as pyqtgraph lays them out: (side, axis, text, where its glyphs land
    in the axis's coordinates)."""
    out = []
    image = QImage(4, 4, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        for side in ("left", "bottom", "right", "top"):
            axis = plot.getPlotItem().getAxis(side)
            if not axis.isVisible() or not axis.style.get("showValues", True):
                continue
            painter.setFont(axis.style["tickFont"] or axis.font())
            specs = axis.generateDrawSpecs(painter)
            metrics = QFontMetricsF(painter.font())
            out += [
                (side, axis, text, _ink(rect, flags, text, metrics)) for rect, flags, text in (specs or ((), (), ()))[2]
            ]
    finally:
        painter.end()
    return out


def _clipped_ticks(plot: pg.PlotWidget) -> list[str]:
    """Tick labels whose glyphs reach past the box pyqtgraph clips an axis's drawing to (the descenders of
    "W[0,0]" under a bottom axis were cut at 4K, inside the widget)."""
    found = []
    for side, axis, text, ink in _tick_inks(plot):
        clip = QRectF(axis.boundingRect().toAlignedRect()).adjusted(-SLACK, -SLACK, SLACK, SLACK)
        if not clip.contains(ink):
            found.append(f"{side} tick {text!r} is clipped by its axis")
    return found


def _axis_texts(plot: pg.PlotWidget) -> list[tuple[str, QRectF]]:
    """Every tick label and axis title of the plot, in the plot widget's pixels."""
    out = [(f"{side} tick {text!r}", _to_widget(plot, axis, ink)) for side, axis, text, ink in _tick_inks(plot)]
    for side in ("left", "bottom", "right", "top"):
        axis = plot.getPlotItem().getAxis(side)
        label = axis.label
        if axis.isVisible() and label.isVisible() and label.toPlainText():
            margin = label.document().documentMargin()  # the text item's box is its text's plus this
            title = label.mapRectToParent(label.boundingRect().adjusted(margin, margin, -margin, -margin))
            out.append((f"{side} axis title {label.toPlainText()!r}", _to_widget(plot, axis, title)))
    return out


def _ink(rect: QRectF, flags, text: str, metrics: QFontMetricsF) -> QRectF:
    """Where the glyphs of `text` land when drawn in `rect` with alignment `flags` (what can be cut)."""
    align = Qt.AlignmentFlag(int(flags))
    A = Qt.AlignmentFlag
    left = _aligned(rect.left(), rect.right(), metrics.horizontalAdvance(text), align, A.AlignRight, A.AlignHCenter)
    top = _aligned(rect.top(), rect.bottom(), metrics.height(), align, A.AlignBottom, A.AlignVCenter)
    return metrics.tightBoundingRect(text).translated(left, top + metrics.ascent())


def _aligned(low: float, high: float, size: float, align, to_end, centred) -> float:
    """Where a box of `size` starts between low and high, aligned to the end, the centre or the start."""
    if align & to_end:
        return high - size
    if align & centred:
        return (low + high - size) / 2
    return low


def _to_widget(plot: pg.PlotWidget, item, rect: QRectF) -> QRectF:
    return plot.mapFromScene(item.mapToScene(rect)).boundingRect().toRectF()


def _drawn_texts(plot: pg.PlotWidget) -> list[tuple[str, QRectF]]:
    """The texts drawn inside the plot (a heatmap's numbers, the network's labels), in widget pixels."""
    out = []
    for item in plot.getPlotItem().items:
        if not item.isVisible():
            continue
        if isinstance(item, pg.TextItem) and item.toPlainText():
            rect = item.mapRectToScene(item.boundingRect())
            out.append((f"text {item.toPlainText()!r}", plot.mapFromScene(rect).boundingRect().toRectF()))
        elif isinstance(item, PointLabels):
            for text, rect in item.text_rects():
                out.append((f"label {text!r}", plot.mapFromScene(rect).boundingRect().toRectF()))
    return out


def _overlaps(texts: list[tuple[str, QRectF]]) -> list[str]:
    found = []
    for (a, ra), (b, rb) in itertools.combinations(texts, 2):
        common = ra.intersected(rb)
        if common.width() > SLACK and common.height() > SLACK:
            found.append(f"{a} overlaps {b}")
    return found


def _plot_problems(window, plot: pg.PlotWidget, present: bool) -> list[str]:
    found = []
    name = plot.objectName() or _name(plot)
    inside = QRectF(plot.rect()).adjusted(-SLACK, -SLACK, SLACK, SLACK)
    axis_texts, drawn = _axis_texts(plot), _drawn_texts(plot)
    for what, rect in axis_texts + drawn:
        if not inside.contains(rect):
            found.append(f"cut: {name}: the {what} leaves the plot")
    found += [f"cut: {name}: the {what}" for what in _clipped_ticks(plot)]
    by_axis: dict[str, list] = {}
    for what, rect in axis_texts:
        by_axis.setdefault(what.split()[0], []).append((what, rect))
    for texts in by_axis.values():
        found += [f"overlap: {name}: {x}" for x in _overlaps(texts)]
    found += [f"overlap: {name}: {x}" for x in _overlaps(drawn)]
    if name.endswith("ColorBar"):  # a colour bar is narrow by design: its ticks and title are checked above
        return found
    box = plot.getPlotItem().getViewBox().sceneBoundingRect()
    low_w, low_h = least_plot(window)
    if box.width() < low_w or box.height() < low_h:
        found.append(
            f"room: {name}: the plotting area is {box.width():.0f} × {box.height():.0f}, under {low_w:.0f} × {low_h:.0f}"
        )
    return found


def _legibility(window) -> list[str]:
    """Presenting: every text a line the last row reads; the controls' handles grow with the fonts."""
    found = []
    least = TEXT_LINE * window.height()
    line = window.fontMetrics().height()
    for widget in window.findChildren(QWidget):
        if not seen(widget):
            continue
        if (
            isinstance(widget, (QLabel, Readout, QAbstractButton, QComboBox, QAbstractSpinBox))
            and widget.fontMetrics().height() < least
        ):
            found.append(
                f"small: {_name(widget)}: its text is {widget.fontMetrics().height()} px tall, under {least:.0f}"
            )
        if isinstance(widget, QCheckBox):
            size = widget.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth, None, widget)
            if size < HANDLE_SHARE * line:
                found.append(f"small: {_name(widget)}: its box is {size} px, under {HANDLE_SHARE * line:.0f}")
        elif (
            isinstance(widget, QAbstractSpinBox) and widget.buttonSymbols() != QAbstractSpinBox.ButtonSymbols.NoButtons
        ):
            option = QStyleOptionSpinBox()
            widget.initStyleOption(option)
            up = widget.style().subControlRect(
                QStyle.ComplexControl.CC_SpinBox, option, QStyle.SubControl.SC_SpinBoxUp, widget
            )
            if up.width() < HANDLE_SHARE * line:
                found.append(
                    f"small: {_name(widget)}: its arrows are {up.width()} px wide, under {HANDLE_SHARE * line:.0f}"
                )
        elif isinstance(widget, QSlider):
            option = QStyleOptionSlider()
            widget.initStyleOption(option)
            handle = widget.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, widget
            )
            if min(handle.width(), handle.height()) < HANDLE_SHARE * line:
                found.append(
                    f"small: {_name(widget)}: its handle is {handle.width()} × {handle.height()} px, under {HANDLE_SHARE * line:.0f}"
                )
    for plot in window.findChildren(pg.PlotWidget):
        if seen(plot):
            for side in ("left", "bottom", "right", "top"):
                axis = plot.getPlotItem().getAxis(side)
                font = axis.style["tickFont"]
                if axis.isVisible() and font is not None and QFontMetricsF(font).height() < least:
                    found.append(
                        f"small: {plot.objectName()}: its {side} ticks are {QFontMetricsF(font).height():.0f} px tall"
                    )
    return found


def _toolbar(window) -> list[str]:
    found = []
    bar = window.playback_bar
    for w in (*bar.buttons, bar.run_spin, bar.timeline, bar.step_label):
        geo = w.geometry()
        if not w.isVisible() or geo.right() > bar.row.width() or geo.left() < 0:
            found.append(f"cut: {w.objectName()} falls out of the toolbar")
    return found


def _pointed_at(window) -> list[str]:
    """What the lesson's caption points at (the scene's `points_at`) is in sight: each view seen, the
    start marker drawn over the current step's dot inside the plot, the derivation's line scrolled to."""
    found = []
    scene = window.model.lesson.scene
    for name in scene.views_pointed_at:
        view = window.docks[view_by_word(name).dock].widget()
        if not seen(view):
            found.append(f"unseen: scene {scene.number} points at the {name} view, which is not in sight")
    if START_MARKER in scene.points_at:
        marks = window.surface_view.marks
        (x0, x1), (y0, y1) = window.surface_view.plot.getViewBox().viewRange()
        xs, ys = marks.start.getData()
        if marks.start.zValue() <= marks.current.zValue():
            found.append(f"unseen: scene {scene.number} points at the start marker, drawn under the current step")
        elif not (len(xs) and x0 <= xs[0] <= x1 and y0 <= ys[0] <= y1):
            found.append(f"unseen: scene {scene.number} points at the start marker, outside the plot")
    if scene.derivation_line and not window.derivation_view.shows_in_sight():
        found.append(
            f"unseen: scene {scene.number} points at {scene.derivation_line!r}, not in sight in the derivation"
        )
    return found


RULES = ("cut", "stray", "tabs", "overlap", "room", "small", "unseen")  # each problem's first word: its rule


def audit(window, rules: tuple[str, ...] = RULES) -> list[str]:
    """Every way the window as laid out now breaks the projector's `rules`, in words (empty: none)."""
    return [problem for problem in _all_problems(window) if problem.split(":", 1)[0] in rules]


def _all_problems(window) -> list[str]:
    present = window.theme.present
    found = _toolbar(window)
    screen = window.model.rehearsal_size or (window.screen().geometry().width(), window.screen().geometry().height())
    need = window.minimumSizeHint()
    if max(need.width(), window.width()) > screen[0] or max(need.height(), window.height()) > screen[1]:
        found.append(
            f"cut: the window is {window.width()} × {window.height()} (it needs {need.width()} × {need.height()}) on a screen of {screen[0]} × {screen[1]}"
        )
    found += _widget_texts(window)
    for plot in window.findChildren(pg.PlotWidget):
        if seen(plot):
            found += _plot_problems(window, plot, present)
    if present:
        found += _legibility(window)
    if window.model.lesson is not None:
        found += _pointed_at(window)
    return found
