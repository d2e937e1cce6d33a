"""The controls dock: data, model, loss, optimizer and playback, built from core's field table.

Each setting's widget, range, help text and binding come from `core.FIELDS` and `core.rules`;
this module only says which widget name shows which field and where it sits. Typed numbers
apply on Enter or when the field loses focus (keyboard tracking off), so typing "0.05" does
not train with 0, 0.0 and 0.05 on the way.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from gradviz import core
from gradviz.core import FIELDS, LIMITS, rules

from . import palette
from .bindings import Binding, Bindings
from .function_editor import FunctionEditor
from .playback import Playback
from .qt_session import QtSession
from .spinboxes import LogSpinBox
from .theme import Theme

__all__ = ["ControlsPanel"]

DATASET_TIPS = {
    "line": "1-D regression: y = 1.5x − 0.5 + noise",
    "blobs": "Gaussian blobs, one per class",
    "moons": "two interleaving half circles: no straight line separates them",
    "circles": "a ring around a disc: needs a curved boundary",
    "xor": "four quadrants, opposite ones share a class: the classic case a linear model cannot learn",
    "spiral": "interleaved spiral arms (ConvNetJS / CS231n)",
}
_SETTINGS_ASPECTS = frozenset({"settings", "model", "data", "runs"})
_FUNCTION_ROWS = tuple(name for name, field in FIELDS.items() if field.shows == "function")
CANONICAL_MARK, NON_CANONICAL_MARK = "  ✓", "  ⚠"  # after a loss's title, for the model and output chosen


def make_control(field: core.Field) -> QWidget:
    """The widget for one field: its kind, range and help from the field table."""
    if field.kind == "choice":
        w = QComboBox()
        # long titles must not widen the dock: the combo elides, the popup shows them whole
        w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        w.setMinimumContentsLength(8)
        for i, (value, title, tip) in enumerate(field.choices):
            w.addItem(title, value)
            if tip:
                w.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
    elif field.kind == "toggle":
        w = QCheckBox(field.name)
    elif field.kind == "count":
        w = QSpinBox()
        low = int(field.limit.low) - (1 if field.none_text else 0)
        w.setRange(low, int(field.limit.high))
        if field.none_text:
            w.setSpecialValueText(field.none_text)
    elif field.limit.log:
        w = LogSpinBox(field.limit.low, field.limit.high)
    else:
        w = QDoubleSpinBox()
        w.setRange(field.limit.low, field.limit.high)
        w.setDecimals(field.decimals)
        w.setSingleStep(field.step)
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        w.setKeyboardTracking(False)
    w.setObjectName(field.control)
    w.setToolTip(field.help)
    return w


def _form(box: QGroupBox) -> QFormLayout:
    """A form whose fields move under their labels when the dock is too narrow for both side by side
    (`_fit_form`), and fill the width they have."""
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


def _fit_form(form: QFormLayout, width: int) -> None:
    """Labels beside their fields where every choice's words fit beside the labels at `width`, over them
    where they do not: a combo box shows its whole choice ("Gradient descent (SGD)" was cut to
    "Gradient descent (S" beside its label at 1366 × 768), the narrow form just grows longer."""
    labels = [form.itemAt(row, QFormLayout.ItemRole.LabelRole) for row in range(form.rowCount())]
    label_width = max((item.widget().sizeHint().width() for item in labels if item and item.widget()), default=0)
    fields = [form.itemAt(row, QFormLayout.ItemRole.FieldRole) for row in range(form.rowCount())]
    needed = max((_field_needs(item) for item in fields if item is not None), default=0)
    margins = form.contentsMargins()
    beside = label_width + form.horizontalSpacing() + needed + margins.left() + margins.right()
    policy = QFormLayout.RowWrapPolicy
    wanted = policy.WrapLongRows if beside <= width else policy.WrapAllRows
    if form.rowWrapPolicy() != wanted:
        form.setRowWrapPolicy(wanted)


def _field_needs(item) -> int:
    """The width a field needs to show its widest choice whole (a combo, or a row holding one)."""
    widgets = [item.widget()] if item.widget() is not None else []
    if item.layout() is not None:
        widgets = [item.layout().itemAt(i).widget() for i in range(item.layout().count())]
    total = 0
    for w in widgets:
        if isinstance(w, QComboBox):
            texts = [w.itemText(i) for i in range(w.count())]
            if w.objectName() == FIELDS["loss"].control:  # marked for the model chosen: any may carry a mark
                texts += [t + mark for t in rules.LOSS_TITLES.values() for mark in (CANONICAL_MARK, NON_CANONICAL_MARK)]
            text = max(texts, key=w.fontMetrics().horizontalAdvance, default="")
            option = QStyleOptionComboBox()
            w.initStyleOption(option)
            contents = QSize(w.fontMetrics().horizontalAdvance(text), w.fontMetrics().height())
            total += w.style().sizeFromContents(QStyle.ContentsType.CT_ComboBox, option, contents, w).width()
        elif w is not None:
            total += w.sizeHint().width()
    return total


class ControlsPanel(QScrollArea):
    def __init__(self, qt_session: QtSession, playback: Playback, theme: Theme, parent=None):
        super().__init__(parent)
        self.setObjectName("controlsPanel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the form narrows instead
        self.session = qt_session.session
        self.bindings = Bindings(qt_session)
        inner = QWidget()
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)
        self.data_box = self._data_box(qt_session)
        layout.addWidget(self.data_box)

        self.controls: dict[str, QWidget] = {}
        groups: dict[str, list[str]] = {}
        for field in FIELDS.values():  # the groups, and their rows, in the field table's order
            groups.setdefault(field.group, []).append(field.name)
        for title, names in groups.items():
            box = QGroupBox(title)
            form = _form(box)
            for name in names:
                if name in _FUNCTION_ROWS:  # the playground's own rows, shown on a function only
                    w = self.controls[name] = self._function_row(name, qt_session)
                    form.addRow(FIELDS[name].label, w)
                    continue
                w = self.controls[name] = make_control(FIELDS[name])
                form.addRow(FIELDS[name].label, w)
                self.bindings.add(self._binding(name, w, form))
                if name == "lr":  # the largest stable η at this step, from the Hessian (computed aside)
                    self.lr_bound = QLabel()
                    self._lr_warned: bool | None = None
                    self.lr_bound.setObjectName("maxStableLrLabel")
                    self.lr_bound.setWordWrap(True)
                    self._lr_tip = w.toolTip()
                    form.addRow(self.lr_bound)
            if title == FIELDS["model"].group:
                self._model_form = form
                self.pair_label = QLabel()
                self.pair_label.setObjectName("pairLabel")
                self.pair_label.setWordWrap(True)
                self.pair_label.setTextFormat(Qt.TextFormat.RichText)
                form.addRow(self.pair_label)
            layout.addWidget(box)

        play_box = QGroupBox("Playback")
        form = _form(play_box)
        self.speed_spin = QSpinBox()
        self.speed_spin.setKeyboardTracking(False)
        self.speed_spin.setObjectName("speedSpin")
        self.speed_spin.setRange(0, playback.max_speed)
        self.speed_spin.setSpecialValueText("max")
        self.speed_spin.setSuffix(" steps/s")
        self.speed_spin.setValue(playback.speed)
        self.speed_spin.setToolTip("Training speed while playing; 'max' runs as fast as frames allow")
        self.speed_spin.valueChanged.connect(playback.set_speed)
        playback.sigSpeedChanged.connect(self.speed_spin.setValue)
        form.addRow("Speed", self.speed_spin)
        layout.addWidget(play_box)
        layout.addStretch(1)

        for w in inner.findChildren(QWidget):
            w.setFont(theme.font())
        for box in inner.findChildren(QGroupBox):  # each form decides, at its width, where labels go
            box.installEventFilter(self)
        qt_session.sigChangedNow.connect(self._on_change)
        self._on_change(None)
        # never narrower than the form can be: a field is never cut at the right edge, and a choice (marked
        # ✓ or ⚠ by now) shows whole under its label (up to a third of a 1024-pixel screen: a file's name
        # can be long)
        scroll = self.verticalScrollBar().sizeHint().width()
        widest = 0
        for box in inner.findChildren(QGroupBox):
            form = box.layout()
            margins = (
                form.contentsMargins().left()
                + form.contentsMargins().right()
                + 2 * box.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth)
            )
            fields = [form.itemAt(row, QFormLayout.ItemRole.FieldRole) for row in range(form.rowCount())]
            widest = max([widest] + [_field_needs(f) + margins for f in fields if f is not None])
        inner_margins = layout.contentsMargins().left() + layout.contentsMargins().right()
        need = max(inner.minimumSizeHint().width(), min(widest + inner_margins, int(340 * theme.scale)))
        self.setMinimumWidth(need + scroll + 2 * self.frameWidth())

    # ------------------------------------------------------------------ settings
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Resize and isinstance(watched, QGroupBox):
            _fit_form(watched.layout(), watched.contentsRect().width())
        return False

    def _binding(self, name: str, widget: QWidget, form: QFormLayout) -> Binding:
        session = self.session
        decorate = {"model": _enable_models, "output": _enable_outputs, "loss": _mark_losses}.get(name)
        if name == "batch_size":
            decorate = _limit_batch
        shows = FIELDS[name].shows

        def applies(s) -> bool:
            return s.settings.applies(name)

        return Binding(
            widget,
            read=lambda s: s.settings.get(name),
            write=lambda value: session.set_value(name, value),
            aspects=_SETTINGS_ASPECTS,
            enabled=applies if shows == "mlp" else None,
            # a model's rows and hyper-parameters show where they apply; an MLP's are greyed out elsewhere
            visible={"model": applies, "optimizer": applies, "mlp": lambda s: not s.settings.is_function}.get(shows),
            on_visible=lambda w, shown: form.setRowVisible(w, shown),
            decorate=decorate,
        )

    def _function_row(self, name: str, qt_session: QtSession) -> QWidget:
        if name == "function":
            self.function_editor = FunctionEditor(qt_session)
            self.function_editor.setObjectName(FIELDS[name].control)
            return self.function_editor
        self.start_label = QLabel()
        self.start_label.setObjectName(FIELDS["start"].control)
        self.start_label.setWordWrap(True)
        self.start_label.setToolTip(FIELDS["start"].help)
        return self.start_label

    def _show_mode(self) -> None:
        """A model's rows or a function's: the data, the loss and its pair belong to models."""
        s = self.session.settings
        form = self._model_form
        for name in _FUNCTION_ROWS:
            form.setRowVisible(self.controls[name], s.is_function)
        form.setRowVisible(self.pair_label, not s.is_function)
        self.data_box.setVisible(not s.is_function)
        if s.is_function:
            x, y = s.start_point
            self.start_label.setText(f"({x:.4g}, {y:.4g}) · click the surface to move it")

    def _on_change(self, change) -> None:
        if change is None or change.touches(_SETTINGS_ASPECTS):
            self._show_mode()
            s = self.session.settings
            self.pair_label.setText(
                f"{'Canonical' if s.is_canonical else 'Non-canonical'} pair "
                f"({s.output_activation} + {s.loss.upper()}):<br><b>{rules.logit_gradient_formula(s.loss, s.output_activation)}</b>"
                + ("" if s.is_canonical or s.output_activation != "sigmoid" else " — vanishes where σ saturates")
            )
        if change is None or change.touches({"data", "model"}):
            self._show_data()
        if change is None or change.touches(_SETTINGS_ASPECTS):  # choices renamed ("… (file)", "✓")
            for box in self.widget().findChildren(QGroupBox):
                _fit_form(box.layout(), box.contentsRect().width())
        if change is None or change.touches({"step", "settings", "curvature", "runs", "data", "model"}):
            self._show_step_bound()

    def _show_step_bound(self) -> None:
        """Under η: the largest stable η at this step (or the newest step it is known for); η above it
        turns the field and the line red, and their tooltips say why."""
        s = self.session
        lr = s.settings.get("lr")
        known = s.run.known_step_bound()
        warn = False
        if known is None:
            text, tip = "largest stable η: computing …", "From the Hessian's largest eigenvalue at this step"
        else:
            step, bound = known
            at = "" if step == s.current_step else f" (at step {step:,})"
            if bound.lr is None:
                text, tip = "no single largest stable η", bound.reason[0].upper() + bound.reason[1:] + "."
            elif bound.lr == float("inf"):
                text, tip = "any η is stable here", bound.reason[0].upper() + bound.reason[1:] + "."
            else:
                rhs = bound.formula.split("<", 1)[1].strip()
                warn = lr > bound.lr
                text = f"{'unstable: η >' if warn else 'stable for η <'} {rhs} = {bound.lr:.3g}{at}"
                tip = (
                    f"{bound.formula}: {bound.reason}. Gradient descent on the local quadratic model of L is stable "
                    f"exactly below this η{at or ' at this step'}"
                    + (f"; at η = {lr:.3g} the error along the sharpest direction grows every step." if warn else ".")
                )
        self.lr_bound.setText(text)
        self.lr_bound.setToolTip(tip)
        spin = self.controls["lr"]
        spin.setToolTip(tip if warn else self._lr_tip)
        if warn != self._lr_warned:  # a style sheet re-polishes the panel: set it when the state turns
            self._lr_warned = warn
            self.lr_bound.setStyleSheet(
                f"color: {palette.WARN_TEXT}; font-weight: bold;" if warn else f"color: {palette.NOTE};"
            )
            spin.setStyleSheet(f"QDoubleSpinBox {{ background: {palette.WARN_FIELD}; }}" if warn else "")

    # ------------------------------------------------------------------ data
    def _data_box(self, qt_session: QtSession) -> QGroupBox:
        box = QGroupBox("Data")
        form = _form(box)
        self.dataset_combo = QComboBox()
        self.dataset_combo.setObjectName("datasetCombo")
        for i, name in enumerate(core.GENERATORS):
            self.dataset_combo.addItem(name, name)
            self.dataset_combo.setItemData(i, DATASET_TIPS.get(name, ""), Qt.ItemDataRole.ToolTipRole)
        self.dataset_combo.addItem("", None)  # data that were not generated (a file): named when shown
        self.dataset_combo.model().item(self.dataset_combo.count() - 1).setEnabled(False)
        self.dataset_combo.setToolTip("A toy data set to generate (replaces the current data; Ctrl+Z brings it back)")
        self.size_spin = _spin(
            "datasetSizeSpin", LIMITS["n_samples"], "Number of points N: every gradient is a mean over N samples"
        )
        self.size_spin.setValue(100)
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setObjectName("datasetNoiseSpin")
        self.noise_spin.setRange(LIMITS["noise"].low, LIMITS["noise"].high)
        self.noise_spin.setSingleStep(0.05)
        self.noise_spin.setKeyboardTracking(False)  # typed values apply on Enter, not per keystroke
        self.noise_spin.setValue(0.3)
        self.noise_spin.setToolTip("How much the points scatter around the pattern")
        self.classes_spin = _spin("datasetClassesSpin", LIMITS["classes"], "Number of classes (blobs and spiral)")
        self.classes_spin.setValue(3)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setToolTip("Replace the data with a fresh sample (undoable)")
        self.generate_button.clicked.connect(self._on_generate)
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_combo)
        # the data controls show the data in use: a new value makes the data anew at once (undoable),
        # as TensorFlow Playground's sliders do; Generate makes them again from the controls
        self.dataset_combo.activated.connect(lambda *_: self._on_generate())
        for spin in (self.size_spin, self.noise_spin, self.classes_spin):
            spin.valueChanged.connect(lambda *_: self._on_generate())
        self.new_class_combo = QComboBox()
        self.new_class_combo.setObjectName("newClassCombo")
        for c in range(core.MAX_CLASSES):
            self.new_class_combo.addItem(f"class {c + 1} (key {c + 1})", c)
        self.new_class_combo.setToolTip("The class of points you add with a click (keys 1–9)")
        self.bindings.add(
            Binding(
                self.new_class_combo,
                read=lambda s: s.new_point_class,
                write=lambda c: self.session.set_new_point_class(c),
                aspects=frozenset({"tool"}),
            )
        )
        form.addRow("Data set", self.dataset_combo)  # the whole width: a file's name shows whole
        form.addRow("Points N", self.size_spin)
        form.addRow("Noise", self.noise_spin)
        form.addRow("Classes", self.classes_spin)
        generate = QHBoxLayout()  # under what it generates from
        generate.addStretch(1)
        generate.addWidget(self.generate_button)
        form.addRow(generate)
        form.addRow("New points", self.new_class_combo)
        return box

    def _on_generate(self) -> None:
        name = self.dataset_combo.currentData()
        if name is None:  # data from a file: nothing to generate (the controls are disabled)
            return
        kwargs = {"classes": self.classes_spin.value()} if name in ("blobs", "spiral") else {}
        if not self.session.generate(name, self.size_spin.value(), self.noise_spin.value(), **kwargs):
            self._show_data()  # refused (with a message): show the data in use again

    def _on_dataset_combo(self, *args) -> None:
        name = self.dataset_combo.currentData()
        self.classes_spin.setEnabled(name in ("blobs", "spiral"))
        for w in (self.size_spin, self.noise_spin, self.generate_button):
            w.setEnabled(name is not None)

    def _show_data(self) -> None:
        """The data's own recipe (what Generate makes again); for data from a file, its name."""
        ds = self.session.source_dataset
        widgets = (self.dataset_combo, self.size_spin, self.noise_spin, self.classes_spin)
        for w in widgets:
            w.blockSignals(True)
        recipe = ds.recipe
        if recipe is not None:
            self.dataset_combo.setCurrentIndex(self.dataset_combo.findData(recipe.name))
            self.noise_spin.setValue(recipe.noise)
        else:
            last = self.dataset_combo.count() - 1
            self.dataset_combo.setItemText(last, f"{ds.name or 'data'} (file)")
            self.dataset_combo.setCurrentIndex(last)
        self.size_spin.setValue(ds.n_samples)
        if recipe is not None and recipe.classes is not None:
            self.classes_spin.setValue(recipe.classes)
        elif ds.is_classification:
            self.classes_spin.setValue(ds.n_classes)
        for w in widgets:
            w.blockSignals(False)
        self._on_dataset_combo()


