"""One colour per meaning, the same in every view (Okabe & Ito's colour-blind-safe set).

A colour says what a mark is: −∇L is GRADIENT wherever it is drawn, the optimizer's step is
UPDATE, the current step is CURRENT. Two meanings that share a plot never share a colour.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor

__all__ = [
    "CLASS_COLORS",
    "RUN_COLORS",
    "DATA",
    "PREDICTION",
    "RESIDUAL",
    "LOGIT_GRAD",
    "GRADIENT",
    "UPDATE",
    "STEP_CARRIED",
    "CURRENT",
    "SELECTION",
    "PATH",
    "OPTIMUM",
    "OTHER_SAMPLES",
    "OFF_SLICE",
    "PATH_LEGEND",
    "LOSS",
    "BATCH_LOSS",
    "ACCURACY",
    "DIVERGING_MAP",
    "VALIDATION",
    "EIGEN_COLORS",
    "SURFACE_MAP",
    "CURVING_UP",
    "CURVING_DOWN",
    "PREDICTED_ERRORS",
    "AXIS_COLORS",
    "PATH_3D",
    "INK",
    "PAPER",
    "HALO",
    "BACKDROP",
    "ON_MAP",
    "CONTOURS",
    "FADED",
    "TRANSPARENT",
    "TEXT",
    "QUIET_TEXT",
    "NOTE",
    "FRAME",
    "ZERO_LINE",
    "GRID_LINE",
    "WARN_TEXT",
    "WARN_FIELD",
    "INVALID_BORDER",
    "PROGRESS",
    "PROGRESS_TRACK",
    "CAPTION_BAND",
    "MESSAGE_STYLES",
    "class_color",
    "class_rgb",
]

# the classes, in an order where the first ones are the most distinct; nine for the keys 1–9
CLASS_COLORS = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
    "#999999",  # grey
)
# runs raced against each other (Paul Tol's muted set): distinct from the class colours
RUN_COLORS = ("#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#DDCC77")

DATA = "#0072B2"  # the targets y: regression points, ŷ − y stems of real-valued outputs
PREDICTION = "#000000"  # the model's ŷ: the regression line, the ŷ bars
RESIDUAL = "#CC79A7"  # ŷ − y drawn in the data's own plane
LOGIT_GRAD = "#E69F00"  # N·∂L/∂z, what backprop passes on (≠ ŷ − y for a non-canonical pair)
GRADIENT = "#D55E00"  # ∇L, −∇L and −η∇L
UPDATE = "#009E73"  # Δθ, the step the optimizer takes
STEP_CARRIED = "#EE3377"  # what an optimizer carries from step to step: momentum's velocity, Adam's m̂
CURRENT = "#E69F00"  # the current step (surface point, loss-curve marker)
SELECTION = "#000000"  # the selected sample (a ring, a thick line)
PATH = "#FFFFFF"  # the descent path on the loss surface's colour map
OPTIMUM = "#F0E442"  # the normal equation's optimum
OTHER_SAMPLES = (160, 160, 160, 90)  # samples outside this step's mini-batch
OFF_SLICE = "#AAAAAA"  # parts of ∇L along parameters the loss-surface slice does not show
PATH_LEGEND = "#777777"  # the white path, as a legend on white shows it
LOSS = "#0072B2"
BATCH_LOSS = "#56B4E9"
ACCURACY = "#009E73"
# signed values (the Jacobian, weights and gradients, activations): blue − · white 0 · red +
DIVERGING_MAP = "CET-D1"
VALIDATION = "#D55E00"  # the held-out points' loss: a colour apart from the training loss's blue
# the Hessian's eigenvectors, steepest first (Paul Tol's bright scheme)
EIGEN_COLORS = ("#AA3377", "#228833", "#4477AA", "#CCBB44", "#66CCEE", "#BBBBBB")

# the loss surface's colour map (low → high), in the 2-D view and on the 3-D mesh
SURFACE_MAP = "viridis"
# the Hessian's eigenvalues by sign: curving up, curving down; and the errors a quadratic predicts
CURVING_UP, CURVING_DOWN = "#0072B2", "#D55E00"
PREDICTED_ERRORS = "#000000"
# the 3-D box's edges along the slice's first and second direction, and its height
AXIS_COLORS = ("#D55E00", "#0072B2", "#222222")
PATH_3D = "#333333"  # the descent path on the 3-D mesh (lit, not on a colour map)

# what is not data: ink and paper
INK = "#000000"  # outlines of markers, numbers drawn in a plot
PAPER = "#FFFFFF"  # the plots' background; the fill of hollow and start markers
HALO = "#FFFFFF"  # drawn under a coloured line or dot so that it reads over a colour map
BACKDROP = (255, 255, 255, 220)  # under text drawn over a plot (labels, the hover's box)
ON_MAP = (255, 255, 255, 150)  # thin marks over the surface's colour map: the gradient field, its tips
CONTOURS = (255, 255, 255, 110)  # the surface's contour lines (quieter than the field)
FADED = (215, 215, 215, 255)  # edges of the network the backward walk is not at
TRANSPARENT = (0, 0, 0, 0)  # a marker that is only its ring
TEXT = "#222222"  # labels drawn in a plot
QUIET_TEXT = "#444444"  # hints and captions under the main words
NOTE = "#555555"  # a legend entry that explains a drawing style rather than naming a series
FRAME = "#666666"  # thin frames (a hidden unit's map, a hover's box)
ZERO_LINE = "#888888"  # the reference line at 0
GRID_LINE = "#BBBBBB"  # the axes through 0 of a plane of vectors
WARN_TEXT = "#7A1111"  # words of a warning in the controls (an η above the stable bound)
WARN_FIELD = "#FDE2E1"  # the background of a field whose value is a problem
INVALID_BORDER = "#C0392B"  # the frame of a field whose text cannot be read
PROGRESS = "#0072B2"  # work done in the background (a strip along the plot it is for)
PROGRESS_TRACK = (255, 255, 255, 160)  # the strip's part still to do
CAPTION_BAND = "background: #fffbea; border-top: 1px solid #d8c98a;"  # a lesson's caption, a paper note

MESSAGE_STYLES = {
    "error": "background: #fde2e1; color: #7a1111; border-bottom: 2px solid #D55E00;",
    "warning": "background: #fff3cd; color: #5c4400; border-bottom: 2px solid #E69F00;",
    "info": "background: #e3f1fb; color: #0b3a5c; border-bottom: 2px solid #0072B2;",
}


def class_color(c: int) -> QColor:
    return QColor(CLASS_COLORS[int(c) % len(CLASS_COLORS)])


_CLASS_RGB = np.array([[int(h[i : i + 2], 16) / 255.0 for i in (1, 3, 5)] for h in CLASS_COLORS])


def class_rgb(n: int) -> np.ndarray:
    """(n, 3) float RGB in [0, 1] of the first n class colours."""
    return _CLASS_RGB[np.arange(n) % len(CLASS_COLORS)]
