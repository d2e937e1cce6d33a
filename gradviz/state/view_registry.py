"""Every view the window can show, declared once: its names, its title, its class, its place.

The main window builds its docks from this table, the layout places them by `place`, a lesson file
and a preset name them by `word`, `--export-view` and File › Export a view by `key`, and the
import contracts (pyproject.toml) must list every view's module (a test holds them to it). Adding a
view is its module under gradviz/gui/views and one line here. No Qt: lessons and presets read it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CONTROLS_DOCK",
    "VIEWS",
    "ViewSpec",
    "dock_name",
    "view_by_key",
    "view_by_word",
    "view_of_class",
]

CONTROLS_DOCK = "controlsDock"  # the controls' dock: not a view of the session, but a dock like them


@dataclass(frozen=True)
class ViewSpec:
    key: str  # "lossSurface": the dock is key + "Dock" (saved layouts find it); --export-view's name
    word: str  # "surface": how lessons and presets name it (`front = ["surface"]`)
    title: str  # the dock's title
    cls: str  # "module:Class" of the widget, imported by the GUI
    attribute: str  # the window's attribute that holds the view ("surface_view")
    # where the layout puts it: "data" (top left), "curve" (under the data), "surface" (top right),
    # "tabs" (the tab group under the surface, in this table's order), "beside surface" (opened on request)
    place: str
    tab_title: str = ""  # shorter words for its tab where tab titles must fit a column ("" : the title)
    at_once: bool = False  # built with the window (else right after it shows, so it is on screen sooner)
    # the sentence shown instead of the picture on a function f(x, y), which has no data, predictions
    # or layers ("": the view draws functions too)
    models_only: str = ""
    steps_aside: bool = False  # on a function the dock closes, so the surface and loss curve have room
    drawn_in_place: bool = False  # exported from the window as it is (OpenGL), not laid out as a slide

    @property
    def dock(self) -> str:
        return dock_name(self.key)

    @property
    def module(self) -> str:
        return self.cls.partition(":")[0]


VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec(
        "data", "data", "Data and prediction", "gradviz.gui.views.data_view:DataView", "data_view", "data",
        at_once=True, steps_aside=True,
        models_only="The data and the model’s predictions over them belong to a model. A function f(x, y) has no data: its surface is in the Loss surface view. Choose a model under Controls ▸ Model to see the data again (they are kept).",
    ),
    ViewSpec(
        "lossCurve", "loss curve", "Loss curve", "gradviz.gui.views.loss_curve:LossCurveView", "loss_curve",
        "curve", at_once=True,
    ),
    ViewSpec(
        "lossSurface", "surface", "Loss surface and descent path", "gradviz.gui.views.loss_surface:LossSurfaceView",
        "surface_view", "surface",
    ),
    ViewSpec(
        "surface3d", "3-d surface", "3-D surface", "gradviz.gui.views.surface3d:Surface3DView", "surface3d_view",
        "beside surface", drawn_in_place=True,
    ),
    ViewSpec(
        "gradient", "gradients", "Gradient vectors", "gradviz.gui.views.gradients:GradientView", "gradient_view",
        "tabs", tab_title="Gradients", steps_aside=True,
        models_only="Gradient vectors per sample: each data point’s own ∇ℓᵢ and their mean ∇L. A function f(x, y) has no samples: its gradient ∇f and the step are drawn on the Loss surface. This view is for models.",
    ),
    ViewSpec(
        "residuals", "residuals", "Residuals ŷ − y", "gradviz.gui.views.residuals:ResidualsView", "residuals_view",
        "tabs", tab_title="Residuals", steps_aside=True,
        models_only="Residuals ŷ − y are a model’s errors on its data points. A function f(x, y) has no data and no predictions: choose a model under Controls ▸ Model to see them.",
    ),
    ViewSpec(
        "jacobian", "jacobian", "Jacobian ∂ŷ/∂z", "gradviz.gui.views.jacobian:JacobianView", "jacobian_view",
        "tabs", tab_title="Jacobian",
        models_only="The Jacobian ∂ŷ/∂z belongs to a model’s output activation (sigmoid, softmax). A function f(x, y) has none: its derivatives are ∇f and the Hessian (see Derivation and Curvature).",
    ),
    ViewSpec(
        "derivation", "derivation", "Derivation", "gradviz.gui.views.derivation:DerivationView", "derivation_view",
        "tabs",
    ),
    ViewSpec(
        "network", "network", "Network", "gradviz.gui.views.network:NetworkView", "network_view", "tabs",
        models_only="The network view shows a model’s layers, weights and backprop through one sample. A function f(x, y) has no layers: θ is the point (x, y) itself.",
    ),
    ViewSpec(
        "curvature", "curvature", "Curvature", "gradviz.gui.views.curvature:CurvatureView", "curvature_view", "tabs",
    ),
    ViewSpec(
        "runs", "runs", "Runs", "gradviz.gui.views.runs_view:RunsView", "runs_view", "tabs", at_once=True,
    ),
)  # fmt: skip

_BY_KEY = {v.key: v for v in VIEWS}
_BY_WORD = {v.word: v for v in VIEWS}
_BY_CLASS = {v.cls: v for v in VIEWS}


def dock_name(key: str) -> str:
    """The objectName of a view's dock (what Qt's saved layouts, scripts and tests find)."""
    return f"{key}Dock"


def view_by_key(key: str) -> ViewSpec | None:
    return _BY_KEY.get(key)


def view_by_word(word: str) -> ViewSpec | None:
    return _BY_WORD.get(word)


def view_of_class(module: str, name: str) -> ViewSpec | None:
    """The registered view whose widget is `module`.`name` (None: a widget that is no registered view)."""
    return _BY_CLASS.get(f"{module}:{name}")
