"""The derivation: the chain rule written out with the focused sample's numbers.

Forward pass, loss, ∂ℓ/∂ŷ, the activation's Jacobian, ∂ℓ/∂z (= ŷ − y for a canonical pair,
and visibly not for MSE with a sigmoid or softmax), the weight gradient xᵀ∂ℓ/∂z, the MLP's
backward step through W² and g'(z¹), and the batch mean that the optimizer uses, checked
against the trainer's gradient. For linear regression with MSE, the normal equation's optimum.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from gradviz.core import rules
from gradviz.core.optimizers import OPTIMIZER_RULES, OPTIMIZER_TITLES
from gradviz.core.params import norm
from gradviz.state import Change

from ..numbers import finite, mat, num, vec
from ..qt_session import QtSession
from ..theme import Theme
from .base import View

__all__ = ["DerivationView", "curvature_words"]


def curvature_words(values: np.ndarray) -> str:
    """What the Hessian's two eigenvalues say about the point, in words."""
    lo, hi = float(np.min(values)), float(np.max(values))
    if lo > 0:
        return "both λ > 0: f curves up in every direction here (a bowl)"
    if hi < 0:
        return "both λ < 0: f curves down in every direction here (a cap; descent slides off)"
    if lo < 0 < hi:
        return "λ of both signs: a saddle here (up along one eigenvector, down along the other)"
    return "a zero eigenvalue: f is flat along one direction here, to second order"


def _fmt(a, digits: int = 4) -> str:
    a = np.asarray(a, dtype=float)
    return num(a, digits) if a.ndim == 0 else vec(a, digits) if a.ndim == 1 else mat(a, digits)


