"""The controls dock: data, model, loss, optimizer and playback settings, bound to the Session.

Widgets write through the Session's methods and read back on `sigSettingsChanged`
(guarded with QSignalBlocker), so the session stays the one source of truth and a setting
changed elsewhere (a loaded session, a preset, a forced loss switch) shows up here.
"""

from __future__ import annotations

import math
from contextlib import ExitStack, contextmanager

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QStandardItemModel, QValidator
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
    QVBoxLayout,
    QWidget,
)

from gradviz import core
from gradviz.core.optimizers import HYPERPARAMETER_HELP, default_hyperparams
from gradviz.core.settings import output_of

from .playback import MAX_SPEED, Playback
from .session import Session
from .theme import Theme

__all__ = ["ControlsPanel", "LogSpinBox"]

MODEL_TITLES = {
    "linear": "Linear regression  ŷ = z",
    "logistic": "Logistic regression  ŷ = σ(z)",
    "softmax": "Softmax regression  ŷ = softmax(z)",
    "mlp": "2-layer MLP",
}
MODEL_TIPS = {
    "linear": "z = XW + b and ŷ = z. With MSE, dL/dz = (ŷ − y)/N and the optimum is the normal equation.",
    "logistic": "ŷ = σ(XW + b) = P(class 2 | x). Two classes only. With BCE, dL/dz = (ŷ − y)/N.",
    "softmax": "ŷ = softmax(XW + b), one probability per class. With CE, dL/dz = (ŷ − y)/N.",
    "mlp": "z¹ = XW¹ + b¹, a = g(z¹), z² = aW² + b²: backprop multiplies dL/dz² by W²ᵀ and g'(z¹).",
}
LOSS_TITLES = {"mse": "MSE  1/2N Σ‖ŷ − y‖²", "bce": "Binary cross-entropy", "ce": "Categorical cross-entropy"}
OPTIMIZER_TITLES = {
    "sgd": "Gradient descent (SGD)",
    "momentum": "Momentum",
    "nesterov": "Nesterov momentum",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
OPTIMIZER_TIPS = {
    "sgd": "θ ← θ − η g",
    "momentum": "v ← μv + g;  θ ← θ − η v  (torch.optim.SGD with momentum)",
    "nesterov": "v ← μv + g;  θ ← θ − η (g + μv)",
    "adagrad": "Σ ← Σ + g²;  θ ← θ − η g / (√Σ + ε)",
    "rmsprop": "s ← αs + (1 − α)g²;  θ ← θ − η g / (√s + ε)",
    "adam": "m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²;  θ ← θ − η m̂ / (√v̂ + ε)",
}
DATASET_TIPS = {
    "line": "1-D regression: y = 1.5x − 0.5 + noise",
    "blobs": "Gaussian blobs, one per class",
    "moons": "two interleaving half circles: no straight line separates them",
    "circles": "a ring around a disc: needs a curved boundary",
    "xor": "four quadrants, opposite ones share a class: the classic case a linear model cannot learn",
    "spiral": "interleaved spiral arms (ConvNetJS / CS231n)",
}


class LogSpinBox(QDoubleSpinBox):
    """A spin box on a log scale: each arrow step multiplies by 10^¼; any float can be typed."""

    def __init__(self, minimum: float, maximum: float, parent=None):
        super().__init__(parent)
        self.setDecimals(12)
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)

    def stepBy(self, steps: int) -> None:
        self.setValue(min(self.maximum(), max(self.minimum(), self.value() * 10 ** (steps / 4))))

    def textFromValue(self, value: float) -> str:
        return f"{value:.3g}"

    def valueFromText(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        try:
            v = float(text)
        except ValueError:
            return QValidator.State.Intermediate, text, pos
        if math.isfinite(v) and self.minimum() <= v <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos


def _combo(name: str, items: dict[str, str], tips: dict[str, str] | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    # long titles must not widen the dock: the combo elides, the popup shows them whole
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    for i, (key, title) in enumerate(items.items()):
        combo.addItem(title, key)
        if tips and key in tips:
            combo.setItemData(i, tips[key], Qt.ItemDataRole.ToolTipRole)
    return combo


def _set_combo(combo: QComboBox, key) -> None:
    i = combo.findData(key)
    if i >= 0:
        combo.setCurrentIndex(i)


class ControlsPanel(QScrollArea):
    def __init__(self, session: Session, playback: Playback, theme: Theme, parent=None):
        super().__init__(parent)
        self.setObjectName("controlsPanel")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the form narrows instead
        self._session = session
        self._playback = playback
        inner = QWidget()
        self.setWidget(inner)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(6, 6, 6, 6)

        # ---------------------------------------------------------------- data
        data_box = QGroupBox("Data")
        form = QFormLayout(data_box)
        self.dataset_combo = _combo("datasetCombo", {k: k for k in core.GENERATORS}, DATASET_TIPS)
        self.dataset_combo.setToolTip("A toy data set to generate (replaces the current data; Ctrl+Z brings it back)")
        self.size_spin = QSpinBox()
        self.size_spin.setObjectName("datasetSizeSpin")
        self.size_spin.setRange(2, 100_000)
        self.size_spin.setValue(100)
        self.size_spin.setToolTip("Number of points N: every gradient is a mean over N samples")
        self.noise_spin = QDoubleSpinBox()
        self.noise_spin.setObjectName("datasetNoiseSpin")
        self.noise_spin.setRange(0.0, 5.0)
        self.noise_spin.setSingleStep(0.05)
        self.noise_spin.setValue(0.3)
        self.noise_spin.setToolTip("How much the points scatter around the pattern")
        self.classes_spin = QSpinBox()
        self.classes_spin.setObjectName("datasetClassesSpin")
        self.classes_spin.setRange(2, core.MAX_CLASSES)
        self.classes_spin.setValue(3)
        self.classes_spin.setToolTip("Number of classes (blobs and spiral)")
        self.generate_button = QPushButton("Generate")
        self.generate_button.setObjectName("generateButton")
        self.generate_button.setToolTip("Replace the data with a fresh sample (undoable)")
        self.generate_button.clicked.connect(self._on_generate)
        self.new_class_combo = QComboBox()
        self.new_class_combo.setObjectName("newClassCombo")
        for c in range(core.MAX_CLASSES):
            self.new_class_combo.addItem(f"class {c} (key {c + 1})", c)
        self.new_class_combo.setToolTip("The class of points you add with a click (keys 1–9)")
        self.new_class_combo.currentIndexChanged.connect(
            lambda i: session.set_new_point_class(self.new_class_combo.itemData(i))
        )
        row = QHBoxLayout()
        row.addWidget(self.dataset_combo, 1)
        row.addWidget(self.generate_button)
        form.addRow("Data set", row)
        form.addRow("Points N", self.size_spin)
        form.addRow("Noise", self.noise_spin)
        form.addRow("Classes", self.classes_spin)
        form.addRow("New points", self.new_class_combo)
        layout.addWidget(data_box)

        # ---------------------------------------------------------------- model
        model_box = QGroupBox("Model and loss")
        form = QFormLayout(model_box)
        self.model_combo = _combo("modelCombo", MODEL_TITLES, MODEL_TIPS)
        self.model_combo.setToolTip("The model ŷ = f(XW + b). Changing it starts a new run.")
        self.hidden_spin = QSpinBox()
        self.hidden_spin.setObjectName("hiddenSpin")
        self.hidden_spin.setRange(1, 64)
        self.hidden_spin.setToolTip("Hidden units h of the MLP: W¹ is d × h, W² is h × k")
        self.activation_combo = _combo("hiddenActivationCombo", {a: a for a in core.HIDDEN_ACTIVATIONS})
        self.activation_combo.setToolTip("g in a = g(z¹): its derivative g' gates every gradient into W¹")
        self.output_combo = _combo(
            "outputCombo",
            {
                None: "canonical for the loss",
                "identity": "identity ŷ = z",
                "sigmoid": "sigmoid σ(z)",
                "softmax": "softmax(z)",
            },
        )
        self.output_combo.setToolTip(
            "The MLP's output activation f in ŷ = f(z²). Each loss has its canonical one (MSE: identity, "
            "BCE: sigmoid, CE: softmax), where dL/dz = (ŷ − y)/N; MSE with sigmoid or softmax is allowed "
            "and keeps f' in the gradient."
        )
        self.loss_combo = _combo("lossCombo", LOSS_TITLES)
        self.loss_combo.setToolTip("Only pairs the math admits are enabled; non-canonical ones are marked ⚠")
        self.pair_label = QLabel()
        self.pair_label.setObjectName("pairLabel")
        self.pair_label.setWordWrap(True)
        self.pair_label.setTextFormat(Qt.TextFormat.RichText)
        form.addRow("Model", self.model_combo)
        form.addRow("Hidden units", self.hidden_spin)
        form.addRow("Activation", self.activation_combo)
        form.addRow("Output", self.output_combo)
        form.addRow("Loss", self.loss_combo)
        form.addRow(self.pair_label)
        layout.addWidget(model_box)

        # ---------------------------------------------------------------- optimizer
        opt_box = QGroupBox("Optimizer")
        form = QFormLayout(opt_box)
        self._opt_form = form
        self.optimizer_combo = _combo("optimizerCombo", OPTIMIZER_TITLES, OPTIMIZER_TIPS)
        self.optimizer_combo.setToolTip("The update rule (torch.optim's); changing it does not reset the run")
        self.lr_spin = LogSpinBox(1e-6, 1e4)
        self.lr_spin.setObjectName("learningRateSpin")
        self.lr_spin.setToolTip(
            "Learning rate η (log scale: each arrow step ×1.78). Too large and the loss diverges; "
            "changing it does not reset the run."
        )
        self.momentum_spin = self._spin("momentumSpin", 0.0, 0.999, 0.05, "momentum")
        self.beta1_spin = self._spin("beta1Spin", 0.0, 0.9999, 0.01, "betas")
        self.beta2_spin = self._spin("beta2Spin", 0.0, 0.99999, 0.001, "betas")
        self.alpha_spin = self._spin("alphaSpin", 0.0, 0.9999, 0.01, "alpha")
        self.eps_spin = LogSpinBox(1e-12, 1.0)
        self.eps_spin.setObjectName("epsSpin")
        self.eps_spin.setToolTip(HYPERPARAMETER_HELP["eps"])
        self.centered_check = QCheckBox("centered")
        self.centered_check.setObjectName("centeredCheck")
        self.centered_check.setToolTip(HYPERPARAMETER_HELP["centered"])
        self.batch_spin = QSpinBox()
        self.batch_spin.setObjectName("batchSizeSpin")
        self.batch_spin.setRange(0, 100_000)
        self.batch_spin.setSpecialValueText("full batch")
        self.batch_spin.setToolTip(
            "Samples per step: full batch (exact gradient), a mini-batch, or 1 (stochastic gradient descent). "
            "Does not reset the run."
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setObjectName("seedSpin")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setToolTip("Seed of the initial weights, the mini-batch order and generated data")
        form.addRow("Optimizer", self.optimizer_combo)
        form.addRow("Learning rate η", self.lr_spin)
        self._hyper_rows = {
            "momentum": self.momentum_spin,
            "beta1": self.beta1_spin,
            "beta2": self.beta2_spin,
            "alpha": self.alpha_spin,
            "eps": self.eps_spin,
            "centered": self.centered_check,
        }
        form.addRow("Momentum μ", self.momentum_spin)
        form.addRow("β₁", self.beta1_spin)
        form.addRow("β₂", self.beta2_spin)
        form.addRow("α", self.alpha_spin)
        form.addRow("ε", self.eps_spin)
        form.addRow("", self.centered_check)
        form.addRow("Batch size", self.batch_spin)
        form.addRow("Seed", self.seed_spin)
        layout.addWidget(opt_box)

        # ---------------------------------------------------------------- playback
        play_box = QGroupBox("Playback")
        form = QFormLayout(play_box)
        self.speed_spin = QSpinBox()
        self.speed_spin.setObjectName("speedSpin")
        self.speed_spin.setRange(0, MAX_SPEED)
        self.speed_spin.setSpecialValueText("max")
        self.speed_spin.setSuffix(" steps/s")
        self.speed_spin.setValue(playback.speed)
        self.speed_spin.setToolTip("Training speed while playing; 'max' runs as fast as frames allow")
        self.speed_spin.valueChanged.connect(playback.set_speed)
        playback.sigSpeedChanged.connect(self._on_speed_changed)
        form.addRow("Speed", self.speed_spin)
        layout.addWidget(play_box)
        layout.addStretch(1)

        for w in inner.findChildren(QWidget):
            w.setFont(theme.font())

        self.model_combo.currentIndexChanged.connect(self._on_model_combo)
        self.loss_combo.currentIndexChanged.connect(lambda _: session.set_settings(loss=self.loss_combo.currentData()))
        self.hidden_spin.valueChanged.connect(lambda v: session.set_settings(hidden=v))
        self.activation_combo.currentIndexChanged.connect(
            lambda _: session.set_settings(hidden_activation=self.activation_combo.currentData())
        )
        self.output_combo.currentIndexChanged.connect(self._on_output_combo)
        self.optimizer_combo.currentIndexChanged.connect(self._on_optimizer_combo)
        self.lr_spin.valueChanged.connect(lambda v: self._set_hyper(lr=v))
        self.momentum_spin.valueChanged.connect(lambda v: self._set_hyper(momentum=v))
        self.alpha_spin.valueChanged.connect(lambda v: self._set_hyper(alpha=v))
        self.eps_spin.valueChanged.connect(lambda v: self._set_hyper(eps=v))
        self.centered_check.toggled.connect(lambda v: self._set_hyper(centered=v))
        self.beta1_spin.valueChanged.connect(lambda v: self._set_betas())
        self.beta2_spin.valueChanged.connect(lambda v: self._set_betas())
        self.batch_spin.valueChanged.connect(lambda v: session.set_settings(batch_size=v or None))
        self.seed_spin.valueChanged.connect(lambda v: session.set_settings(seed=v))
        self.dataset_combo.currentIndexChanged.connect(self._on_dataset_combo)

        session.sigSettingsChanged.connect(self._on_settings_changed)
        session.sigDataChanged.connect(self._on_data_changed)
        session.sigNewPointClassChanged.connect(self._on_new_class_changed)
        self._on_data_changed()

    def _spin(self, name: str, lo: float, hi: float, step: float, help_key: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setObjectName(name)
        spin.setRange(lo, hi)
        spin.setDecimals(4 if hi < 0.9999 else 5)
        spin.setSingleStep(step)
        spin.setKeyboardTracking(False)
        spin.setToolTip(HYPERPARAMETER_HELP[help_key])
        return spin

    # ------------------------------------------------------------------ widget → session
    def _on_generate(self) -> None:
        name = self.dataset_combo.currentData()
        kwargs = {"classes": self.classes_spin.value()} if name in ("blobs", "spiral") else {}
        self._session.generate(name, self.size_spin.value(), self.noise_spin.value(), **kwargs)

    def _on_dataset_combo(self, *args) -> None:
        name = self.dataset_combo.currentData()
        self.classes_spin.setEnabled(name in ("blobs", "spiral"))

    def _on_model_combo(self, *args) -> None:
        model = self.model_combo.currentData()
        loss = self._session.settings.loss
        output = self._session.settings.output if model == "mlp" else None
        if not core.make_loss(loss).admits(output_of(model, loss, output)):
            loss = core.default_loss_for(model, output)
        self._session.set_settings(model=model, loss=loss, output=output)

    def _on_output_combo(self, *args) -> None:
        output = self.output_combo.currentData()
        loss = self._session.settings.loss
        if output is not None and not core.make_loss(loss).admits(output):
            loss = core.default_loss_for("mlp", output)  # CE needs softmax, BCE sigmoid: switch the loss
        self._session.set_settings(output=output, loss=loss)

    def _enable_outputs(self, ds) -> None:
        model: QStandardItemModel = self.output_combo.model()
        for i in range(self.output_combo.count()):
            key = self.output_combo.itemData(i)
            ok = True
            if key in ("sigmoid", "softmax") and not ds.is_classification:
                ok = False
            elif key == "sigmoid" and ds.n_classes > 2:
                ok = False
            model.item(i).setEnabled(ok)

    def _on_optimizer_combo(self, *args) -> None:
        name = self.optimizer_combo.currentData()
        lr = self._session.settings.hyperparams.get("lr", default_hyperparams(name)["lr"])
        self._session.set_settings(optimizer=name, hyperparams={"lr": lr})

    def _set_hyper(self, **changes) -> None:
        s = self._session.settings
        hp = {**default_hyperparams(s.optimizer), **s.hyperparams, **changes}
        defaults = default_hyperparams(s.optimizer)
        hp = {k: v for k, v in hp.items() if k in defaults}
        self._session.set_settings(hyperparams=hp)

    def _set_betas(self) -> None:
        self._set_hyper(betas=(self.beta1_spin.value(), self.beta2_spin.value()))

    # ------------------------------------------------------------------ session → widget
    def _on_speed_changed(self, speed: int) -> None:
        with _blocked(self.speed_spin):
            self.speed_spin.setValue(speed)

    def _on_new_class_changed(self, c: int) -> None:
        with _blocked(self.new_class_combo):
            _set_combo(self.new_class_combo, c)

    def _on_data_changed(self) -> None:
        ds = self._session.source_dataset
        with _blocked(self.dataset_combo, self.size_spin, self.classes_spin):
            if ds.name in core.GENERATORS:
                _set_combo(self.dataset_combo, ds.name)
            self.size_spin.setValue(ds.n_samples)
            if ds.is_classification:
                self.classes_spin.setValue(ds.n_classes)
        self._on_dataset_combo()
        self._on_settings_changed()

    def _on_settings_changed(self) -> None:
        s = self._session.settings
        ds = self._session.source_dataset
        widgets = [
            self.model_combo,
            self.loss_combo,
            self.hidden_spin,
            self.activation_combo,
            self.output_combo,
            self.optimizer_combo,
            self.lr_spin,
            self.momentum_spin,
            self.beta1_spin,
            self.beta2_spin,
            self.alpha_spin,
            self.eps_spin,
            self.centered_check,
            self.batch_spin,
            self.seed_spin,
        ]
        with _blocked(*widgets):
            _set_combo(self.model_combo, s.model)
            self._enable_models(ds)
            _set_combo(self.loss_combo, s.loss)
            self._enable_losses(s)
            self.hidden_spin.setValue(s.hidden)
            _set_combo(self.activation_combo, s.hidden_activation)
            _set_combo(self.output_combo, s.output)
            self._enable_outputs(ds)
            is_mlp = s.model == "mlp"
            for w in (self.hidden_spin, self.activation_combo, self.output_combo):
                w.setEnabled(is_mlp)
            _set_combo(self.optimizer_combo, s.optimizer)
            hp = self._session.optimizer.hyperparams
            self.lr_spin.setValue(hp["lr"])
            shown = {
                "momentum": "momentum" in hp,
                "beta1": "betas" in hp,
                "beta2": "betas" in hp,
                "alpha": "alpha" in hp,
                "eps": "eps" in hp,
                "centered": "centered" in hp,
            }
            for key, widget in self._hyper_rows.items():
                self._opt_form.setRowVisible(widget, shown[key])
            if "momentum" in hp:
                self.momentum_spin.setValue(hp["momentum"])
            if "betas" in hp:
                self.beta1_spin.setValue(hp["betas"][0])
                self.beta2_spin.setValue(hp["betas"][1])
            if "alpha" in hp:
                self.alpha_spin.setValue(hp["alpha"])
            if "eps" in hp:
                self.eps_spin.setValue(hp["eps"])
            if "centered" in hp:
                self.centered_check.setChecked(hp["centered"])
            self.batch_spin.setMaximum(max(1, ds.n_samples))
            self.batch_spin.setValue(s.batch_size or 0)
            self.seed_spin.setValue(s.seed)
        self._update_pair_label()

    def _enable_models(self, ds) -> None:
        model: QStandardItemModel = self.model_combo.model()
        for i in range(self.model_combo.count()):
            key = self.model_combo.itemData(i)
            item = model.item(i)
            ok, why = True, MODEL_TIPS[key]
            if not ds.is_classification and key in ("logistic", "softmax"):
                ok, why = False, "needs class labels; this is regression data"
            elif key == "logistic" and ds.n_classes > 2:
                ok, why = False, f"separates two classes; this data has {ds.n_classes} (use softmax regression)"
            item.setEnabled(ok)
            item.setToolTip(why)

    def _enable_losses(self, s) -> None:
        model: QStandardItemModel = self.loss_combo.model()
        for i in range(self.loss_combo.count()):
            key = self.loss_combo.itemData(i)
            loss = core.make_loss(key)
            output = output_of(s.model, key, s.output)
            item = model.item(i)
            if not loss.admits(output):
                item.setEnabled(False)
                item.setText(LOSS_TITLES[key])
                item.setToolTip(core.rules.why_not(key, output))
            elif loss.is_canonical(output):
                item.setEnabled(True)
                item.setText(LOSS_TITLES[key] + "  ✓")
                item.setToolTip(f"Canonical with a {output} output: dL/dz = (ŷ − y)/N")
            else:
                item.setEnabled(True)
                item.setText(LOSS_TITLES[key] + "  ⚠ non-canonical")
                item.setToolTip(f"With a {output} output dL/dz ≠ (ŷ − y)/N: the activation's derivative stays in")

    def _update_pair_label(self) -> None:
        s = self._session.settings
        out = s.output_activation
        if s.is_canonical:
            text = f"Canonical pair ({out} + {s.loss.upper()}):<br><b>dL/dz = (ŷ − y)/N</b>"
        elif out == "sigmoid":
            text = "Non-canonical (sigmoid + MSE):<br><b>dL/dz = (ŷ − y)·ŷ(1 − ŷ)/N</b> — vanishes when σ saturates"
        else:
            text = f"Non-canonical ({out} + MSE):<br><b>dL/dz = J<sub>softmax</sub>(ŷ − y)/N</b>"
        self.pair_label.setText(text)


@contextmanager
def _blocked(*widgets):
    """QSignalBlocker for several widgets at once: writing a value back must not echo."""
    with ExitStack() as stack:
        for w in widgets:
            stack.enter_context(QSignalBlocker(w))
        yield
