"""Prepared scenarios: a lecture demo that opens in one command (`gradviz --preset NAME`).

A preset is a session file (see core.session_file) in resources/presets/, with a title and
a description, and optionally `"generate": {"name": …, "n_samples": …, "noise": …}` or
`"csv": "file.csv"` (from resources/datasets/) in place of inline data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gradviz import core
from gradviz.core.session_file import SessionData, session_from_dict, session_to_dict
from gradviz.resources import resource_path

__all__ = ["Preset", "list_presets", "load_preset"]


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    path: Path


def _presets_dir() -> Path:
    return resource_path("presets")


def list_presets() -> list[Preset]:
    out = []
    for path in sorted(_presets_dir().glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        out.append(Preset(path.stem, doc.get("title", path.stem), doc.get("description", ""), path))
    return out


def load_preset(name: str) -> SessionData:
    path = _presets_dir() / f"{name}.json"
    if not path.is_file():
        names = ", ".join(p.name for p in list_presets())
        raise ValueError(f"no preset named {name!r}; the presets are: {names}")
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise core.SessionFileError(path, f"not valid JSON: {exc}") from None
    doc.setdefault("format", "gradviz-session")
    doc.setdefault("version", 1)
    if "generate" in doc:
        spec = dict(doc.pop("generate"))
        settings_seed = doc.get("settings", {}).get("seed", 0)
        dataset = core.generate(spec.pop("name"), seed=spec.pop("seed", settings_seed), **spec)
        doc["dataset"] = session_to_dict(SessionData(dataset, core.Settings()))["dataset"]
    elif "csv" in doc:
        dataset = core.load_csv(resource_path("datasets", doc.pop("csv")))
        doc["dataset"] = session_to_dict(SessionData(dataset, core.Settings()))["dataset"]
    return session_from_dict(doc, path)
