"""Typed formulas: exact derivatives against finite differences, Python's precedence, the named
functions read back through the parser, and every refusal answered fast with its column."""

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradviz import core
from gradviz.core.expression import MAX_DEPTH, MAX_LENGTH, parse_formula

# Thirty formulas, each with the box where it is smooth (and defined) for the finite differences.
FORMULAS = [
    ("x**2 + y**2", 2),
    ("x^2 + 10*y^2", 2),
    ("x*y", 2),
    ("x**3 - 3*x*y**2", 1.5),
    ("(1 - x)**2 + 100*(y - x**2)**2", 1.5),
    ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", 4),
    ("sin(x)*cos(y)", 3),
    ("sin(x*y) + cos(x - y)", 2),
    ("exp(-(x**2 + y**2))", 2),
    ("exp(x/3)*y**2", 2),
    ("log(1 + x**2 + y**2)", 3),
    ("sqrt(1 + x**2 + 2*y**2)", 3),
    ("tanh(x) * tanh(2*y)", 2),
    ("tan(0.3*x + 0.2*y)", 2),
    ("1/(1 + x**2 + y**2)", 3),
    ("x/(2 + cos(y))", 3),
    ("(x - 1)**4 + (y + 0.5)**4 - x*y", 2),
    ("-x**2 + 3*y**2", 2),
    ("2**-1 * x**2 + y", 2),
    ("x**0.5 * y", (0.5, 2.5)),
    ("(x**2 + y**2)**1.5", (0.5, 2)),
    ("log(x) + log(y)", (0.5, 3)),
    ("x**-2 + y**-1", (0.5, 3)),
    ("abs(x - 5) + abs(y + 5)", 2),
    ("sin(x)**2 + cos(y)**3", 3),
    ("exp(sin(x) + cos(y))", 3),
    ("sqrt(exp(x) + exp(y))", 2),
    ("pi*x**2 + e*y**2", 2),
    ("x²−y² + x·y", 2),
    ("0.26*(x**2 + y**2) - 0.48*x*y", 5),
]


def _box(spec):
    lo, hi = (-spec, spec) if np.isscalar(spec) else spec
    return lo, hi


@pytest.mark.parametrize("text, box", FORMULAS)
def test_typed_formula_gradient_and_hessian_against_finite_differences(text, box):
    f = core.make_function(text)
    lo, hi = _box(box)
    rng = np.random.default_rng(1)
    h = 1e-6
    for x, y in rng.uniform(lo, hi, (8, 2)):
        fd_grad = [
            (f.value(x + h, y) - f.value(x - h, y)) / (2 * h),
            (f.value(x, y + h) - f.value(x, y - h)) / (2 * h),
        ]
        np.testing.assert_allclose(f.grad(x, y), fd_grad, rtol=1e-6, atol=1e-6)
        fd_hess = np.column_stack(
            [
                np.subtract(f.grad(x + h, y), f.grad(x - h, y)) / (2 * h),
                np.subtract(f.grad(x, y + h), f.grad(x, y - h)) / (2 * h),
            ]
        )
        np.testing.assert_allclose(f.hessian(x, y), fd_hess, rtol=1e-6, atol=1e-5)
    assert len(FORMULAS) == 30


def test_closed_forms_of_simple_derivatives():
    f = core.make_function("x**3*y + sin(y)")
    x, y = 1.3, -0.4
    np.testing.assert_allclose(f.grad(x, y), [3 * x**2 * y, x**3 + np.cos(y)], rtol=1e-15)
    np.testing.assert_allclose(f.hessian(x, y), [[6 * x * y, 3 * x**2], [3 * x**2, -np.sin(y)]], rtol=1e-15)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("-x**2", -4.0),  # unary minus binds weaker than **, as in Python
        ("2**-1", 0.5),
        ("2**3**2", 512.0),  # ** groups right to left
        ("x - y - 1", -3.0),  # − groups left to right
        ("x / y / 4", 0.5 / 4),
        ("x^2", 4.0),
        ("x²", 4.0),
        ("-(x - y)*3", 6.0),
        ("+x", 2.0),
        ("--x", 2.0),
        ("1.5e1 + .5", 15.5),
        ("x·y − 3", 5.0),
    ],
)
def test_precedence_and_spellings_read_as_python_and_textbooks_do(text, expected):
    assert core.make_function(text).value(2.0, 4.0) == pytest.approx(expected)


