"""Command-line options parsed into a plain `argparse.Namespace`, shared by the `gradviz` command
(gradviz/start.py), the window (gui/app.py) and the tests. No Qt: `gradviz --help` and a mistyped option
answer at once, on any machine."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from gradviz import __version__
from gradviz.core.datasets import GENERATORS
from gradviz.core.fields import FIELDS, HYPERPARAMETER_FIELDS, MAX_RUNS
from gradviz.core.function_model import check_start
from gradviz.core.functions import FunctionError, make_function
from gradviz.core.losses import LOSSES
from gradviz.core.models import MODEL_KINDS
from gradviz.core.optimizers import MAX_LR, OPTIMIZERS

SLIDE_SIZE = (1280, 720)  # what --export-view draws a single view at: a slide's pixels (16:9)

__all__ = ["build_parser", "makes_pictures", "parse_args"]


def _learning_rate(text: str) -> float:
    try:
        lr = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(lr) and 0 < lr <= MAX_LR):
        raise argparse.ArgumentTypeError(f"the learning rate must be in (0, {MAX_LR:g}], got {text}")
    return lr


def _count(low: int, what: str):
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what} must be a whole number, got {text!r}") from None
        if n < low:
            raise argparse.ArgumentTypeError(f"{what} must be at least {low}, got {n}")
        return n

    return parse


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"a size is WIDTHxHEIGHT in pixels, e.g. 1280x720, got {text!r}") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"the size must be between 320x240 and 7680x4320, got {text}")
    return w, h


def _frame_rate(text: str) -> float:
    try:
        fps = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"frames a second is a number, got {text!r}") from None
    if not (math.isfinite(fps) and fps > 0):
        raise argparse.ArgumentTypeError(f"frames a second must be more than 0, got {text}")
    return fps


def _function(text: str) -> str:
    """--function: a name in core.FUNCTIONS or a formula in x and y, checked by core's own parser."""
    try:
        return make_function(text).name
    except FunctionError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _point(text: str) -> tuple[float, float]:
    """--start X,Y → (x, y)."""
    parts = text.split(",")
    try:
        if len(parts) != 2:
            raise ValueError
        return check_start(float(p) for p in parts)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {str(exc) or 'give the start as X,Y, e.g. -1.5,2'}") from None


def _batch_size(text: str) -> int | None:
    if text.lower() in ("full", "all", "0"):
        return None
    return _count(1, "the batch size")(text)


# --compare's keys: the fields a raced run may change (its model is the first run's)
_COMPARE_KEYS = {
    "optimizer": "optimizer",
    "lr": "lr",
    "loss": "loss",
    "batch-size": "batch_size",
    "seed": "seed",
    **{name: name for name in HYPERPARAMETER_FIELDS if name != "lr"},
}


def _field_value(name: str, text: str):
    """A --compare value as the field takes it, or an argparse error that says what is allowed."""
    if name == "optimizer" and text not in OPTIMIZERS:
        raise argparse.ArgumentTypeError(f"optimizer={text}: choose one of {', '.join(OPTIMIZERS)}")
    if name == "loss" and text not in LOSSES:
        raise argparse.ArgumentTypeError(f"loss={text}: choose one of {', '.join(LOSSES)}")
    if name in ("optimizer", "loss"):
        return text
    if name == "lr":
        return _learning_rate(text)
    if name == "batch_size":
        return _batch_size(text)
    if name == "seed":
        return _count(0, "the seed")(text)
    if name == "centered":
        if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise argparse.ArgumentTypeError(f"centered={text}: use true or false")
        return text.lower() in ("true", "1", "yes")
    try:
        return FIELDS[name].limit.check(float(text))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{name}={text}: {exc}") from None


