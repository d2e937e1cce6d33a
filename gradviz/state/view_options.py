"""How the views show the state: options a user toggles, saved with the session."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["ViewOptions", "walk_length"]


@dataclass(frozen=True)
class ViewOptions:
    """How the views show the state (saved with the session, so a lecture reopens as prepared)."""

    surface_log: bool = False
    gradient_field: bool = False
    tip_to_tail: bool = False
    residual_order: str = field(default="index", metadata={"choices": ("index", "size")})
    loss_log: bool = False
    loss_threshold: float = 0.1  # τ of the race's table: the first step at which L ≤ τ
    network_edges: str = field(default="weights", metadata={"choices": ("weights", "gradient")})  # what its edges show
    network_walk: int = 0  # the network view's backward walk: 0 off, else its stop (1 …)
    unit_map: int = -1  # the hidden unit whose activation the data view shows as its background (−1: none)
    step_parts: bool = False  # the surface draws the optimizer's step in its parts (velocity, m/√v, …)
    surface3d_log: bool = False  # the 3-D surface's height is log₁₀ of the loss


def walk_length(mlp: bool) -> int:
    """The stops of the backward walk through one sample: δ at the outputs, (MLP: δ¹ at the hidden
    units,) and each weight matrix's gradient."""
    return 4 if mlp else 2