@pytest.mark.parametrize("name", list(core.FUNCTIONS))
def test_each_named_function_reads_back_through_the_parser(name):
    named = core.make_function(name)
    typed = parse_formula(named.expression)
    (x0, x1), (y0, y1) = named.domain
    xs, ys = np.meshgrid(np.linspace(x0, x1, 7), np.linspace(y0, y1, 5))
    np.testing.assert_allclose(typed.value(xs, ys), named.value(xs, ys), rtol=1e-12)
    np.testing.assert_allclose(typed.grad(xs, ys), named.grad(xs, ys), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(typed.hessian(0.7, -0.3), named.hessian(0.7, -0.3), rtol=1e-12, atol=1e-12)


def test_typed_functions_broadcast_and_carry_their_text():
    f = core.make_function("  x + 2  ")
    assert f.name == f.expression == "x + 2"
    gx, gy = np.meshgrid(np.linspace(-1, 1, 4), np.linspace(-1, 1, 3))
    assert f.value(gx, gy).shape == (3, 4)
    assert f.grad(gx, gy)[0].shape == (3, 4) and np.all(f.grad(gx, gy)[0] == 1) and np.all(f.grad(gx, gy)[1] == 0)
    assert f.hessian(0.0, 0.0).shape == (2, 2)
    assert core.make_function("x + 2").domain == core.make_function("y").domain  # a default box for typed ones


REFUSALS = [
    ("__import__('os')", "'__'", 1),
    ("x.real", "attribute", 2),
    ("(x).__class__", "attribute", 4),
    ("__builtins__", "'__'", 1),
    ("lambda x: x", "Python", 1),
    ("[x for x in y]", "brackets", 1),
    ("sum(x for x in y)", "unknown function 'sum'", 1),
    ("open(x)", "unknown function 'open'", 1),
    ("sin(x=1)", "'='", 6),
    ("'abc'", "strings", 1),
    ('x + "y"', "strings", 5),
    ("9**9**9**9", "exponent", 5),
    ("x" * 10_000, f"at most {MAX_LENGTH}", None),
    ("(" * 500 + "x" + ")" * 500, f"at most {MAX_LENGTH}", None),
    ("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), "nested", MAX_DEPTH + 1),
    ("", "empty", None),
    ("   ", "empty", None),
    ("x + z", "unknown name 'z'", 5),
    ("x + 2 z", "missing operator", 7),
    ("x**y", "exponent must be a number", 2),
    ("sin(x, y)", "one argument", 6),
    ("sin x", "parentheses", 4),
    ("(x + 1", "never closed", 1),
    ("x +", "ends too early", 4),
    ("x)", "unexpected ')'", 2),
    ("x @ y", "unexpected character", 3),
    ("1/0 + x", "infinite", 2),
    ("log(-1)", "not a number", 1),
    ("exp(1000)", "infinite", 1),
    ("1e999", "too large", 1),
]


@pytest.mark.parametrize("text, words, column", REFUSALS)
def test_refusals_say_what_and_where_within_a_second(text, words, column):
    started = time.perf_counter()
    with pytest.raises(core.FunctionError) as info:
        core.make_function(text)
    assert time.perf_counter() - started < 1.0
    assert isinstance(info.value, ValueError)
    assert words in str(info.value)
    assert info.value.column == column
    if column is not None:
        assert str(info.value).endswith(f"at column {column}")


def test_unknown_name_message_reads_as_the_contract_says():
    with pytest.raises(core.FunctionError, match=r"^unknown name 'z' .*at column 7$"):
        core.make_function("x + y*z")


_ALPHABET = "xy0123456789.+-*/^() ,_=[]'eEpisncotalgqrhb²−·"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=80))
def test_any_text_is_either_a_function_or_a_function_error_quickly(text):
    started = time.perf_counter()
    try:
        f = core.make_function(text)
    except core.FunctionError as err:
        assert err.column is None or 1 <= err.column <= len(text) + 1
    else:
        f.value(0.3, -0.2)
        f.grad(0.3, -0.2)
        f.hessian(0.3, -0.2)
    assert time.perf_counter() - started < 1.0


def test_long_formulas_within_the_limit_stay_fast():
    text = "+".join(["sin(x*y)*exp(-x**2)"] * 14)[:MAX_LENGTH]
    text = text[: text.rfind("+")]
    started = time.perf_counter()
    f = core.make_function(text)
    xs, ys = np.meshgrid(np.linspace(-2, 2, 120), np.linspace(-2, 2, 120))
    f.value(xs, ys), f.grad(xs, ys), f.hessian(0.1, 0.2)
    assert time.perf_counter() - started < 1.0
    chain = "*".join(["x"] * 100)  # a left-deep product: derivatives share its subtrees, no blow-up
    g = core.make_function(chain)
    assert g.grad(1.0, 0.0)[0] == pytest.approx(100.0) and g.hessian(1.0, 0.0)[0, 0] == pytest.approx(9900.0)
