"""A view's picture after a change is the picture it would draw from scratch: no view misses a change.

Each view lists the aspects of the state it redraws on (`View.depends`). A list that forgets one leaves
a stale picture (the data view's legend kept a race's old η after the run's η changed). Here every kind
of change a user makes is made, every view is brought in front (as a user would, which delivers what it
missed), and what it shows (texts, the data of every plot item) is compared with what it shows after a
redraw from scratch.
"""

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel

from gradviz.gui.views.base import View

from .audit import settle

# the views of the loss surface keep their window on the plane while the path stays in it (the box moves
# when the path leaves it, not on every step): drawn from scratch they choose a new one, so of them the
# words are compared, not the pictures
FRAMED = ("lossSurfaceDock", "surface3dDock")


def _shown_by(view: View, pictures: bool = True) -> list:
    """What `view` shows, as comparable values: its texts and (`pictures`) every plot item's data."""
    shown = [(w.objectName(), w.text()) for w in view.findChildren(QLabel) if w.isVisibleTo(view)]
    for plot in view.findChildren(pg.PlotWidget) if pictures else ():
        item = plot.getPlotItem()
        shown += [(side, item.getAxis(side).labelText) for side in ("left", "bottom", "right")]
        for thing in item.getViewBox().addedItems:
            if not thing.isVisible():
                continue
            if isinstance(thing, pg.PlotDataItem):
                x, y = thing.getData()
                shown.append(
                    (
                        "curve",
                        None if x is None else np.round(x, 9).tobytes(),
                        None if y is None else np.round(y, 9).tobytes(),
                    )
                )
            elif isinstance(thing, pg.ScatterPlotItem):
                shown.append(("points", np.round(thing.data["x"], 9).tobytes(), np.round(thing.data["y"], 9).tobytes()))
            elif isinstance(thing, pg.BarGraphItem):
                shown.append(("bars", np.round(np.asarray(thing.opts["height"], float), 9).tobytes()))
            elif isinstance(thing, pg.ImageItem) and thing.image is not None:
                shown.append(("image", np.round(np.nan_to_num(thing.image), 9).tobytes()))
            elif isinstance(thing, pg.TextItem):
                shown.append(("text", thing.toPlainText()))
            elif isinstance(thing, pg.InfiniteLine):
                shown.append(("line", round(float(thing.value()), 9)))
    return shown


CHANGES = {
    "the second run's learning rate": lambda s: s.set_value("lr", 0.03, run=1),
    "the focused run's optimizer": lambda s: s.set_value("optimizer", "adam"),
    "a step": lambda s: s.step(3),
    "a point added": lambda s: s.add_point(np.array([0.5, 0.5]), 1),
    "a sample selected": lambda s: s.select(4),
    "another slice": lambda s: s.set_slice("random directions"),
    "the second run focused": lambda s: s.focus_run(1),
    "a run added": lambda s: s.add_run(lr=0.2),
}


def test_every_view_shows_after_each_change_what_it_draws_from_scratch(make_window):
    """The changes one after the other, in one window (each view checked after each)."""
    window = make_window("--preset", "logistic-blobs", "--compare", "lr=0.05", "--steps", "5")
    settle(window)
    stale = []
    for change, make in CHANGES.items():
        make(window.session)
        for name, dock in window.docks.items():
            view = dock.widget()
            if not isinstance(view, View) or dock.isHidden() or view.applies_not:
                continue
            dock.raise_()  # in front, as a user brings it: it draws what it missed
            settle(window)
            after = _shown_by(view, name not in FRAMED)
            view.start()  # drawn from scratch
            settle(window)
            if _shown_by(view, name not in FRAMED) != after:
                stale.append(f"{name} after {change}")
    assert stale == [], f"these views show something else once redrawn from scratch: {stale}"
