"""gradviz.state: the application's state without Qt (tested without a window, usable from a script).

session = Session(core.generate("moons", seed=0), core.Settings(model="mlp", loss="ce"))
session.subscribe(lambda change: print(sorted(change.aspects)))
session.step(10)              # ['step']
session.frame.residuals       # ŷ − y at step 10, computed once for every view
"""

from .changes import ASPECTS, Change, Note
from .frame import MAX_SHOWN, Frame, choose_shown
from .race import RunResult, run_results
from .run import Run
from .session import Session
from .view_options import ViewOptions, walk_length

__all__ = [
    "ASPECTS",
    "Change",
    "Note",
    "Frame",
    "MAX_SHOWN",
    "choose_shown",
    "Run",
    "RunResult",
    "run_results",
    "Session",
    "ViewOptions",
    "walk_length",
]
