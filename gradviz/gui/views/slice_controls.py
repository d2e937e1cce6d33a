"""The row above the loss surface: which plane of parameter space it shows, and how it is drawn."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QMenu,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QWidget,
    QWidgetAction,
)

from gradviz.state import Session

from ..flow_layout import FlowLayout
from ..theme import Theme

__all__ = ["SliceControls", "MODES"]

MODES = {
    "axes": "two parameters",
    "random": "random directions",
    "pca": "PCA of the path",
    "eigen": "eigen (top 2 of the Hessian)",
}


class SliceControls(QWidget):
    """Slice mode and axes, following the run or pinned, the gradient-field and log-colour toggles."""

    def __init__(self, session: Session, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("sliceModeCombo")
        for key, title in MODES.items():
            self.mode_combo.addItem(title, key)
        self.mode_combo.setToolTip(
            "Which plane of parameter space to show: two parameters by name, two random "
            "filter-normalised directions (Li et al. 2018), the path's top two principal directions, or the "
            "Hessian's two top eigenvectors at the current step (the sharpest directions; unpinned, they turn "
            "with the Hessian as the run goes on)"
        )
        self.x_combo = QComboBox()
        self.x_combo.setObjectName("sliceXCombo")
        self.x_combo.setToolTip("The parameter on the horizontal axis")
        self.y_combo = QComboBox()
        self.y_combo.setObjectName("sliceYCombo")
        self.y_combo.setToolTip("The parameter on the vertical axis")
        self.pin_button = QPushButton("Pin plane")
        self.pin_button.setObjectName("pinSliceButton")
        self.pin_button.setCheckable(True)
        self.pin_button.setToolTip(
            "Off: the plane follows the run, through the current parameters, so the colour under the current "
            "point is the loss. On: the plane stays where it is now, and the run moves off it."
        )
        self.recenter_button = QPushButton("Centre here")
        self.recenter_button.setObjectName("recenterButton")
        self.recenter_button.setToolTip("Move the pinned plane to the current step's parameters")
        self.field_check = QCheckBox("gradient field")
        self.field_check.setObjectName("gradientFieldCheck")
        self.field_check.setToolTip("Arrows of −∇L over the slice: descent goes along them, across the contours")
        self.parts_check = QCheckBox("optimizer's state")
        self.parts_check.setObjectName("stepPartsCheck")
        self.parts_check.setToolTip(
            "At the current point, the step in the optimizer's own parts, beside gradient descent's −η∇: "
            "momentum's velocity carried over and this step's gradient, Adam's averaged gradient m and its "
            "step m/(√v + ε) (m and v bias-corrected; about η along every axis), AdaGrad's and RMSProp's per-coordinate scale. "
            "Magnified together; the numbers under the plot."
        )
        self.log_check = QCheckBox("log colours")
        self.log_check.setObjectName("surfaceLogCheck")
        self.log_check.setToolTip("Colour by log₁₀ L: shows the shape of the valley floor")
        for w in (self.mode_combo, self.x_combo, self.y_combo, self.pin_button, self.recenter_button):
            w.setFont(theme.font(0.9))
        for w in (self.field_check, self.parts_check, self.log_check):
            w.setFont(theme.font(0.9))
        for combo in (self.mode_combo, self.x_combo, self.y_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.panel = QWidget()  # the controls themselves: in the row, or behind a button at a projector
        flow = FlowLayout(self.panel)
        for w in (
            self.mode_combo,
            self.x_combo,
            self.y_combo,
            self.pin_button,
            self.recenter_button,
            self.field_check,
            self.parts_check,
            self.log_check,
        ):
            flow.addWidget(w)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.panel.setSizePolicy(policy)  # the row wraps when the dock is narrow instead of widening it
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        if theme.present:
            # large fonts on a small screen: the plot needs the room more than the controls do
            self.plane_button = QToolButton()
            self.plane_button.setObjectName("planeMenuButton")
            self.plane_button.setText("Plane ▾")
            self.plane_button.setFont(theme.font(0.9))
            self.plane_button.setToolTip("Which plane of parameter space the surface shows, and how")
            self.plane_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(self.plane_button)
            holder = QWidgetAction(menu)
            self.panel.setMinimumWidth(int(360 * theme.scale))
            holder.setDefaultWidget(self.panel)
            menu.addAction(holder)
            self.plane_button.setMenu(menu)
            row.addWidget(self.plane_button)
            row.addStretch(1)
        else:
            row.addWidget(self.panel, 1)
        self.setSizePolicy(policy)
        self.mode_combo.currentIndexChanged.connect(self._on_mode_chosen)
        self.x_combo.currentIndexChanged.connect(self._on_axes_chosen)
        self.y_combo.currentIndexChanged.connect(self._on_axes_chosen)
        self.pin_button.toggled.connect(session.pin_slice)
        self.recenter_button.clicked.connect(lambda: session.recenter_slice())
        self.field_check.toggled.connect(lambda on: session.set_view(gradient_field=on))
        self.parts_check.toggled.connect(lambda on: session.set_view(step_parts=on))
        self.log_check.toggled.connect(lambda on: session.set_view(surface_log=on))

    def sync(self) -> None:
        """Show the session's slice and view options (without writing them back)."""
        s = self.session
        sl = s.slice
        labels = s.model.spec.labels()
        widgets = (
            self.mode_combo,
            self.x_combo,
            self.y_combo,
            self.pin_button,
            self.field_check,
            self.parts_check,
            self.log_check,
        )
        for w in widgets:
            w.blockSignals(True)
        self.mode_combo.setCurrentIndex(self.mode_combo.findData(sl.mode))
        for combo, current in ((self.x_combo, sl.axis_labels[0]), (self.y_combo, sl.axis_labels[1])):
            if [combo.itemText(i) for i in range(combo.count())] != labels:
                combo.clear()
                combo.addItems(labels)
            if sl.mode == "axes":
                combo.setCurrentText(current)
            combo.setEnabled(sl.mode == "axes")
        self.pin_button.setChecked(s.slice_pinned)
        self.recenter_button.setEnabled(s.slice_pinned)
        self.field_check.setChecked(s.view.gradient_field)
        self.parts_check.setChecked(s.view.step_parts)
        self.log_check.setChecked(s.view.surface_log)
        for w in widgets:
            w.blockSignals(False)

    def enable_pca(self, possible: bool) -> None:
        """A path needs three distinct points before it has two principal directions."""
        self.mode_combo.model().item(self.mode_combo.findData("pca")).setEnabled(possible)

    def _on_mode_chosen(self, *args) -> None:
        mode = self.mode_combo.currentData()
        if mode == "axes":
            self.session.set_slice("axes", (self.x_combo.currentText(), self.y_combo.currentText()))
        elif not self.session.set_slice(mode):
            self.sync()

    def _on_axes_chosen(self, *args) -> None:
        a, b = self.x_combo.currentText(), self.y_combo.currentText()
        if a and b and a != b and self.session.slice.mode == "axes":
            self.session.set_slice("axes", (a, b))
