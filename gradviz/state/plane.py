"""The plane of parameter space that the loss surface and the gradient view show.

Its directions (the slice's coordinates) give the (α, β) of every point the views draw. Unless
it is pinned, the plane follows the run: it passes through the current parameters, so the
surface under the current point is the loss there, while the coordinates stay the same.
"""

from __future__ import annotations

from gradviz import core

__all__ = ["Plane"]


class Plane:
    def __init__(self, coordinates: core.Slice):
        self.coordinates = coordinates  # the slice that defines (α, β): the same for every parallel plane
        self.pinned = False  # the plane stays where it was pinned instead of following the run
        self._through_key = None  # (params, coordinates) the cached plane passes through
        self._through: core.Slice | None = None

    def shown(self, spec: core.ParamSpec, params: dict) -> core.Slice:
        """The plane the views show with the run at `params`: the pinned one, or the one through `params`
        (computed once per parameter dict: the trainer makes a new one for every step, seek and reset)."""
        if self.pinned:
            return self.coordinates
        key = self._through_key
        if key is None or key[0] is not params or key[1] is not self.coordinates:
            self._through_key = (params, self.coordinates)
            self._through = self.coordinates.through(spec, spec.flatten(params))
        return self._through

    def place(self, coordinates: core.Slice, pinned: bool | None = None) -> None:
        """New coordinates (and, given, whether the plane is pinned)."""
        self.coordinates = coordinates
        if pinned is not None:
            self.pinned = bool(pinned)

    def pin(self, pinned: bool, spec: core.ParamSpec, params: dict) -> bool:
        """Pin the plane where the run is now (`params`), or let it follow again; whether anything changed."""
        if bool(pinned) == self.pinned:
            return False
        if pinned:
            self.coordinates = self.shown(spec, params)  # the plane through the current point stays
        self.pinned = bool(pinned)
        return True

    def recenter(self, spec: core.ParamSpec, params: dict) -> bool:
        """Move a pinned plane to `params` (same directions); whether it moved."""
        if not self.pinned:
            return False
        self.coordinates = self.coordinates.through(spec, spec.flatten(params))
        return True
