"""Core benchmarks against the budgets in docs/benchmarks.md. Prints medians; asserts nothing.

    python benchmarks/bench_core.py            # everything (torch rows need the `bench` extra)
    python benchmarks/bench_core.py --quick    # fewer repeats

1. `loss_and_grad` + Adam step vs PyTorch CPU autograd + torch.optim.Adam, same model, same
   float64 data: softmax regression (d = 2, k = 3) and the MLP (h = 16, tanh, softmax + CE).
   Budget: ≤ 0.5× torch at N = 100 and 1,000, ≤ 1.0× at N = 10,000.
2. `loss_surface` 100 × 100 at N = 1,000 in float32 (logistic + BCE), budget ≤ 35 ms;
   200 × 200 at N = 10,000 reported; and the other model kinds for reference.
3. Curvature: `core.hessian` for models of up to 400 parameters, and `core.top_eigen` (the two
   largest eigenvalues) for MLPs of h = 64 (dense: every eigenvalue) and h = 512 (Lanczos on
   Hessian-vector products), N = 1,000. Reported (the curvature dock computes them in the background).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from gradviz import core


def median_time(fn, *, repeats: int, min_block_s: float = 0.02) -> float:
    """Median seconds per call over `repeats` blocks, each long enough to time reliably."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 >= min_block_s:
            break
        n *= 2
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        samples.append((time.perf_counter() - t0) / n)
    return statistics.median(samples)


def problem(N: int, seed: int = 0):
    data = core.generate("spiral", n_samples=N, classes=3, seed=seed)
    return data.X, data.encode_targets(3), data.labels


def numpy_step(model, X, Y):
    loss = core.make_loss("ce")
    opt = core.make_optimizer("adam", lr=0.01)
    box = {"params": model.init(0)}
    box["state"] = opt.init(box["params"])

    def step():
        _, grads = model.loss_and_grad(box["params"], X, Y, loss)
        box["params"], box["state"] = opt.step(box["params"], grads, box["state"])

    return step


def torch_step(kind, params, X, labels):
    import torch

    torch.set_default_dtype(torch.float64)
    tp = [torch.tensor(params[k].copy(), requires_grad=True) for k in params]
    Xt = torch.tensor(X)
    yt = torch.tensor(labels)
    opt = torch.optim.Adam(tp, lr=0.01)

    def step():
        opt.zero_grad(set_to_none=True)
        if kind == "softmax":
            W, b = tp
            Z = Xt @ W + b
        else:
            W1, b1, W2, b2 = tp
            Z = torch.tanh(Xt @ W1 + b1) @ W2 + b2
        loss = torch.nn.functional.cross_entropy(Z, yt)
        loss.backward()
        opt.step()

    return step


def bench_training(repeats: int) -> None:
    try:
        import torch
    except ImportError:
        torch = None
        print("(torch not installed: pip install -e '.[bench]' for the comparison)")
    print("\n## loss_and_grad + Adam step, float64 (median per step)\n")
    print("| model | N | gradviz.core | torch | ratio | budget |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind in ("softmax", "mlp"):
        for N in (100, 1_000, 10_000):
            X, Y, labels = problem(N)
            model = core.make_model(kind, 2, 3, hidden=16, hidden_activation="tanh", output="softmax")
            ours = median_time(numpy_step(model, X, Y), repeats=repeats)
            if torch is not None:
                theirs = median_time(torch_step(kind, model.init(0), X, labels), repeats=repeats)
                ratio = f"{ours / theirs:.2f}×"
                theirs_s = f"{theirs * 1e6:.0f} µs"
            else:
                ratio = theirs_s = "n/a"
            budget = "≤ 0.5×" if N <= 1_000 else "≤ 1.0×"
            label = "softmax regression" if kind == "softmax" else "MLP h=16 tanh"
            print(f"| {label} | {N:,} | {ours * 1e6:.0f} µs | {theirs_s} | {ratio} | {budget} |")


def bench_surfaces(repeats: int) -> None:
    print("\n## loss_surface (median)\n")
    print("| model + loss | grid | N | dtype | time | budget |")
    print("|---|---:|---:|---|---:|---:|")
    cases = [
        ("logistic", "bce", 100, 1_000, np.float32, "≤ 35 ms"),
        ("logistic", "bce", 100, 1_000, np.float64, ""),
        ("logistic", "bce", 200, 10_000, np.float32, "background"),
        ("linear", "mse", 200, 10_000, np.float64, ""),
        ("softmax", "ce", 100, 1_000, np.float32, ""),
        ("mlp", "ce", 100, 1_000, np.float32, ""),
    ]
    for kind, loss_name, grid, N, dtype, budget in cases:
        if kind == "linear":
            data = core.generate("line", n_samples=N)
            k = 1
        elif kind == "logistic":
            data = core.generate("blobs", n_samples=N)
            k = 1
        else:
            data = core.generate("spiral", n_samples=N, classes=3)
            k = 3
        model = core.make_model(kind, data.n_features, k, hidden=16)
        Y = data.encode_targets(k)
        params = model.init(0)
        labels = model.spec.labels()
        d1, d2 = model.spec.axis(labels[0]), model.spec.axis(labels[1])
        a = np.linspace(-3, 3, grid)
        loss = core.make_loss(loss_name)
        r = max(3, repeats // 3) if grid * grid * N > 1e8 else repeats
        t = median_time(
            lambda: core.loss_surface(model, loss, data.X, Y, params, d1, d2, a, a, dtype=dtype),  # noqa: B023
            repeats=r,
            min_block_s=0.0,
        )
        name = f"{kind} + {loss_name}"
        print(f"| {name} | {grid}×{grid} | {N:,} | {np.dtype(dtype).name} | {t * 1e3:.1f} ms | {budget} |")


def bench_curvature(repeats: int) -> None:
    X, Y, _ = problem(1_000)
    loss = core.make_loss("ce")
    print("\n## Curvature (spiral, 3 classes, N = 1,000, softmax + CE)\n")
    print("| model | P | core.hessian | core.top_eigen (2) |")
    print("|---|---:|---:|---:|")
    from gradviz.core.models import MLP  # directly: h = 512 is past the app's limit of 256 units

    models = [("softmax regression", core.make_model("softmax", 2, 3))] + [
        (f"MLP h = {h}", MLP(2, 3, h, "tanh", "softmax")) for h in (16, 64, 256, 512)
    ]
    for name, model in models:
        params = model.init(0)
        size = model.spec.size
        t_hess = (
            f"{median_time(lambda m=model, p=params: core.hessian(m, loss, p, X, Y), repeats=repeats) * 1e3:.1f} ms"
            if size <= 400
            else "–"
        )
        t_eig = median_time(
            lambda m=model, p=params: core.top_eigen(m, loss, p, X, Y, count=2), repeats=max(3, repeats // 3)
        )
        print(f"| {name} | {size:,} | {t_hess} | {t_eig * 1e3:.1f} ms |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 5 if args.quick else 15
    bench_training(repeats)
    bench_surfaces(repeats)
    bench_curvature(repeats)


if __name__ == "__main__":
    main()
