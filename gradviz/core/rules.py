"""Which model, output activation, loss and data go together: the one table everything asks.

A model kind has an output activation (fixed for linear / logistic / softmax regression, chosen
for the MLP). Each loss admits some outputs and is *canonical* for one of them (MSE + identity,
BCE + sigmoid, CE + softmax): only for a canonical pair is dL/dz = (ŷ − y)/N. A data set admits
some model kinds (logistic regression needs exactly two classes, softmax needs classes at all).
`fit` turns any requested combination into one that works, and says in words what it changed.
The formula text every view writes comes from here too, so the pictures and the words agree.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "MODEL_KINDS",
    "HIDDEN_ACTIVATIONS",
    "OUTPUTS",
    "LOSS_NAMES",
    "FIXED_OUTPUT",
    "CANONICAL_LOSS",
    "CANONICAL_OUTPUT",
    "ADMITTED_OUTPUTS",
    "MODEL_TITLES",
    "MODEL_TIPS",
    "LOSS_TITLES",
    "OUTPUT_TITLES",
    "LOSS_FORMULAS",
    "OUTPUT_FORMULAS",
    "Fit",
    "admits",
    "is_canonical",
    "why_not",
    "output_of",
    "default_loss_for",
    "natural_output",
    "n_outputs",
    "model_problem",
    "output_problem",
    "model_defaults",
    "fit",
    "describe",
    "logit_gradient_formula",
]

MODEL_KINDS = ("linear", "logistic", "softmax", "mlp")
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu")
OUTPUTS = ("identity", "sigmoid", "softmax")
LOSS_NAMES = ("mse", "bce", "ce")

FIXED_OUTPUT = {"linear": "identity", "logistic": "sigmoid", "softmax": "softmax"}  # the MLP's is chosen
CANONICAL_LOSS = {"identity": "mse", "sigmoid": "bce", "softmax": "ce"}
CANONICAL_OUTPUT = {loss: output for output, loss in CANONICAL_LOSS.items()}
ADMITTED_OUTPUTS = {"mse": OUTPUTS, "bce": ("sigmoid",), "ce": ("softmax",)}

# the model's name; its output's formula is the Output row's and the canonical pair's (and the tooltip's)
MODEL_TITLES = {
    "linear": "Linear regression",
    "logistic": "Logistic regression",
    "softmax": "Softmax regression",
    "mlp": "2-layer MLP",
}
MODEL_TIPS = {
    "linear": "z = XW + b and ŷ = z. With MSE, dL/dz = (ŷ − y)/N and the optimum is the normal equation.",
    "logistic": "ŷ = σ(XW + b) = P(class 1 | x). Two classes only. With BCE, dL/dz = (ŷ − y)/N.",
    "softmax": "ŷ = softmax(XW + b), one probability per class. With CE, dL/dz = (ŷ − y)/N.",
    "mlp": "z¹ = XW¹ + b¹, a = g(z¹), z² = aW² + b²: backprop multiplies dL/dz² by W²ᵀ and g'(z¹).",
}
LOSS_TITLES = {"mse": "Mean squared error", "bce": "Binary cross-entropy", "ce": "Categorical cross-entropy"}
OUTPUT_TITLES = {"identity": "identity ŷ = z", "sigmoid": "sigmoid σ(z)", "softmax": "softmax(z)"}


@dataclass(frozen=True)
class Formula:
    """One step of the chain rule as text: the definition and its derivative (one sample, no 1/N)."""

    value: str  # "ℓ = ½‖ŷ − y‖²"
    derivative: str  # "∂ℓ/∂ŷ = ŷ − y"

    @property
    def rhs(self) -> str:
        """The derivative's right-hand side ("ŷ − y")."""
        return self.derivative.split(" = ", 1)[1]


LOSS_FORMULAS = {
    "mse": Formula("ℓ = ½‖ŷ − y‖²", "∂ℓ/∂ŷ = ŷ − y"),
    "bce": Formula("ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)]", "∂ℓ/∂ŷ = −(y/ŷ − (1 − y)/(1 − ŷ))"),
    "ce": Formula("ℓ = −Σⱼ yⱼ log ŷⱼ", "∂ℓ/∂ŷ = −y/ŷ"),
}
OUTPUT_FORMULAS = {
    "identity": Formula("ŷ = z", "∂ŷ/∂z = I"),
    "sigmoid": Formula("ŷ = σ(z)", "∂ŷ/∂z = ŷ(1 − ŷ)"),
    "softmax": Formula("ŷ = softmax(z)", "∂ŷ/∂z = diag(ŷ) − ŷŷᵀ"),
}


# ---------------------------------------------------------------------- loss and output
def is_full_batch(batch_size: int | None, n_samples: int) -> bool:
    """A batch as large as the data (or larger) is the whole data set: every step uses every point."""
    return batch_size is None or batch_size >= n_samples


def admits(loss: str, output: str) -> bool:
    return output in ADMITTED_OUTPUTS[loss]


