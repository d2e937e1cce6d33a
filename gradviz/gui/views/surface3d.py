"""The loss surface in 3-D: the same slice and the same box as the 2-D view, lifted by L (or f on
a function), with the descent path lying on it and the current point; the mouse turns and zooms
it. Log height shows a valley floor the linear scale flattens.

It needs OpenGL: PyOpenGL (the extra `gradviz[3d]`) and a platform with a GL context. Where
either is missing, the view says so in words and builds nothing that would need them; every
other view works as before. The GL widget takes no keyboard focus: the arrow keys step the run,
as everywhere else.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gradviz.state import Change

from .. import palette
from ..qt_session import QtSession
from ..race import race_entries
from ..surface_worker import SurfaceJob
from ..theme import Theme
from .base import View
from .surface_box import surface_box
from .surface_image import LOG_DECADES

__all__ = ["Surface3DView", "gl_problem", "GRID"]

# the palette's colours as GL takes them (RGBA floats), converted once, not every frame
_RGBF = {
    name: pg.mkColor(colour).getRgbF()
    for name, colour in (
        ("path", palette.PATH_3D), ("halo", palette.HALO), ("current", palette.CURRENT), ("paper", palette.PAPER)
    )
}  # fmt: skip

GRID = 64  # vertices per side: a smooth surface that software OpenGL still turns at once
HEIGHT = 1.1  # the surface's height in the scene, its base being the square [−1, 1]²
_NO_FOCUS = Qt.FocusPolicy.NoFocus


def gl_problem() -> str:
    """Why this process cannot show the 3-D view, in a user's words ('' if it can)."""
    try:
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
    except ImportError:
        return (
            'The 3-D view needs PyOpenGL, which is not installed: pip install "gradviz[3d]" (or '
            "pip install PyOpenGL) and start gradviz again. Everything else works without it."
        )
    platform = QGuiApplication.platformName()
    if platform in ("offscreen", "minimal"):
        return (
            f"No OpenGL here: the “{platform}” platform draws without a screen and has no GL context. "
            "The 3-D view needs a display with OpenGL; everything else works."
        )
    context = QOpenGLContext()
    surface = QOffscreenSurface()
    surface.create()
    if not context.create() or not context.makeCurrent(surface):
        return "No OpenGL context could be made on this display (no OpenGL driver?): the 3-D view needs one."
    context.doneCurrent()
    return ""


