"""The derivation: the chain rule of the seeds, written out with the selected sample's numbers.

Forward pass, loss, ∂ℓ/∂ŷ, the activation's Jacobian, ∂ℓ/∂z (= ŷ − y for a canonical pair,
and visibly not for MSE with a sigmoid or softmax), the weight gradient xᵀ∂ℓ/∂z, the MLP's
backward step through W² and g'(z¹), and the batch mean that the optimizer uses, checked
against the trainer's gradient. For linear regression with MSE, the normal equation's optimum.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from gradviz import core

from ..session import Session
from ..theme import Theme
from .base import SessionView

__all__ = ["DerivationView", "MAX_CHECKED"]

MAX_CHECKED = 5_000  # batches up to this size are re-summed from per-sample gradients as a check


def _fmt(a, digits: int = 3) -> str:
    a = np.asarray(a, dtype=float) + 0.0  # + 0.0 turns −0 (from −0/ŷ) into 0
    if a.ndim == 0:
        return f"{float(a):.{digits}g}"
    if a.ndim == 1:
        return "[" + ", ".join(f"{v:.{digits}g}" for v in a) + "]"
    return "[" + "; ".join(_fmt(row, digits) for row in a) + "]"


_LOSS_FORMULA = {
    "mse": ("ℓ = ½‖ŷ − y‖²", "∂ℓ/∂ŷ = ŷ − y"),
    "bce": ("ℓ = −[y log ŷ + (1 − y) log(1 − ŷ)]", "∂ℓ/∂ŷ = −(y/ŷ − (1 − y)/(1 − ŷ))"),
    "ce": ("ℓ = −Σⱼ yⱼ log ŷⱼ", "∂ℓ/∂ŷ = −y/ŷ"),
}
_ACT_FORMULA = {
    "identity": ("ŷ = z", "∂ŷ/∂z = I"),
    "sigmoid": ("ŷ = σ(z)", "∂ŷ/∂z = ŷ(1 − ŷ)"),
    "softmax": ("ŷ = softmax(z)", "∂ŷ/∂z = diag(ŷ) − ŷŷᵀ"),
}


class DerivationView(SessionView):
    def __init__(self, session: Session, theme: Theme, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("derivationView")
        self._session = session
        self.browser = QTextBrowser()
        self.browser.setObjectName("derivationText")
        self.browser.setFont(theme.font(1.0))
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.browser)
        self.sample: int | None = None
        self.checks: dict[str, bool] = {}  # what the derivation verified against core (tests read it)
        self.follow(session, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self._session
        model, loss, params = s.model, s.loss, s.params
        X, Y = s.dataset.X, s.dataset.Y
        N = X.shape[0]
        i, chosen = s.focus_sample()
        who = f"sample {i} (selected)" if chosen else f"sample {i}, the worst fit (click a point to choose another)"
        self.sample = i
        x, y = X[i : i + 1], Y[i : i + 1]
        fwd = model.forward(params, x)
        z, p = fwd.Z[0], fwd.P[0]
        out = model.output
        ell = model.per_sample_losses(params, x, y, loss)[0]
        dl_dp = loss.grad_output(p[None], y)[0]  # N = 1: one sample's ℓ
        dl_dz = model.logit_delta(params, x, y, loss)[0]
        grads_i = model.per_sample_grads(params, x, y, loss)  # (1, …): this sample's ∇ℓ
        act_f, act_d = _ACT_FORMULA[out]
        loss_f, loss_d = _LOSS_FORMULA[loss.name]
        lines = [f"<h3>The chain rule for {who}</h3>", "<b>Forward</b><br>"]
        if model.kind == "mlp":
            lines.append(f"z¹ = xW¹ + b¹ = {_fmt(fwd.Z1[0])}<br>")
            lines.append(f"a = {model.hidden_activation}(z¹) = {_fmt(fwd.A1[0])}<br>")
            lines.append(f"z = aW² + b² = {_fmt(z)}<br>")
        else:
            lines.append(f"x = {_fmt(x[0])}, &nbsp; z = xW + b = {_fmt(z)}<br>")
        lines.append(f"{act_f} = {_fmt(p)}, &nbsp; y = {_fmt(y[0])}<br>")
        lines.append(f"{loss_f} = {_fmt(ell, 4)}<br>")
        lines.append("<b>Backward</b><br>")
        lines.append(f"{loss_d} = {_fmt(dl_dp)}<br>")
        if out == "softmax":
            J = core.softmax_jacobian(p)
            lines.append(f"{act_d} = {_fmt(J)}<br>")
        elif out == "sigmoid":
            lines.append(f"{act_d} = {_fmt(p * (1 - p))}<br>")
        else:
            lines.append(f"{act_d}<br>")
        canonical = loss.is_canonical(out)
        self.checks = {"canonical_delta": bool(np.allclose(dl_dz, p - y[0], atol=1e-12)) == canonical}
        if canonical:
            lines.append(f"<b>∂ℓ/∂z = (∂ℓ/∂ŷ)ᵀ ∂ŷ/∂z = ŷ − y = {_fmt(dl_dz)}</b> ✓ canonical pair<br>")
        else:
            lines.append(
                f"<b>∂ℓ/∂z = (∂ℓ/∂ŷ)ᵀ ∂ŷ/∂z = {_fmt(dl_dz)}</b> — not ŷ − y = {_fmt(p - y[0])}: "
                f"MSE with a {out} output keeps the activation's derivative, which vanishes where it saturates<br>"
            )
        if model.kind == "mlp":
            W2 = params["W2"]
            d1 = grads_i["b1"][0]
            lines.append(f"∂ℓ/∂W² = aᵀ ∂ℓ/∂z = {_fmt(grads_i['W2'][0])}<br>")
            lines.append(
                f"∂ℓ/∂z¹ = (∂ℓ/∂z W²ᵀ) ⊙ g'(z¹) = {_fmt(d1)} &nbsp; (W²ᵀ is {W2.shape[1]} × {W2.shape[0]})<br>"
            )
            lines.append(f"∂ℓ/∂W¹ = xᵀ ∂ℓ/∂z¹ = {_fmt(grads_i['W1'][0])}<br>")
        else:
            lines.append(f"∂ℓ/∂W = xᵀ ∂ℓ/∂z = {_fmt(grads_i['W'][0])}, &nbsp; ∂ℓ/∂b = ∂ℓ/∂z<br>")
        lines.append("<b>The batch</b><br>")
        batch = s.trainer.batch_indices
        idx = np.arange(N) if batch is None else batch
        key = "W2" if model.kind == "mlp" else "W"
        size = "all N = " + str(N) if batch is None else f"the |B| = {len(idx)} samples of this step's batch"
        verdict = ""
        if len(idx) <= MAX_CHECKED:  # summing every sample's own gradient costs a pass per redraw
            per = model.per_sample_grads(params, X[idx], Y[idx], loss)
            mean = {k: v.sum(axis=0) for k, v in per.items()}  # the per-sample terms already carry 1/|B|
            same = all(np.allclose(mean[k], s.trainer.grads[k], rtol=1e-9, atol=1e-12) for k in mean)
            self.checks["batch_mean"] = same
            verdict = "✓ (the trainer’s gradient)" if same else "✗ differs from the trainer"
        lines.append(f"∂L/∂{key} = mean of ∂ℓᵢ/∂{key} over {size} = {_fmt(s.trainer.grads[key])} {verdict}<br>")
        if model.kind == "linear" and loss.name == "mse":
            W, b = core.normal_equation(X, Y)
            dist = np.sqrt(np.sum((W - params["W"]) ** 2) + np.sum((b - params["b"]) ** 2))
            lines.append(
                f"<b>Normal equation</b> (seed 003): W* = {_fmt(W)}, b* = {_fmt(b)}; "
                f"the current step is {dist:.3g} away<br>"
            )
        self.browser.setHtml("".join(lines))
