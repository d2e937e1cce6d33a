"""One check for "reopened, it scrubs the same", shared by the round-trip tests and their fuzzer."""

import numpy as np


def timeline(session) -> list:
    """Every step's parameters, loss, gradient norm and residuals as the views draw them, read by
    seeking (which replays thinned steps); the session is left at the step it was on."""
    here = session.current_step
    rows = []
    for k in range(session.last_step + 1):
        session.seek(k)
        params = {n: v.copy() for n, v in session.params.items()}
        rows.append((k, params, session.trainer.loss, session.frame.grad_norm, session.frame.residuals.copy()))
    session.seek(here)
    return rows


def assert_same_timeline(a, b) -> None:
    """`b` shows what `a` shows: step, selection, settings, data, and every step bit for bit."""
    assert (a.current_step, a.last_step, a.selected) == (b.current_step, b.last_step, b.selected)
    assert a.settings == b.settings
    assert np.array_equal(a.dataset.X, b.dataset.X) and np.array_equal(a.dataset.Y, b.dataset.Y)
    for (k, pa, la, ga, ra), (_, pb, lb, gb, rb) in zip(timeline(a), timeline(b), strict=True):
        for name in pa:
            assert np.array_equal(pa[name], pb[name]), (k, name)
        assert la == lb and ga == gb, k
        assert np.array_equal(ra, rb), k
