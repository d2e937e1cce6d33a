"""The one number formatter the views write with."""

import math

import numpy as np
import pytest

from gradviz.gui.numbers import mat, num, vec


@pytest.mark.parametrize(
    "x,text",
    [
        (0.5, "0.5"),
        (-0.0, "0"),
        (1.0, "1"),
        (0.99954, "0.9995"),
        (0.999954, "1 − 4.6e−5"),
        (1.00031, "1 + 3.1e−4"),
        (-0.999987, "−1 + 1.3e−5"),
        (0.000463, "0.000463"),
        (3.2e-9, "3.2e−9"),
        (1e-300, "1e−300"),
        (float("nan"), "undefined"),
        (float("inf"), "∞"),
        (-math.inf, "−∞"),
        (-2.5, "−2.5"),
    ],
)
def test_num_never_hides_the_point(x, text):
    assert num(x) == text


def test_a_printed_number_reads_back_close_to_the_number():
    for x in (0.999954, 1 - 1e-9, 2e-7, 0.123456, -3.3e5, -0.999987):
        shown = num(x).replace("−", "-")
        if " " in shown:  # "1 - 4.6e-4"
            a, op, b = shown.split()
            value = float(a) - float(b) if op == "-" else float(a) + float(b)
        else:
            value = float(shown)
        assert value == pytest.approx(x, rel=0.05, abs=1e-12)


def test_vectors_and_matrices():
    assert vec([0.25, -0.0]) == "[0.25, 0]"
    assert mat([[1.0, 0.5], [0.0, 2.0]]) == "[1, 0.5; 0, 2]"


def test_log_axis_labels_only_the_decades_across_a_decade_or_more():
    import numpy as np

    from gradviz.gui.views.loss_curve import _decades_only

    values = list(np.log10([0.2, 0.5, 1, 2, 5, 10]))
    strings = ["0.2", "0.5", "1", "2", "5", "10"]
    assert _decades_only(values, strings) == ["", "", "1", "", "", "10"]
    within = list(np.log10([0.2, 0.3, 0.5]))
    assert _decades_only(within, ["0.2", "0.3", "0.5"]) == ["0.2", "0.3", "0.5"]


def test_a_long_vector_or_matrix_is_written_as_its_ends():
    assert vec(range(10), 2) == "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]"  # short enough: every value
    assert vec(range(256), 3) == "[0, 1, 2, …, 254, 255]"
    rows = ["0, 1, 2, …, 254, 255", "256, 257, 258, …, 510, 511", "512, 513, 514, …, 766, 767", "…"]
    rows += ["2560, 2561, 2562, …, 2814, 2815", "2816, 2817, 2818, …, 3070, 3071"]
    assert mat(np.arange(12 * 256).reshape(12, 256), 4) == "[" + "; ".join(rows) + "]"