def _spin(name: str, limit: core.Limit, tip: str) -> QSpinBox:
    w = QSpinBox()
    w.setObjectName(name)
    w.setRange(int(limit.low), int(limit.high))
    w.setKeyboardTracking(False)
    w.setToolTip(tip)
    return w


def _set_item(combo: QComboBox, i: int, enabled: bool, tip: str, text: str | None = None) -> None:
    item = combo.model().item(i)
    item.setEnabled(enabled)
    item.setToolTip(tip)
    if text is not None:
        item.setText(text)


def _enable_models(combo: QComboBox, session) -> None:
    for i in range(combo.count()):
        kind = combo.itemData(i)
        if kind == core.fields.FUNCTION_CHOICE:  # a function needs no data: always there
            continue
        problem = rules.model_problem(kind, session.source_dataset)
        _set_item(combo, i, not problem, problem or rules.MODEL_TIPS[kind])


def _enable_outputs(combo: QComboBox, session) -> None:
    for i in range(combo.count()):
        output = combo.itemData(i)
        problem = "" if output is None else rules.output_problem(output, session.source_dataset)
        _set_item(combo, i, not problem, problem)


def _mark_losses(combo: QComboBox, session) -> None:
    s = session.settings
    for i in range(combo.count()):
        loss = combo.itemData(i)
        output = rules.output_of(s.model, loss, s.output)
        title = rules.LOSS_TITLES[loss]
        fit = rules.fit(s.model, loss, s.output, session.source_dataset)
        if not rules.admits(loss, output):
            _set_item(combo, i, False, rules.why_not(loss, output), title)
        elif fit.loss != loss:  # the data would not keep it (BCE on regression data): not offered
            _set_item(combo, i, False, fit.notes[0] if fit.notes else "", title)
        elif rules.is_canonical(loss, output):
            _set_item(combo, i, True, f"Canonical with a {output} output: dL/dz = (ŷ − y)/N", title + CANONICAL_MARK)
        else:
            tip = f"With a {output} output dL/dz ≠ (ŷ − y)/N: the activation's derivative stays in"
            _set_item(combo, i, True, tip, title + NON_CANONICAL_MARK)  # the pair's line under the form says why


def _limit_batch(spin: QSpinBox, session) -> None:
    spin.setMaximum(max(1, min(session.source_dataset.n_samples, int(LIMITS["batch_size"].high))))
