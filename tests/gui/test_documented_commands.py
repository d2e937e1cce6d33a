"""Every gradviz command shown in README.md and docs/ runs as written (a reader copies them).

The commands are pulled out of the text: the lines of code blocks and the inline code spans that start
with `gradviz `. Templates (NAME, SPEC, FILE, […]) are not commands. Each runs without a display, in a
folder of its own: one that makes a picture, a file or a list runs as it is; one that would open the
window also writes a screenshot of it (what the window would show) and exits.
"""

import re
import shlex
from pathlib import Path

import pytest

from gradviz.start import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TEMPLATE = re.compile(r"\b(NAME|SPEC|FILE|OUT|VIEW|WxH|X,Y)\b|\[|…|\.\.\.")
EXITS_BY_ITSELF = ("--screenshot", "--export-view", "--export-history", "--export-lesson", "--record", "--list-")


def documented_commands() -> list[tuple[str, str]]:
    """(where, command) for every gradviz command in the docs, once each."""
    found: dict[str, str] = {}
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        blocks = re.findall(r"```(?:bash|sh|console)?\n(.*?)```", text, flags=re.S)
        lines = [line.split(" #")[0].strip() for block in blocks for line in block.splitlines()]
        spans = [" ".join(span.split()) for span in re.findall(r"`(gradviz [^`]+)`", text)]
        for command in lines + spans:
            if command.startswith("gradviz ") and not TEMPLATE.search(command):
                found.setdefault(command, doc.name)
    return sorted((where, command) for command, where in found.items())


def test_the_docs_show_commands_to_run():
    commands = [c for _, c in documented_commands()]
    assert len(commands) >= 15
    assert "gradviz --function rosenbrock --start -1.5,2" in commands  # a negative value, as README shows it


@pytest.mark.parametrize("where,command", documented_commands(), ids=lambda x: x)
def test_a_documented_command_runs_as_written(where, command, tmp_path, monkeypatch, qapp):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the desktop entry's commands
    argv = shlex.split(command)[1:]
    for word in argv:  # "a lesson file of your own": one of the shipped ones, copied under that name
        if word.endswith(".toml"):
            (tmp_path / word).write_text((ROOT / "resources" / "lessons" / "backprop.toml").read_text("utf-8"), "utf-8")
    if not any(word.startswith(EXITS_BY_ITSELF) for word in argv) and "desktop-entry" not in command:
        argv += ["--screenshot", "window.png"]
    assert main(argv) == 0, f"{where}: {command}"
    if "--screenshot" in argv:
        assert (tmp_path / argv[argv.index("--screenshot") + 1]).stat().st_size > 10_000
