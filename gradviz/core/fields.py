"""Every training setting a user can change, described once: its words, its range, its effect.

The GUI builds and binds its controls from this table (a control's range is the limit core
enforces), the help texts come from here, and `restarts` says which changes start a new run
from step 0 (the model's shape or meaning, or the seed) and which carry the run on.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import rules
from .limits import LIMITS, Limit
from .optimizers import HYPERPARAMETER_HELP, OPTIMIZER_RULES, OPTIMIZER_TITLES

__all__ = ["Field", "FIELDS", "FUNCTION_CHOICE", "HYPERPARAMETER_FIELDS", "RESTARTING", "SHARED_BY_RUNS", "MAX_RUNS"]

FUNCTION_CHOICE = "function"  # the model choice that means "a function f(x, y) instead of a model"


@dataclass(frozen=True)
class Field:
    name: str  # as Settings.get / Settings.with_value take it
    label: str
    help: str
    kind: str  # "choice", "count" (whole numbers), "number", "toggle", "text", "point" (x, y)
    limit: Limit | None = None
    choices: tuple[tuple[object, str, str], ...] = ()  # (value, title, tooltip)
    none_text: str = ""  # what the value None means, e.g. "full batch"
    restarts: bool = False  # a change starts a new run from step 0
    step: float = 0.0  # a spin box's arrow step (log limits step by a factor instead)
    decimals: int = 4
    # its control: the widget's objectName (what tests, saved layouts and scripts find), the group box it
    # sits in (in this table's order), and what it means something for (`Settings.applies` reads it, and the
    # control shows or greys out by it): "always"; "function" (the playground's own); "model" (any model's,
    # not a function's); "mlp" (an MLP's shape: greyed out for the one-layer models); "optimizer" (a
    # hyper-parameter: where the optimizer chosen has it)
    control: str = ""
    group: str = ""
    shows: str = "always"


def _choices(titles: dict, tips: dict | None = None) -> tuple[tuple[object, str, str], ...]:
    return tuple((key, title, (tips or {}).get(key, "")) for key, title in titles.items())


MODEL_GROUP, OPTIMIZER_GROUP = "Model and loss", "Optimizer"


def _number(name: str, label: str, control: str, step: float = 0.0, decimals: int = 4) -> Field:
    """An optimizer's hyper-parameter: shown where the optimizer chosen has it."""
    return Field(
        name, label, HYPERPARAMETER_HELP[name], "number", LIMITS[name], step=step, decimals=decimals,
        control=control, group=OPTIMIZER_GROUP, shows="optimizer",
    )  # fmt: skip


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field(
            "model",
            "Model",
            "The model ŷ = f(XW + b). Changing it starts a new run.",
            "choice",
            choices=(
                *_choices(rules.MODEL_TITLES, rules.MODEL_TIPS),
                (
                    FUNCTION_CHOICE,
                    "f(x, y)  playground",
                    "Descent on a function of two variables: Rosenbrock, Beale, Himmelblau, a saddle, … or your "
                    "own formula. No data: θ is the point (x, y) and the gradient is ∇f, exact.",
                ),
            ),
            restarts=True,
            control="modelCombo",
            group=MODEL_GROUP,
        ),
        Field(
            "function",
            "f(x, y) =",
            "A named function (rosenbrock, beale, himmelblau, saddle, monkey-saddle, ill-conditioned) or a "
            "formula in x and y: numbers, + − * / ** (or ^), parentheses, pi, e and sin cos tan exp log sqrt "
            "tanh abs. Its gradient and Hessian are exact. Changing it starts a new run.",
            "text",
            restarts=True,
            control="functionEditor",
            group=MODEL_GROUP,
            shows="function",
        ),
        Field(
            "start",
            "Start (x, y)",
            "Where descent starts; click the surface to move it. Changing it starts a new run.",
            "point",
            restarts=True,
            control="startLabel",
            group=MODEL_GROUP,
            shows="function",
        ),
        Field(
            "hidden",
            "Hidden units",
            "Hidden units h of the MLP: W¹ is d × h, W² is h × k",
            "count",
            LIMITS["hidden"],
            restarts=True,
            control="hiddenSpin",
            group=MODEL_GROUP,
            shows="mlp",
        ),
        Field(
            "hidden_activation",
            "Activation",
            "g in a = g(z¹): its derivative g' gates every gradient into W¹",
            "choice",
            choices=tuple((a, a, "") for a in rules.HIDDEN_ACTIVATIONS),
            restarts=True,
            control="hiddenActivationCombo",
            group=MODEL_GROUP,
            shows="mlp",
        ),
        Field(
            "output",
            "Output",
            "The MLP's output activation f in ŷ = f(z²). Each loss has its canonical one (MSE: identity, "
            "BCE: sigmoid, CE: softmax), where dL/dz = (ŷ − y)/N; MSE with sigmoid or softmax is allowed "
            "and keeps f' in the gradient.",
            "choice",
            choices=((None, "canonical for the loss", ""), *_choices(rules.OUTPUT_TITLES)),
            restarts=True,
            control="outputCombo",
            group=MODEL_GROUP,
            shows="mlp",
        ),
        Field(
            "loss",
            "Loss",
            "Only pairs the math admits are enabled; non-canonical ones are marked ⚠",
            "choice",
            choices=_choices(rules.LOSS_TITLES),
            restarts=True,
            control="lossCombo",
            group=MODEL_GROUP,
            shows="model",
        ),
        Field(
            "optimizer",
            "Optimizer",
            "The update rule (torch.optim's); changing it does not reset the run",
            "choice",
            choices=_choices(OPTIMIZER_TITLES, OPTIMIZER_RULES),
            control="optimizerCombo",
            group=OPTIMIZER_GROUP,
        ),
        _number("lr", "Learning rate η", "learningRateSpin"),
        _number("momentum", "Momentum μ", "momentumSpin", 0.05),
        _number("beta1", "β₁", "beta1Spin", 0.01),
        _number("beta2", "β₂", "beta2Spin", 0.001, 5),
        _number("alpha", "α", "alphaSpin", 0.01),
        _number("eps", "ε", "epsSpin"),
        Field(
            "centered",
            "",
            HYPERPARAMETER_HELP["centered"],
            "toggle",
            control="centeredCheck",
            group=OPTIMIZER_GROUP,
            shows="optimizer",
        ),
        _number("weight_decay", "Weight decay λ", "weightDecaySpin", 0.001),
        Field(
            "batch_size",
            "Batch size",
            "Samples per step: full batch (exact gradient), a mini-batch, or 1 (stochastic gradient descent). "
            "Does not reset the run.",
            "count",
            LIMITS["batch_size"],
            none_text="full batch",
            control="batchSizeSpin",
            group=OPTIMIZER_GROUP,
            shows="model",
        ),
        Field(
            "val_fraction",
            "Validation share",
            "The share of the points held out (drawn hollow): the run never trains on them, and the loss "
            "curve shows their loss beside the training loss, so overfitting shows. Changing it starts a "
            "new run.",
            "number",
            LIMITS["val_fraction"],
            restarts=True,
            step=0.05,
            decimals=2,
            control="valFractionSpin",
            group=OPTIMIZER_GROUP,
            shows="model",
        ),
        Field(
            "seed",
            "Seed",
            "Seed of the initial weights, the mini-batch order and generated data",
            "count",
            LIMITS["seed"],
            restarts=True,
            control="seedSpin",
            group=OPTIMIZER_GROUP,
            shows="model",
        ),
    )
}

HYPERPARAMETER_FIELDS = tuple(name for name, f in FIELDS.items() if f.shows == "optimizer")
RESTARTING = tuple(name for name, f in FIELDS.items() if f.restarts)
# runs raced against each other share these (and the data and the start θ₀): the race is fair
SHARED_BY_RUNS = ("model", "hidden", "hidden_activation", "function", "start")
MAX_RUNS = 7  # the first run and up to six beside it: one colour each, a legend that still reads