def _compare_spec(text: str) -> dict:
    """ "optimizer=adam,lr=0.05" → {"optimizer": "adam", "lr": 0.05}: a raced run's changes."""
    changes = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip().lower().replace("_", "-")
        if not sep or not value.strip():
            raise argparse.ArgumentTypeError(f"each change is key=value, got {part.strip()!r} in {text!r}")
        if key not in _COMPARE_KEYS:
            raise argparse.ArgumentTypeError(
                f"unknown key {key!r} in {text!r}; the keys are {', '.join(_COMPARE_KEYS)}"
            )
        changes[_COMPARE_KEYS[key]] = _field_value(_COMPARE_KEYS[key], value.strip())
    return dict(sorted(changes.items(), key=lambda kv: kv[0] != "optimizer"))  # the optimizer first: its η after


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gradviz",
        description="See how gradient descent works. With no options it opens a ready demo.",
    )
    p.add_argument("--version", action="version", version=f"gradviz {__version__}")
    p.add_argument(
        "file",
        nargs="?",
        metavar="FILE",
        help="a session (.gradviz.json) or a data set (.csv) to open: what a file manager or the desktop entry passes",
    )
    p.add_argument("--preset", metavar="NAME", help="open a prepared scenario (see --list-presets)")
    p.add_argument("--list-presets", action="store_true", help="list the prepared scenarios and exit")
    p.add_argument(
        "--lesson",
        metavar="NAME|FILE",
        help="present a guided lesson (a shipped one's name, see --list-lessons, or a .toml file): PageDown and "
        "PageUp move through its scenes",
    )
    p.add_argument(
        "--scene", type=_count(1, "the scene"), metavar="K", help="open --lesson at scene K (1 is the first)"
    )
    p.add_argument("--list-lessons", action="store_true", help="list the shipped lessons and exit")
    p.add_argument(
        "--export-lesson",
        metavar="OUT.pdf",
        help="write --lesson as a PDF handout, one page per scene with its picture and caption, and exit; "
        "needs no display (--size sets the window drawn, default 1280x720)",
    )
    p.add_argument("--data", metavar="FILE.csv", help="load a data set (header x1,x2,…,y)")
    p.add_argument(
        "--dataset", choices=sorted(GENERATORS), metavar="NAME", help=f"generate a data set: {', '.join(GENERATORS)}"
    )
    p.add_argument("--model", choices=MODEL_KINDS, help="linear, logistic, softmax or mlp")
    p.add_argument(
        "--function",
        type=_function,
        metavar="SPEC",
        help="the playground: descend on f(x, y) instead of a model; SPEC is rosenbrock, beale, himmelblau, "
        "saddle, monkey-saddle, ill-conditioned, or a formula in x and y, e.g. 'x^2 + 10*y^2'",
    )
    p.add_argument("--start", type=_point, metavar="X,Y", help="where descent on --function starts, e.g. -1.5,2")
    p.add_argument("--loss", choices=tuple(LOSSES), help="mse, bce or ce")
    p.add_argument("--optimizer", choices=OPTIMIZERS, help="the update rule (torch.optim's)")
    p.add_argument("--lr", type=_learning_rate, metavar="RATE", help="learning rate")
    p.add_argument(
        "--weight-decay",
        type=lambda text: _field_value("weight_decay", text),
        metavar="WD",
        help="weight decay λ (torch.optim's: added to the gradient as λθ; AdamW shrinks θ by ηλ each step)",
    )
    p.add_argument(
        "--batch-size", type=_batch_size, metavar="B", default=argparse.SUPPRESS, help="mini-batch size, 1, or 'full'"
    )
    p.add_argument("--hidden", type=_count(1, "the hidden size"), metavar="H", help="the MLP's hidden units")
    p.add_argument("--seed", type=_count(0, "the seed"), help="seed of the initial weights and batches")
    p.add_argument(
        "--val-fraction",
        type=lambda text: _field_value("val_fraction", text),
        metavar="F",
        help="hold out this share of the points (0 to 0.5) for validation: never trained on, its loss drawn",
    )
    p.add_argument("--steps", type=_count(0, "the number of steps"), default=0, help="train N steps before showing")
    p.add_argument("--load", metavar="SESSION.json", help="open a saved session")
    p.add_argument(
        "--export-view",
        nargs=2,
        metavar=("VIEW", "OUT"),
        help="train (--steps N), draw one view (window, data, lossSurface, residuals, jacobian, gradient, "
        "lossCurve, derivation, runs, controls) to OUT (.png, .svg, .pdf, …) and exit; needs no display",
    )
    p.add_argument(
        "--view-size",
        type=_size,
        default=SLIDE_SIZE,
        metavar="WxH",
        help=f"the size --export-view draws a single view at (default {SLIDE_SIZE[0]}x{SLIDE_SIZE[1]}, a slide's)",
    )
    p.add_argument(
        "--scale",
        type=int,
        choices=(1, 2, 4),
        default=1,
        help="--export-view and --screenshot draw 1, 2 or 4 times the pixels (sharp on a 4K projector)",
    )
    p.add_argument(
        "--keep-controls",
        action="store_true",
        help="--export-view keeps the view's own buttons and menus in the picture (default: the plot only)",
    )
    p.add_argument(
        "--export-history",
        metavar="OUT.csv",
        help="train (--steps N), write every run's recorded steps as CSV and exit; needs no display",
    )
    p.add_argument(
        "--record",
        metavar="OUT",
        help="record a run as an animated GIF or an MP4 video (OUT.gif, OUT.mp4; MP4 needs gradviz[video]): "
        "one frame for the start and one per step of the --steps N run (default 60), and exit; needs no display",
    )
    p.add_argument(
        "--fps", type=_frame_rate, default=10.0, metavar="F", help="frames a second of --record (default 10)"
    )
    p.add_argument(
        "--view", default="window", metavar="VIEW", help="what --record draws: window (the default) or one view"
    )
    p.add_argument(
        "--compare",
        type=_compare_spec,
        action="append",
        default=[],
        metavar="SPEC",
        help=f"race another run beside the first (up to {MAX_RUNS - 1}): comma-separated changes, e.g. "
        "optimizer=adam,lr=0.05 (keys: " + ", ".join(_COMPARE_KEYS) + ")",
    )
    p.add_argument(
        "--install-desktop-entry",
        action="store_true",
        help="add gradviz to this user's application menu (a .desktop entry and its icon under "
        "$XDG_DATA_HOME, no root) and exit",
    )
    p.add_argument(
        "--uninstall-desktop-entry", action="store_true", help="remove what --install-desktop-entry added and exit"
    )
    p.add_argument("--present", action="store_true", help="presentation mode: large fonts, full screen")
    p.add_argument("--screenshot", metavar="OUT.png", help="render the window off screen to a PNG and exit")
    p.add_argument(
        "--size",
        type=_size,
        metavar="WxH",
        help="window size, e.g. 1280x720: with --present, rehearse what a projector of that size shows (fonts included); with --screenshot, the image's size",
    )
    return p


