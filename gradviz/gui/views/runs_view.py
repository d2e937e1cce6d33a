"""The race: every run's name and colour, whether it is drawn, and a sortable table of results.

Add copies the focused run (then the controls change it: they edit the focused run); a row's
click focuses its run, its check box shows or hides it, Remove takes the focused run out. The
table says where each run is now: L, accuracy, the first step at which L ≤ τ (τ set here), ‖∇L‖.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gradviz.core.fields import MAX_RUNS
from gradviz.state import Change, run_results
from gradviz.state.race import leader

from .. import palette
from ..numbers import num
from ..qt_session import QtSession
from ..race import race_losses
from ..spinboxes import LogSpinBox
from ..theme import Theme
from .base import View

__all__ = ["RunsView", "COLUMNS"]

COLUMNS = ("run (☑ drawn)", "L", "held-out L", "accuracy", "L ≤ τ at step", "‖∇L‖")


class _Cell(QTableWidgetItem):
    """A cell that sorts by its number (None and NaN last), not by its text."""

    def __init__(self, text: str = "", key: float | None = None):
        super().__init__(text)
        self.key = math.inf
        self.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.show(text, key)

    def show(self, text: str, key: float | None) -> None:
        """New contents (set only when they differ: a change re-sorts the table)."""
        key = math.inf if key is None or not math.isfinite(key) else float(key)
        if text != self.text() or key != self.key:
            self.key = key
            self.setText(text)

    def __lt__(self, other) -> bool:
        if isinstance(other, _Cell):
            return self.key < other.key
        return super().__lt__(other)


class RunsView(View):
    depends = frozenset({"data", "model", "step", "settings", "runs", "view"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("runsView")
        self.add_button = QPushButton("Add run")
        self.add_button.setObjectName("addRunButton")
        self.add_button.setToolTip(
            "Race one more run: a copy of the focused run, from the same start θ₀; change its optimizer, "
            "η, batch size, seed or loss in the controls. The race starts again from step 0."
        )
        self.add_button.clicked.connect(lambda: self.session.add_run())
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("removeRunButton")
        self.remove_button.setToolTip("Take the focused run out of the race")
        self.remove_button.clicked.connect(lambda: self.session.remove_run(self.session.focus_index))
        self.threshold = LogSpinBox(1e-12, 1e12)
        self.threshold.setObjectName("thresholdSpin")
        self.threshold.setToolTip("τ: the table says the first step at which each run's loss L was at most τ")
        self.threshold.valueChanged.connect(lambda v: self.session.set_view(loss_threshold=float(v)))
        top = QHBoxLayout()
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        top.addStretch(1)
        top.addWidget(QLabel("τ ="))
        top.addWidget(self.threshold)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("runsTable")
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the training keys stay with the window
        # every column as wide as its contents (on a narrow dock the numbers scroll, the names stay whole)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the runs' own order until the user sorts
        self.table.setToolTip(
            "Click a row (or a run's path on the surface, or its name in a legend, or press R) to focus that run: "
            "the per-sample views explain it and the controls edit it. The box draws or hides it. ★: the run ahead, "
            "first to L ≤ τ (before any is: the lowest L, or the best accuracy where the losses differ). "
            "Where a run holds points out for validation, L is its loss on the points it trains on and "
            "held-out L its loss on the others."
        )
        self.table.cellClicked.connect(self._on_cell_clicked)
        self.table.itemChanged.connect(self._on_item_changed)
        self.hint = QLabel()
        self.hint.setTextFormat(Qt.TextFormat.RichText)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("runsHint")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.hint)
        self._filling = False
        self._layout: tuple = ()
        self._cells: list[list[_Cell]] = []
        self.start()

    def _index_of_row(self, row: int) -> int | None:
        item = self.table.item(row, 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def _on_cell_clicked(self, row: int, column: int) -> None:
        index = self._index_of_row(row)
        if index is not None:
            self.session.focus_run(index)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 0:
            return
        index = self._index_of_row(item.row())
        if index is not None:
            self.session.set_run_visible(index, item.checkState() == Qt.CheckState.Checked)

    def _title_columns(self, symbol: str) -> None:
        """The headers name what the runs minimise: L, or f on a function."""
        self.table.setHorizontalHeaderLabels([title.replace("L", symbol) for title in COLUMNS])

    def redraw(self, change: Change) -> None:
        s = self.session
        tau = s.view.loss_threshold
        if abs(self.threshold.value() - tau) > 1e-15 * max(1.0, tau):
            self.threshold.blockSignals(True)
            self.threshold.setValue(tau)
            self.threshold.blockSignals(False)
        rows = run_results(s, tau)
        self._filling = True
        layout = tuple((res.index, res.slot) for res in rows)
        if layout != self._layout:  # other runs: new rows (a step only updates their cells, below)
            self._layout = layout
            self.table.setSortingEnabled(False)  # filled unsorted, then sorted as the user asked
            self.table.setRowCount(len(rows))
            self._cells = []
            for r, res in enumerate(rows):
                cells = [_Cell() for _ in COLUMNS]
                cells[0].setData(Qt.ItemDataRole.UserRole, res.index)
                cells[0].setIcon(_swatch(palette.RUN_COLORS[res.slot], self.theme))
                cells[0].setFlags(cells[0].flags() | Qt.ItemFlag.ItemIsUserCheckable)
                cells[0].setToolTip("The box: draw this run; the name: focus it")
                for c, cell in enumerate(cells):
                    self.table.setItem(r, c, cell)
                self._cells.append(cells)
            self.table.setSortingEnabled(True)
        losses = race_losses(s)
        ahead = leader(rows, same_loss=len(losses) == 1)
        self.table.setSortingEnabled(False)  # one sort after the cells change, not one per cell
        self.table.setColumnHidden(2, all(res.held_out_loss is None for res in rows))  # only with a split
        self.table.setColumnHidden(3, not s.measures_accuracy)  # accuracy: classes only
        self.once("symbol", s.settings.objective, self._title_columns)
        for res, cells in zip(rows, self._cells, strict=True):
            stopped = f"  (diverged: step {res.step:,})" if res.stopped else ""
            cells[0].show(("★ " if res.index == ahead else "") + res.name + stopped, res.index)
            check = Qt.CheckState.Checked if res.visible else Qt.CheckState.Unchecked
            if cells[0].checkState() != check:
                cells[0].setCheckState(check)
            if cells[0].font().bold() != res.focused:
                font = QFont(self.font())
                font.setBold(res.focused)
                cells[0].setFont(font)
            first = "–" if res.first_below is None else f"{'' if res.exact else '≈ '}{res.first_below:,}"
            cells[1].show(num(res.loss), res.loss)
            held = res.held_out_loss
            cells[2].show("–" if held is None else num(held), held)
            cells[3].show("–" if math.isnan(res.metric) else f"{res.metric:.0%}", -res.metric)
            cells[4].show(first, res.first_below)
            cells[5].show(num(res.grad_norm, 3), res.grad_norm)
        self.table.setSortingEnabled(True)
        self._filling = False
        raced = len(rows) > 1
        self.remove_button.setEnabled(raced)
        self.add_button.setEnabled(len(rows) < MAX_RUNS)
        mixed = (
            f"<b>The runs minimise different losses ({', '.join(losses)}): their L are not on one scale; "
            "compare accuracy.</b> "
            if len(losses) > 1
            else ""
        )
        self.hint.setText(
            mixed + "★ ahead · <b>bold</b>: focused, the controls edit it · R: the next run"
            if raced
            else f"Add a run to race up to {MAX_RUNS} optimizers, learning rates or losses from the same start."
        )


def _swatch(color: str, theme: Theme) -> QIcon:
    size = max(10, int(12 * theme.scale))
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)
