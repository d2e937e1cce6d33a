"""Reading a lesson file: TOML (the standard library's tomllib, so nothing in it can run), checked
key by key before anything is built.

A lesson is a title and a list of scenes. Each scene says where it starts (a preset, a session
file, or the scene before), what it changes, how far it trains, which views come to the front
and what the caption says. Every problem is one `LessonError` line that names the file, the scene
and the key ("step-size.toml: scene 3 › set › lr: …"), so an author finds it at once; the keys
are explained in docs/lessons.md.
"""

from __future__ import annotations

import dataclasses
import math
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from gradviz.core.datasets import GENERATORS
from gradviz.core.fields import FIELDS
from gradviz.core.landscape import SLICE_MODES
from gradviz.core.limits import MAX_STEPS
from gradviz.state import ViewOptions
from gradviz.state.view_registry import VIEWS

if sys.version_info >= (3, 11):
    import tomllib
else:  # the same parser, published before it joined the standard library
    import tomli as tomllib

__all__ = [
    "LessonError",
    "Lesson",
    "Scene",
    "Until",
    "MAX_FILE_BYTES",
    "MAX_SCENES",
    "VIEW_NAMES",
    "read_lesson",
]

MAX_FILE_BYTES = 256 * 1024  # a lesson is text a person wrote: anything larger is not one
MAX_SCENES = 60
MAX_CAPTION = 600  # characters: a caption is a few lines under the plots, not a page
DEFAULT_MAX_STEPS = 20_000  # how long `until` may train before the scene is refused
# the views a scene may bring to the front, in the words presets use too
VIEW_NAMES = tuple(v.word for v in VIEWS)
# the view options a scene may set: ViewOptions' fields, each with its choices or its type
VIEW_OPTIONS = {f.name: f.metadata.get("choices", type(f.default)) for f in dataclasses.fields(ViewOptions)}
SCENE_KEYS = (
    "title",
    "from",
    "set",
    "data",
    "add_points",
    "remove_points",
    "compare",
    "seek",
    "train",
    "until",
    "slice",
    "select",
    "view",
    "front",
    "large",
    "points_at",
    "caption",
)
# what a caption may point at besides a view: the surface's start marker, a line of the derivation
START_MARKER = "start marker"
DERIVATION_LINE = "derivation:"  # "derivation: ∂ℓ/∂z": the first line containing that text


class LessonError(ValueError):
    """What is wrong with a lesson, in one line: the file, the scene (1-based) and the key."""

    def __init__(self, path: str | os.PathLike, message: str, scene: int | None = None, key: str = ""):
        self.path, self.scene, self.key, self.reason = Path(path), scene, key, message
        where = [w for w in (f"scene {scene}" if scene else "", key) if w]
        super().__init__(f"{self.path.name}: {' › '.join(where) + ': ' if where else ''}{message}")


@dataclass(frozen=True)
class Until:
    """Train until one of: the step `step`, the loss below `loss_below`, divergence; at most `max_steps`."""

    step: int | None = None
    loss_below: float | None = None
    diverged: bool = False
    max_steps: int = DEFAULT_MAX_STEPS


@dataclass(frozen=True)
class Scene:
    number: int  # 1-based, as errors and the counter say it
    title: str
    origin: tuple[str, str]  # ("preset", NAME) | ("session", PATH) | ("previous", "")
    settings: tuple[tuple[str, object], ...] = ()  # `set`, in the file's order
    data: dict | None = None  # {"generate": NAME, …} or {"csv": PATH}
    add_points: tuple[tuple[float, ...], ...] = ()
    remove_points: tuple[int, ...] = ()
    compare: tuple[tuple[tuple[str, object], ...], ...] = ()
    seek: int | None = None
    train: int = 0
    until: Until | None = None
    slice: dict | None = None
    select: int | None = None
    view: tuple[tuple[str, object], ...] = ()
    front: tuple[str, ...] = ()
    large: str | None = None  # a view given its whole column ("none": back to the default layout)
    points_at: tuple[str, ...] = ()  # what the caption talks about: views, the start marker, derivation lines
    caption: str = ""

    @property
    def views_pointed_at(self) -> tuple[str, ...]:
        """The views `points_at` needs in sight (a marker's or a line's view included), in order."""
        out = []
        for item in self.points_at:
            name = "surface" if item == START_MARKER else "derivation" if item.startswith(DERIVATION_LINE) else item
            if name not in out:
                out.append(name)
        return tuple(out)

    @property
    def derivation_line(self) -> str | None:
        """The text of the derivation line the caption points at, if any."""
        lines = [item[len(DERIVATION_LINE) :].strip() for item in self.points_at if item.startswith(DERIVATION_LINE)]
        return lines[0] if lines else None