class DerivationView(View):
    depends = frozenset({"data", "model", "step", "selection", "settings", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("derivationView")
        self.browser = QTextBrowser()
        self.browser.setObjectName("derivationText")
        self.browser.setFont(theme.font(1.0))
        self.browser.setOpenLinks(False)
        self.browser.document().setUndoRedoEnabled(False)  # each step replaces the text: nothing to undo
        # a scroll bar that comes and goes as the numbers change width re-lays the text out twice a
        # frame (found measuring the network view beside it): it stays
        self.browser.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.browser)
        self.sample: int | None = None
        self.checks: dict[str, bool] = {}  # what the derivation verified (tests read it)
        self.in_sight: str | None = None  # a line a caption talks about: kept scrolled into sight
        self.start()

    def keep_in_sight(self, text: str | None) -> bool:
        """Keep the first line containing `text` scrolled into sight, through every redraw (None: the
        top). Whether the text is there now."""
        self.in_sight = text
        if text is None:
            self.browser.verticalScrollBar().setValue(0)
        return self._scroll_to_in_sight()

    def shows_in_sight(self) -> bool:
        """Whether the line kept in sight lies inside the visible part of the text."""
        cursor = self.browser.document().find(self.in_sight or "")
        if cursor.isNull():
            return False
        rect = self.browser.cursorRect(cursor)
        return self.browser.viewport().rect().contains(rect)

    def _scroll_to_in_sight(self) -> bool:
        if not self.in_sight:
            return True
        cursor = self.browser.document().find(self.in_sight)
        if cursor.isNull():
            return False
        self.browser.setTextCursor(cursor)
        self.browser.ensureCursorVisible()
        return True

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.in_sight:  # a smaller panel (the caption laid out, a view enlarged) can hide the line again
            QTimer.singleShot(0, self._scroll_to_in_sight)

    def _show(self, html: str) -> None:
        """The new text in place of the old, in one edit, the reader's place kept. (setHtml cleared the
        document first: every step the scroll bar's range went to 0 and back, a repaint, and a reader who
        had scrolled down to ∂L/∂W was sent back to the top.)"""
        bar = self.browser.verticalScrollBar()
        place = bar.value()
        cursor = QTextCursor(self.browser.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertHtml(html)
        cursor.endEditBlock()
        bar.setValue(place)
        self._scroll_to_in_sight()

    def redraw(self, change: Change) -> None:
        if self.session.settings.is_function:
            self._show(self._function_derivation())
            return
        s = self.session
        f = s.frame
        model, loss = s.model, s.loss_fn
        i, chosen = f.focus
        t = f.focus_trace
        self.sample = i
        y = s.dataset.Y[i]
        p = t["yhat"]
        out = model.output
        mlp = model.kind == "mlp"
        dz = t["dz2"] if mlp else t["dz"]
        who = f"sample {i} (selected)" if chosen else f"sample {i}, the worst fit (click a point to choose another)"
        if f.focus_is_held_out:
            who += ", held out: its ∂ℓ/∂θ is not part of ∇L"
        act, loss_f = rules.OUTPUT_FORMULAS[out], rules.LOSS_FORMULAS[loss.name]
        lines = [f"<h3>The chain rule for {who}</h3>"]
        if s.diverged:
            lines.append(
                f"<p><b>Training diverged</b>: these are the numbers of the last finite step, {s.current_step}.</p>"
            )
        lines.append("<b>Forward</b><br>")
        if mlp:
            lines.append(f"z¹ = xW¹ + b¹ = {_fmt(t['z1'])}<br>")
            lines.append(f"a = {model.hidden_activation}(z¹) = {_fmt(t['a1'])}<br>")
            lines.append(f"z = aW² + b² = {_fmt(t['z2'])}<br>")
        else:
            lines.append(f"x = {_fmt(s.dataset.X[i])}, &nbsp; z = xW + b = {_fmt(t['z'])}<br>")
        lines.append(f"{act.value} = {_fmt(p)}, &nbsp; y = {_fmt(y)}<br>")
        lines.append(f"{loss_f.value} = {_fmt(t['loss'], 4)}<br>")
        lines.append("<b>Backward</b><br>")
        if finite(t["dyhat"]):
            lines.append(f"{loss_f.derivative} = {_fmt(t['dyhat'])}<br>")
        else:
            lines.append(
                f"{loss_f.derivative} is undefined here: ŷ is 0 or 1 to machine precision, where the loss's log "
                "has no finite slope; ∂ℓ/∂z below is its finite limit<br>"
            )
        lines.append(f"{act.derivative}" + ("" if out == "identity" else f" = {_fmt(t['jacobian'])}") + "<br>")
        canonical = rules.is_canonical(loss.name, out)
        self.checks = {"canonical_delta": bool(np.allclose(dz, p - y, atol=1e-12)) == canonical}
        if canonical:
            lines.append(f"<b>∂ℓ/∂z = (∂ℓ/∂ŷ)ᵀ ∂ŷ/∂z = ŷ − y = {_fmt(dz)}</b> ✓ canonical pair<br>")
        else:
            lines.append(
                f"<b>∂ℓ/∂z = (∂ℓ/∂ŷ)ᵀ ∂ŷ/∂z = {_fmt(dz)}</b> — not ŷ − y = {_fmt(p - y)}: "
                f"MSE with a {out} output keeps the activation's derivative, which vanishes where it saturates<br>"
            )
        if mlp:
            W2 = s.params["W2"]
            lines.append(f"∂ℓ/∂W² = aᵀ ∂ℓ/∂z = {_fmt(t['W2'])}<br>")
            lines.append(
                f"∂ℓ/∂z¹ = (∂ℓ/∂z W²ᵀ) ⊙ g'(z¹) = {_fmt(t['dz1'])} &nbsp; (W²ᵀ is {W2.shape[1]} × {W2.shape[0]})<br>"
            )
            lines.append(f"∂ℓ/∂W¹ = xᵀ ∂ℓ/∂z¹ = {_fmt(t['W1'])}<br>")
        else:
            lines.append(f"∂ℓ/∂W = xᵀ ∂ℓ/∂z = {_fmt(t['W'])}, &nbsp; ∂ℓ/∂b = ∂ℓ/∂z<br>")
        lines.append("<b>The batch</b><br>")
        n = s.dataset.X.shape[0]
        if f.batch is None:
            size = f"all N = {n}"
        elif f.batch_is_training_set:
            size = f"the {len(f.batch)} training points ({s.val_indices.size} held out)"
        else:
            size = f"the |B| = {len(f.batch)} samples of this step's batch"
        key = "W2" if mlp else "W"
        verdict = ""
        if f.batch_check is not None:
            self.checks["batch_mean"] = f.batch_check
            verdict = "✓ (the trainer’s gradient)" if f.batch_check else "✗ differs from the trainer"
        lines.append(
            f"∂L/∂{key} = mean of ∂ℓᵢ/∂{key} over {size} = {_fmt(f.spec.unflatten(f.grads)[key])} {verdict}<br>"
        )
        if f.optimum is not None:
            theta = f.spec.unflatten(f.optimum)
            dist = norm(f.optimum - f.spec.flatten(s.params))
            lines.append(
                f"<b>Normal equation</b>: W* = {_fmt(theta['W'])}, b* = {_fmt(theta['b'])}; "
                f"the current step is {num(dist, 3)} away<br>"
            )
        self._show("".join(lines))

    def _function_derivation(self) -> str:
        """The playground's derivation: f, its exact gradient as formulas and numbers, its Hessian
        and what the optimizer makes of the gradient at this step."""
        s = self.session
        fr = s.frame
        fn = s.model.function
        x, y = (float(v) for v in s.params["xy"])
        gx, gy = fr.grads
        fx, fy = fn.gradient_formulas()
        H = fn.hessian(x, y)
        opt = s.optimizer
        step = fr.next_update
        lines = [f"<h3>Descent on f(x, y) = {fn.expression}</h3>"]
        if s.diverged:
            lines.append(f"<p><b>Stopped</b>: these are the numbers of the last finite step, {s.current_step}.</p>")
        lines.append(
            f"At step {s.current_step:,}: θ = (x, y) = ({num(x, 5)}, {num(y, 5)}), &nbsp; f(θ) = {num(fr.loss, 5)}<br>"
        )
        lines.append("<b>The gradient, exact</b> (each partial derivative from the formula itself)<br>")
        lines.append(f"∂f/∂x = {fx} = <b>{num(gx, 5)}</b><br>")
        lines.append(f"∂f/∂y = {fy} = <b>{num(gy, 5)}</b><br>")
        lines.append(f"‖∇f‖ = {num(fr.grad_norm, 4)}<br>")
        values = np.linalg.eigvalsh(H)
        lines.append(
            f"<b>The Hessian</b> ∇²f = {_fmt(H)}, eigenvalues {num(values[1], 4)} and {num(values[0], 4)}: "
            f"{curvature_words(values)}<br>"
        )
        lines.append(f"<b>The step</b> ({OPTIMIZER_TITLES[opt.name]}: {OPTIMIZER_RULES[opt.name]})<br>")
        plain = -opt.lr * np.array([gx, gy])
        lines.append(f"−η∇f = {_fmt(plain)}, &nbsp; Δθ = {_fmt(step)}")
        if opt.name != "sgd" or opt.hyperparams.get("weight_decay"):
            lines.append(" (the optimizer's own step: not −η∇f)")
        lines.append(f"<br>θ next = ({num(x + step[0], 5)}, {num(y + step[1], 5)})<br>")
        return "".join(lines)