def is_canonical(loss: str, output: str) -> bool:
    return CANONICAL_LOSS[output] == loss


def why_not(loss: str, output: str) -> str:
    """Why `loss` cannot be paired with `output` (empty if it can)."""
    if admits(loss, output):
        return ""
    if loss == "ce":
        return "cross-entropy compares two probability distributions over the classes, so ŷ must come from a softmax"
    return "binary cross-entropy reads ŷ as P(y = 1 | x), so ŷ must come from a sigmoid"


def output_of(model: str, loss: str, output: str | None = None) -> str:
    """The output activation of a model kind; the MLP's follows the loss unless it is given."""
    if model in FIXED_OUTPUT:
        return FIXED_OUTPUT[model]
    if output is not None:
        return output
    return CANONICAL_OUTPUT[loss]


def default_loss_for(model: str, output: str | None = None) -> str:
    """The canonical loss of a model kind (of the MLP with the given output)."""
    return CANONICAL_LOSS[output_of(model, "mse", output)]


def logit_gradient_formula(loss: str, output: str) -> str:
    """dL/dz for the whole batch, as text: (ŷ − y)/N exactly for the canonical pairs."""
    if is_canonical(loss, output):
        return "dL/dz = (ŷ − y)/N"
    if output == "sigmoid":
        return "dL/dz = (ŷ − y)·ŷ(1 − ŷ)/N"
    return "dL/dz = J_softmax (ŷ − y)/N"


# ---------------------------------------------------------------------- data
def natural_output(data) -> str:
    """The output a data set calls for: identity for real targets, sigmoid for two classes, else softmax."""
    if not data.is_classification:
        return "identity"
    return "sigmoid" if data.n_classes == 2 else "softmax"


def n_outputs(data, output: str) -> int:
    """How many model outputs k the data calls for with the given output activation."""
    if not data.is_classification:
        return 1
    if output == "softmax" or data.n_classes > 2:
        return data.n_classes
    return 1


def model_problem(model: str, data) -> str:
    """Why a model kind cannot fit the data (empty if it can)."""
    if model in ("logistic", "softmax") and not data.is_classification:
        return "needs class labels; this is regression data"
    if model == "logistic" and data.n_classes > 2:
        return f"separates two classes; this data has {data.n_classes}"
    return ""


def output_problem(output: str, data) -> str:
    """Why an MLP output activation cannot fit the data (empty if it can)."""
    if output in ("sigmoid", "softmax") and not data.is_classification:
        return f"a {output} output predicts classes; this is regression data"
    if output == "sigmoid" and data.n_classes > 2:
        return f"a sigmoid output separates two classes; this data has {data.n_classes}"
    return ""


def model_defaults(model: str, data) -> tuple[str, str | None]:
    """(loss, MLP output) a model kind starts with on this data: its canonical pair."""
    output = natural_output(data) if model == "mlp" else None
    return default_loss_for(model, output), output


@dataclass(frozen=True)
class Fit:
    """A model / loss / output combination that works on a data set, and what had to change."""

    model: str
    loss: str
    output: str | None
    notes: tuple[str, ...] = ()


def fit(model: str, loss: str, output: str | None, data) -> Fit:
    """Make a requested combination fit the data; what changed, and why, is one sentence in `notes`."""
    asked = (model, loss, output)
    reasons = []
    if model_problem(model, data):
        reasons.append(f"{_short(model)} {model_problem(model, data)}")
        model = "softmax" if data.is_classification else "linear"
    if model == "mlp" and output is not None and output_problem(output, data):
        reasons.append(output_problem(output, data))
        output = natural_output(data)
    if model == "mlp" and output is None and output_problem(output_of(model, loss), data):
        # the output follows the loss: a loss whose output cannot fit gives way to the data's own pair
        reasons.append(f"with {LOSS_TITLES[loss].lower()}, {output_problem(output_of(model, loss), data)}")
        loss = CANONICAL_LOSS[natural_output(data)]
    out = output_of(model, loss, output)
    if not admits(loss, out):
        if not reasons:
            reasons.append(f"{LOSS_TITLES[loss].lower()} cannot train a {out} output: {why_not(loss, out)}")
        loss = CANONICAL_LOSS[out]
    if (model, loss, output) == asked:
        return Fit(model, loss, output)
    return Fit(model, loss, output, (f"{'; '.join(reasons)}: using {describe(model, loss, output)}",))


def describe(model: str, loss: str, output: str | None = None) -> str:
    """ "softmax regression + categorical cross-entropy", "the MLP (sigmoid output) + MSE", …"""
    name = _short(model)
    if model == "mlp":
        name += f" ({output_of(model, loss, output)} output)"
    return f"{name} + {LOSS_TITLES[loss].lower()}"


def _short(model: str) -> str:
    return MODEL_TITLES[model].split("  ")[0].lower().replace("2-layer mlp", "the MLP")
