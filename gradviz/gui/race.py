"""What every view draws of a race: which runs, in which colour, under which name.

One run is not a race: the views then look as they always did (the path white on the surface,
the loss curve in the loss colour). With two or more, each visible run is drawn in its own
colour (palette.RUN_COLORS, distinct from the class colours) and named in the legends, where a
click on its name focuses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import palette

__all__ = ["RaceEntry", "race_entries", "race_label", "race_losses"]


@dataclass(frozen=True)
class RaceEntry:
    index: int  # in session.runs
    color: str
    name: str
    focused: bool
    stopped: bool  # it diverged: drawn at its last finite step, marked ✕


def race_entries(session) -> list[RaceEntry]:
    """The visible runs of a race, in order (the focused one always: its views explain it); [] for one run."""
    runs = session.runs
    if len(runs) < 2:
        return []
    focus = session.focus_index
    clock = session.current_step
    return [
        RaceEntry(i, palette.RUN_COLORS[run.slot], run.name, i == focus, run.stopped(clock))
        for i, run in enumerate(runs)
        if run.visible or i == focus
    ]


def race_label(entry: RaceEntry) -> str:
    """A run's name in a legend: ▶ the focused one, ✕ one that diverged."""
    return f"{'▶ ' if entry.focused else ''}{entry.name}{' ✕ diverged' if entry.stopped else ''}"


def race_losses(session) -> list[str]:
    """The losses the runs minimise ("BCE", "MSE"): more than one, and their L are not on one scale."""
    return sorted({run.settings.loss.upper() for run in session.runs})
