"""One sample's trip through the model and back: every number the chain rule writes down.

    trace = backprop_trace(model, params, x, y, loss)
    trace["dz"]        # ∂ℓ/∂z of this sample's own loss ℓ (no 1/N): ŷ − y for a canonical pair
    trace["W"]         # ∂ℓ/∂W = xᵀ ∂ℓ/∂z

Averaged over the data, the per-sample parameter gradients are exactly `loss_and_grad`'s.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .activations import softmax_jacobian
from .losses import Loss

__all__ = ["backprop_trace", "output_jacobian"]


def output_jacobian(output: str, yhat: np.ndarray) -> np.ndarray:
    """∂ŷ/∂z (k, k) of one sample: I, diag(ŷ(1 − ŷ)) or diag(ŷ) − ŷŷᵀ."""
    yhat = np.asarray(yhat, dtype=float)
    if output == "softmax":
        return softmax_jacobian(yhat)
    if output == "sigmoid":
        return np.diag(yhat * (1.0 - yhat))
    return np.eye(yhat.size)


def backprop_trace(model, params: Mapping[str, np.ndarray], x, y, loss: Loss) -> dict[str, np.ndarray]:
    """Forward values and deltas of one sample x (d,), target y (k,) as float arrays.

    Linear, logistic and softmax regression give "z", "yhat", "dz", "W", "b"; the MLP gives
    "z1", "a1", "z2", "yhat", "dz2" (= ∂ℓ/∂z²), "dz1" (= dz2 W²ᵀ ⊙ g'(z¹)), "W1", "b1", "W2", "b2".
    Both also give "loss" (ℓ), "dyhat" (∂ℓ/∂ŷ) and "jacobian" (∂ŷ/∂z).
    """
    X = np.asarray(x, dtype=float).reshape(1, -1)
    Y = np.asarray(y, dtype=float).reshape(1, -1)
    X, Y = model.check_data(X, Y)
    fwd = model.forward(params, X)
    grads = model.per_sample_grads(params, X, Y, loss)  # N = 1: the sample's own ∂ℓ/∂θ
    yhat = fwd.P[0]
    trace = {
        "yhat": yhat,
        "loss": np.asarray(model.per_sample_losses(params, X, Y, loss)[0]),
        "dyhat": loss.sample_output_grads(yhat[None], Y)[0],
        "jacobian": output_jacobian(model.output, yhat),
    }
    if model.kind == "mlp":
        trace.update(z1=fwd.Z1[0], a1=fwd.A1[0], z2=fwd.Z[0], dz2=grads["b2"][0], dz1=grads["b1"][0])
    else:
        trace.update(z=fwd.Z[0], dz=grads["b"][0])
    trace.update({key: value[0] for key, value in grads.items()})
    return trace