class Surface3DView(View):
    depends = frozenset({"data", "model", "step", "settings", "slice", "view", "runs"})

    def __init__(self, qt_session: QtSession, theme: Theme, parent: QWidget | None = None):
        super().__init__(qt_session, theme, parent)
        self.setObjectName("surface3dView")
        self.problem = gl_problem()
        self.message = QLabel(self.problem)
        self.message.setObjectName("surface3dMessage")
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setFont(theme.font(1.0))
        self.message.setVisible(bool(self.problem))
        self.log_check = QCheckBox("log height")
        self.log_check.setObjectName("surface3dLogCheck")
        self.log_check.setToolTip("Height by log₁₀ of the loss: a valley floor the linear scale flattens stands out")
        self.log_check.setFont(theme.font(0.9))
        self.log_check.toggled.connect(lambda on: self.session.set_view(surface3d_log=on))
        self.log_check.setEnabled(not self.problem)
        self.hint = QLabel("drag to turn · wheel to zoom")
        self.hint.setFont(theme.font(0.85))
        self.axes_label = QLabel()
        self.axes_label.setObjectName("surface3dAxes")
        self.axes_label.setTextFormat(Qt.TextFormat.RichText)
        self.axes_label.setFont(theme.font(0.9))
        row = QHBoxLayout()
        row.addWidget(self.log_check)
        row.addWidget(self.axes_label)
        row.addStretch(1)
        row.addWidget(self.hint)
        self.scene: QWidget | None = None  # the GL widget, made when first seen (never without OpenGL)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._gen = 0
        self._pending = 0
        self.slice = None  # the plane the surface on screen was computed on
        self.box: tuple[np.ndarray, np.ndarray] | None = None
        self.surface: np.ndarray | None = None  # S on the GRID × GRID grid over `box`
        self.heights: np.ndarray | None = None  # S as drawn: heights in the scene
        self._again = False  # a request came while a surface was being computed
        self._log = False
        self._shift = 0.0
        self._range = (0.0, 1.0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(row)
        layout.addWidget(self.message, 1)
        self._layout = layout
        self.start()

    # ------------------------------------------------------------------ building
    def _build_scene(self) -> None:
        import pyqtgraph.opengl as gl

        scene = gl.GLViewWidget()
        scene.setObjectName("surface3dScene")
        scene.setFocusPolicy(_NO_FOCUS)  # the arrow keys step the run; the mouse turns the surface
        scene.setBackgroundColor(palette.PAPER)
        scene.setCameraPosition(distance=4.4, elevation=28, azimuth=-62)
        scene.opts["center"] = pg.Vector(0, 0, HEIGHT / 3)
        self.mesh = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, glOptions="opaque")
        self.path_lines: list = []  # one per run drawn (pooled)
        self.point = gl.GLScatterPlotItem(size=13 * self.theme.scale, pxMode=True)
        self.start_point = gl.GLScatterPlotItem(size=9 * self.theme.scale, pxMode=True)
        # the box's floor, its two axes and the height in the colours the caption names (text inside a GL
        # scene did not draw with software OpenGL; a caption that names each axis by colour stays true as
        # the surface turns)
        corners = [(-1, -1), (1, -1), (1, 1), (-1, 1)]
        floor = [(*a, 0.0) for pair in zip(corners[1:], corners[2:] + corners[:1], strict=True) for a in pair]
        axes = [(-1, -1, 0.0), (1, -1, 0.0), (-1, -1, 0.0), (-1, 1, 0.0), (-1, -1, 0.0), (-1, -1, HEIGHT)]
        grey = [(0.6, 0.6, 0.6, 1.0)] * len(floor)
        coloured = [pg.mkColor(c).getRgbF() for c in palette.AXIS_COLORS for _ in range(2)]
        self.box_lines = gl.GLLinePlotItem(
            pos=np.array(floor + axes, dtype=np.float32),
            color=np.array(grey + coloured, dtype=np.float32),
            width=2,
            mode="lines",
            glOptions="opaque",  # pyqtgraph's lines add their colour by default: white on a white page
        )
        for item in (self.mesh, self.box_lines, self.start_point, self.point):
            scene.addItem(item)
        self.scene = scene
        self._layout.addWidget(scene, 1)

    # ------------------------------------------------------------------ drawing
    def redraw(self, change: Change) -> None:
        s = self.session
        self.once("log", s.view.surface3d_log, self.log_check.setChecked)
        if self.problem:
            return
        if self.scene is None:
            self._build_scene()
        if "view" in change and self.surface is not None and self._log != s.view.surface3d_log:
            self._draw_surface()  # log height or not: the same numbers drawn again
        if change.touches({"model", "slice", "runs", "data"}) or self.surface is None:
            self.request()
        elif s.slice is not self.slice or self._lost_sight():
            self.request()  # the plane moved with the run, or the run left the box
        self._draw_run()

    def _lost_sight(self) -> bool:
        if self.box is None:
            return True
        path = self.session.frame.path[-1:]
        return bool(np.any(path < self.box[0]) or np.any(path > self.box[1]))

    def request(self) -> None:
        """A new surface over the box on the session's plane, computed aside (stale ones give up)."""
        if self._pending:  # one at a time: the newest request follows when it is done
            self._gen += 1
            self._again = True
            return
        s = self.session
        self.slice = s.slice
        self.box = surface_box(s)
        alphas = np.linspace(self.box[0][0], self.box[1][0], GRID)
        betas = np.linspace(self.box[0][1], self.box[1][1], GRID)
        self._gen += 1
        self._again = False
        job = SurfaceJob.on(s, self.slice, alphas, betas, np.float64, self._gen, lambda: self._gen)
        job.signals.done.connect(self._on_done)
        self._pending = self._gen
        self._pool.start(job)

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def _on_done(self, gen: int, S) -> None:
        self._pending = 0
        if self._again or gen != self._gen:
            self.request()
            return
        self.surface = np.asarray(S, dtype=float)
        self._draw_surface()
        self._draw_run()

    def finish_rendering(self) -> None:
        """Wait for the surface of the current plane (a screenshot wants the final picture)."""
        if self.problem or self.scene is None:
            return

        for _ in range(3):
            if self._pending:
                self._pool.waitForDone(30_000)
                QCoreApplication.processEvents()

    def shutdown(self) -> None:
        self._gen += 1
        self._pool.waitForDone(5_000)

    def _heights(self, values: np.ndarray) -> np.ndarray:
        """Loss values → heights in the scene: [0, HEIGHT] over the surface's range (log₁₀ on request)."""
        lo, hi = self._range
        v = np.log10(np.maximum(values - self._shift, 1e-300)) if self._log else values
        return HEIGHT * np.clip((v - lo) / (hi - lo), 0.0, 1.05)

    def _draw_surface(self) -> None:
        S = self.surface
        s = self.session
        self._log = s.view.surface3d_log
        finite = S[np.isfinite(S)]
        if finite.size == 0:
            return
        self._shift = min(0.0, float(finite.min())) - (1e-12 if self._log else 0.0)
        shown = np.log10(np.maximum(finite - self._shift, 1e-300)) if self._log else finite
        lo, hi = float(shown.min()), float(shown.max())
        if self._log:
            lo = max(lo, hi - LOG_DECADES)  # as the 2-D view's colours
        self._range = (lo, hi if hi > lo else lo + 1.0)
        Z = self.heights = self._heights(np.where(np.isfinite(S), S, np.inf))
        colours = pg.colormap.get(palette.SURFACE_MAP).map(
            Z.ravel() / HEIGHT, mode="float"
        )  # one RGBA per vertex, flat
        grid = np.linspace(-1.0, 1.0, GRID)
        self.mesh.setData(x=grid, y=grid, z=Z, colors=colours)
        symbol = s.settings.objective
        alpha, beta = (label.split(" (")[0] for label in s.slice.axis_labels)
        height = f"log₁₀ {symbol}" if self._log else symbol
        self.axes_label.setText(
            f"<span style='color:{palette.AXIS_COLORS[0]}'>━━</span> {alpha} &nbsp; "
            f"<span style='color:{palette.AXIS_COLORS[1]}'>━━</span> {beta} &nbsp; "
            f"<span style='color:{palette.AXIS_COLORS[2]}'>┃</span> height {height}"
        )

    def _to_scene(self, coords: np.ndarray) -> np.ndarray:
        lo, hi = self.box
        return 2.0 * (coords - lo) / (hi - lo) - 1.0

    def _lift(self, uv: np.ndarray) -> np.ndarray:
        """Heights of the surface under scene points (bilinear between the grid's vertices)."""
        Z = self.heights if self.heights is not None else np.zeros((GRID, GRID))
        t = (np.clip(uv, -1.0, 1.0) + 1.0) / 2.0 * (GRID - 1)
        i0 = np.clip(np.floor(t).astype(int), 0, GRID - 2)
        f = t - i0
        a, b = i0[:, 0], i0[:, 1]
        fa, fb = f[:, 0], f[:, 1]
        top = Z[a, b] * (1 - fb) + Z[a, b + 1] * fb
        bottom = Z[a + 1, b] * (1 - fb) + Z[a + 1, b + 1] * fb
        return top * (1 - fa) + bottom * fa

    def _draw_run(self) -> None:
        """Each run's path on the surface (the part inside the box; in a race each in its colour, the
        focused one white), the start, and the focused run's current point."""
        if self.scene is None or self.surface is None or self.box is None:
            return
        s = self.session
        f = s.frame
        race = race_entries(s)
        paths = [(f.path, _RGBF["path"], 2.0)]
        if race:
            paths = [
                (f.race_paths[e.index], pg.mkColor(e.color).getRgbF(), 3.0 if e.focused else 2.0)
                for e in sorted(race, key=lambda e: e.focused)
            ]
        for k, (path, colour, width) in enumerate(paths):
            uv = self._to_scene(path)
            inside = _in_box(uv)
            ground = np.column_stack([uv[inside], self._lift(uv[inside])])
            # a white halo under each run's colour (dark colours stay visible on the dark valley floor), the
            # colour lifted a little more, so that it lies in front of its halo seen from above
            for line, c, w, lift in (
                (self._path_line(2 * k), _RGBF["halo"], width + 2.5, 0.006),
                (self._path_line(2 * k + 1), colour, width, 0.016),
            ):
                line.setData(pos=ground + [0.0, 0.0, lift], color=c, width=w * self.theme.scale)
                line.setVisible(len(ground) > 1)
        for line in self.path_lines[2 * len(paths) :]:
            line.setVisible(False)
        uv = self._to_scene(f.path)
        inside = _in_box(uv)
        for item, k, lift, colour in (
            (self.point, -1, 0.02, _RGBF["current"]),
            (self.start_point, 0, 0.015, _RGBF["paper"]),
        ):
            at = uv[k : k + 1] if k >= 0 else uv[-1:]
            shown = inside[k]
            item.setData(pos=np.column_stack([at, self._lift(at) + lift]) if shown else np.zeros((0, 3)), color=colour)

    def _path_line(self, k: int):
        import pyqtgraph.opengl as gl

        while len(self.path_lines) <= k:
            line = gl.GLLinePlotItem(antialias=True, mode="line_strip", glOptions="translucent")
            line.setDepthValue(5 + k % 2)  # the halo, then the colour on it
            self.scene.addItem(line)
            self.path_lines.append(line)
        return self.path_lines[k]


def _in_box(uv: np.ndarray) -> np.ndarray:
    """Which scene points lie over the surface's square (finite, within [−1, 1]²)."""
    return np.all(np.isfinite(uv), axis=1) & np.all(np.abs(uv) <= 1.0, axis=1)
