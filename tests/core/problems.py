import numpy as np

from gradviz import core

# (model kind, output, loss) for every pair the math admits
PAIRS = [
    ("linear", "identity", "mse"),
    ("logistic", "sigmoid", "bce"),
    ("logistic", "sigmoid", "mse"),
    ("softmax", "softmax", "ce"),
    ("softmax", "softmax", "mse"),
    ("mlp", "identity", "mse"),
    ("mlp", "sigmoid", "bce"),
    ("mlp", "sigmoid", "mse"),
    ("mlp", "softmax", "ce"),
    ("mlp", "softmax", "mse"),
]


def make_problem(kind, output, loss_name, *, n=23, d=3, k=3, hidden=4, hidden_activation="tanh", seed=0):
    """A model, its loss, parameters and data of the right kind for the pair."""
    rng = np.random.default_rng(seed)
    n_out = 1 if output in ("sigmoid",) or kind == "linear" else k
    if kind == "mlp" and output == "identity":
        n_out = 2
    model = core.make_model(kind, d, n_out, hidden=hidden, hidden_activation=hidden_activation, output=output)
    X = rng.normal(size=(n, d))
    if output == "identity":
        Y = rng.normal(size=(n, n_out))
    elif output == "sigmoid":
        Y = rng.integers(0, 2, size=(n, 1)).astype(float)
    else:
        Y = np.eye(n_out)[rng.integers(0, n_out, size=n)]
    params = model.init(seed)
    # move away from the symmetric start so every term matters
    params = {key: v + 0.3 * rng.normal(size=v.shape) for key, v in params.items()}
    return model, core.make_loss(loss_name), params, X, Y
