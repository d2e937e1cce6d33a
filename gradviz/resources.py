"""Find the bundled presets and data sets from a source checkout and from an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_dir() -> Path:
    """`gradviz/resources` inside a wheel, or the top-level `resources/` of a checkout."""
    for candidate in (_PACKAGE / "resources", _PACKAGE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("gradviz's resources folder is missing; reinstall gradviz")


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