def _joined_values(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """`--start -1.5,2` as `--start=-1.5,2`: argparse takes a value that starts with '-' for an option
    (unless it looks like a plain negative number), and answers "expected one argument". Every option
    that takes one value gets the word after it, whatever it starts with, unless that is an option."""
    takes_one = {name for action in parser._actions if action.nargs is None for name in action.option_strings}
    joined, words = [], iter(argv)
    for word in words:
        if word in takes_one:
            value = next(words, None)
            if (
                value is not None
                and value.startswith("-")
                and value != "--"
                and value.split("=")[0] not in parser._option_string_actions
            ):
                joined.append(f"{word}={value}")
                continue
            joined.extend([word] if value is None else [word, value])
            continue
        joined.append(word)
    return joined


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(_joined_values(parser, list(sys.argv[1:] if argv is None else argv)))
    if args.file:  # FILE is --load or --data, by its kind
        option = "data" if args.file.lower().endswith(".csv") else "load"
        if getattr(args, option):
            parser.error(f"FILE {args.file} and --{option} {getattr(args, option)} both name what to open")
        setattr(args, option, args.file)
    if args.lesson is None and (args.scene is not None or args.export_lesson):
        parser.error(f"{'--scene' if args.scene is not None else '--export-lesson'} needs --lesson NAME|FILE")
    if args.lesson is not None:
        clash = [
            f"--{o.replace('_', '-')}" for o in ("preset", "load", "data", "dataset", "function") if getattr(args, o)
        ]
        if clash:
            parser.error(f"--lesson and {clash[0]}: a lesson says what each scene opens")
    if args.function is not None and args.model is not None:
        parser.error("--model and --function: a run descends on a model's loss or on a function, not both")
    if len(args.compare) > MAX_RUNS - 1:
        parser.error(
            f"at most {MAX_RUNS - 1} runs race beside the first; --compare was given {len(args.compare)} times"
        )
    return args


def makes_pictures(args: argparse.Namespace) -> bool:
    """Whether the options ask for pictures only (drawn off screen: no display needed)."""
    return bool(args.export_lesson or args.record or args.export_view or args.screenshot)