@dataclass(frozen=True)
class Lesson:
    path: Path
    title: str
    description: str
    scenes: tuple[Scene, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(".toml")


def read_lesson(path: str | os.PathLike) -> Lesson:
    """The lesson in `path`, checked; a LessonError (a ValueError) names what is wrong and where."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise LessonError(path, f"larger than {MAX_FILE_BYTES // 1024} KB: not a lesson file")
        raw = path.read_bytes()
    except OSError as exc:
        raise LessonError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise LessonError(path, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(path, f"not valid TOML: {exc}") from None
    return _lesson(path, doc)


def _lesson(path: Path, doc: dict) -> Lesson:
    unknown = set(doc) - {"title", "description", "scene"}
    if unknown:
        raise LessonError(path, _unknown(unknown, ("title", "description", "scene")))
    title = _text(path, doc.get("title"), None, "title", required=True)
    description = _text(path, doc.get("description", ""), None, "description", limit=MAX_CAPTION)
    scenes = doc.get("scene")
    if not isinstance(scenes, list) or not scenes or not all(isinstance(s, dict) for s in scenes):
        raise LessonError(path, "a lesson needs scenes: one [[scene]] table for each", key="scene")
    if len(scenes) > MAX_SCENES:
        raise LessonError(path, f"{len(scenes)} scenes; a lesson has at most {MAX_SCENES}", key="scene")
    return Lesson(path, title, description, tuple(_scene(path, k, s) for k, s in enumerate(scenes, 1)))


def _scene(path: Path, k: int, s: dict) -> Scene:
    unknown = set(s) - set(SCENE_KEYS)
    if unknown:
        raise LessonError(path, _unknown(unknown, SCENE_KEYS), k)
    here = Place(path, k)
    origin = _origin(here, s.get("from"))
    until = _until(here, s["until"]) if "until" in s else None
    train = _int(here, s.get("train", 0), "train", 0, MAX_STEPS)
    if until is not None and train:
        raise here.error("train and until both say how far to train: keep one", "until")
    return Scene(
        number=k,
        title=_text(path, s.get("title", f"Scene {k}"), k, "title"),
        origin=origin,
        settings=_settings(here, s.get("set", {}), "set"),
        data=_data(here, s["data"]) if "data" in s else None,
        add_points=_points(here, s.get("add_points", [])),
        remove_points=tuple(
            _int(here, i, "remove_points", 0, 10**9) for i in _list(here, s.get("remove_points", []), "remove_points")
        ),
        compare=tuple(
            _settings(here, c, "compare", exclude=("model", "function", "hidden", "hidden_activation", "output"))
            for c in _list(here, s.get("compare", []), "compare")
        ),
        seek=_int(here, s["seek"], "seek", 0, MAX_STEPS) if "seek" in s else None,
        train=train,
        until=until,
        slice=_slice(here, s["slice"]) if "slice" in s else None,
        select=_int(here, s["select"], "select", 0, 10**9) if "select" in s else None,
        view=_view(here, s.get("view", {})),
        front=_front(here, s.get("front", [])),
        large=_large(here, s["large"]) if "large" in s else None,
        points_at=_points_at(here, s.get("points_at", [])),
        caption=_text(path, s.get("caption", ""), k, "caption", limit=MAX_CAPTION).strip(),
    )


@dataclass(frozen=True)
class Place:
    """Where in a lesson something is wrong: its errors name the file, the scene and the key."""

    path: Path
    scene: int

    def error(self, message: str, key: str) -> LessonError:
        return LessonError(self.path, message, self.scene, key)


def _unknown(keys, known) -> str:
    return f"unknown key {', '.join(repr(k) for k in sorted(keys))}; the keys are {', '.join(known)}"


def _text(path: Path, value, scene: int | None, key: str, required: bool = False, limit: int = 200) -> str:
    if value is None and required:
        raise LessonError(path, "missing (a line of text)", scene, key)
    if not isinstance(value, str):
        raise LessonError(path, f"must be text in quotes, not {_kind(value)}", scene, key)
    if len(value) > limit:
        raise LessonError(path, f"{len(value)} characters; at most {limit} fit", scene, key)
    return value


def _kind(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list", dict: "a table"}.get(
        type(value), type(value).__name__
    )


def _int(here: Place, value, key: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise here.error(f"must be a whole number, not {_kind(value)}", key)
    if not low <= value <= high:
        raise here.error(f"must be between {low:,} and {high:,}, got {value:,}", key)
    return value


def _number(here: Place, value, key: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise here.error(f"must be a finite number, not {value!r}", key)
    return float(value)


def _list(here: Place, value, key: str) -> list:
    if not isinstance(value, list):
        raise here.error(f"must be a list [ … ], not {_kind(value)}", key)
    return value


def _table(here: Place, value, key: str, known: tuple[str, ...]) -> dict:
    if not isinstance(value, dict):
        raise here.error(f"must be a table {{ … }}, not {_kind(value)}", key)
    unknown = set(value) - set(known)
    if unknown:
        raise here.error(_unknown(unknown, known), key)
    return value


def _origin(here: Place, value) -> tuple[str, str]:
    if value is None or value == "previous":
        if here.scene == 1:
            raise here.error('the first scene starts from a preset or a session: from = "preset:NAME"', "from")
        return ("previous", "")
    if not isinstance(value, str):
        raise here.error(f"must be text, not {_kind(value)}", "from")
    kind, sep, name = value.partition(":")
    if not sep or kind not in ("preset", "session") or not name.strip():
        raise here.error(f'"{value}": write "preset:NAME", "session:FILE" or "previous"', "from")
    return (kind, name.strip())


def _settings(here: Place, value, key: str, exclude: tuple[str, ...] = ()) -> tuple[tuple[str, object], ...]:
    """`set = { lr = 0.1, optimizer = "adam" }`: the controls' fields, values as the controls take them."""
    known = tuple(name for name in FIELDS if name not in exclude)
    table = _table(here, value, key, known)
    out = []
    for name, v in table.items():
        where = f"{key} › {name}"
        if name == "batch_size" and v == "full":
            v = None
        elif name == "output" and v == "canonical":
            v = None
        elif name == "start":
            points = _list(here, v, where)
            if len(points) != 2:
                raise here.error("a start is [x, y]", where)
            v = tuple(_number(here, p, where) for p in points)
        elif isinstance(v, list | dict):
            raise here.error(f"must be one value, not {_kind(v)}", where)
        out.append((name, v))
    return tuple(out)


_DATA_KEYS = ("generate", "n_samples", "noise", "seed", "classes", "csv")


def _data(here: Place, value) -> dict:
    table = dict(_table(here, value, "data", _DATA_KEYS))
    if ("generate" in table) == ("csv" in table):
        raise here.error('give one of generate = "NAME" (a generated set) or csv = "FILE"', "data")
    if "csv" in table:
        if set(table) != {"csv"}:
            raise here.error("a CSV file's data come as they are: csv takes no other keys", "data")
        _text(here.path, table["csv"], here.scene, "data › csv")
        return table
    if table["generate"] not in GENERATORS:
        raise here.error(f"{table['generate']!r}: choose one of {', '.join(GENERATORS)}", "data › generate")
    for key in ("n_samples", "seed", "classes"):
        if key in table:
            table[key] = _int(here, table[key], f"data › {key}", 0, 10**7)
    if "noise" in table:
        table["noise"] = _number(here, table["noise"], "data › noise")
    return table


def _points(here: Place, value) -> tuple[tuple[float, ...], ...]:
    out = []
    for i, point in enumerate(_list(here, value, "add_points"), 1):
        where = f"add_points › point {i}"
        if not isinstance(point, list) or len(point) < 2:
            raise here.error("a point is [x1, …, target]: its inputs, then its class or value", where)
        out.append(tuple(_number(here, v, where) for v in point))
    return tuple(out)


def _until(here: Place, value) -> Until:
    table = _table(here, value, "until", ("step", "loss_below", "diverged", "max_steps"))
    goals = [k for k in ("step", "loss_below", "diverged") if k in table]
    if len(goals) != 1:
        raise here.error("say one goal: step = N, loss_below = L or diverged = true (and max_steps)", "until")
    max_steps = _int(here, table.get("max_steps", DEFAULT_MAX_STEPS), "until › max_steps", 1, MAX_STEPS)
    if "step" in table:
        return Until(step=_int(here, table["step"], "until › step", 0, MAX_STEPS), max_steps=max_steps)
    if "loss_below" in table:
        return Until(loss_below=_number(here, table["loss_below"], "until › loss_below"), max_steps=max_steps)
    if table["diverged"] is not True:
        raise here.error("diverged = true is the only way to say it", "until › diverged")
    return Until(diverged=True, max_steps=max_steps)


def _slice(here: Place, value) -> dict:
    table = dict(_table(here, value, "slice", ("mode", "axes", "seed", "pinned")))
    mode = table.get("mode", "axes")
    if mode not in SLICE_MODES:
        raise here.error(f"{mode!r}: choose one of {', '.join(SLICE_MODES)}", "slice › mode")
    table["mode"] = mode
    if "axes" in table:
        axes = _list(here, table["axes"], "slice › axes")
        if mode != "axes" or len(axes) != 2 or not all(isinstance(a, str) for a in axes):
            raise here.error('two parameter names with mode = "axes", e.g. axes = ["W[0,0]", "b[0]"]', "slice › axes")
        table["axes"] = tuple(axes)
    if "seed" in table:
        table["seed"] = _int(here, table["seed"], "slice › seed", 0, 2**31 - 1)
    if "pinned" in table and not isinstance(table["pinned"], bool):
        raise here.error("true or false", "slice › pinned")
    return table


def _view(here: Place, value) -> tuple[tuple[str, object], ...]:
    table = _table(here, value, "view", tuple(VIEW_OPTIONS))
    out = []
    for name, v in table.items():
        kind = VIEW_OPTIONS[name]
        where = f"view › {name}"
        if isinstance(kind, tuple):
            if v not in kind:
                raise here.error(f"{v!r}: choose one of {', '.join(kind)}", where)
        elif kind is bool:
            if not isinstance(v, bool):
                raise here.error("true or false", where)
        elif kind is int:
            v = _int(here, v, where, -1, 10_000)
        else:
            v = _number(here, v, where)
        out.append((name, v))
    return tuple(out)


def _large(here: Place, value) -> str:
    if value != "none" and value not in VIEW_NAMES:
        raise here.error(f'{value!r} is not a view; the views are {", ".join(VIEW_NAMES)} (or "none")', "large")
    return value


def _points_at(here: Place, value) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else _list(here, value, "points_at")
    for item in items:
        line = isinstance(item, str) and item.startswith(DERIVATION_LINE) and item[len(DERIVATION_LINE) :].strip()
        if item not in VIEW_NAMES and item != START_MARKER and not line:
            raise here.error(
                f"{item!r} is not a view, {START_MARKER!r} or 'derivation: TEXT' (a line of the derivation)",
                "points_at",
            )
    if sum(str(item).startswith(DERIVATION_LINE) for item in items) > 1:
        raise here.error("one line of the derivation at a time", "points_at")
    return tuple(items)


def _front(here: Place, value) -> tuple[str, ...]:
    names = [value] if isinstance(value, str) else _list(here, value, "front")
    for name in names:
        if name not in VIEW_NAMES:
            raise here.error(f"{name!r} is not a view; the views are {', '.join(VIEW_NAMES)}", "front")
    return tuple(names)
