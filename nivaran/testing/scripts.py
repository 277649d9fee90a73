"""The project's own service scripts (scripts/*.sh) run from tests, as their fixtures do."""

from __future__ import annotations

import subprocess
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def script_up(name: str, *, timeout: int) -> None:
    """`scripts/<name> up`, which starts the service if it is not running (and leaves it
    running: other test sessions on this machine may be using it); fails the test with
    the script's output if it cannot."""
    done = subprocess.run(  # noqa: S603 - our own script, run by bash from PATH
        ["bash", str(SCRIPTS / name), "up"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"scripts/{name} up failed:\n{done.stdout}{done.stderr}"
