"""Shared by the benchmark scripts: write one script's section of docs/performance.md."""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["REPORT", "write_section"]

REPORT = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def write_section(heading: str, text: str, *, first: bool = False) -> None:
    """Replace the section under ``heading`` with ``text``, keeping every other section.

    A section that is not there yet goes at the end, or before the others with ``first``.
    """
    old = REPORT.read_text("utf-8") if REPORT.exists() else "# Performance\n"
    pattern = re.compile(rf"^{re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _: text + "\n", old)
    elif first:
        start = re.search(r"^## ", old, re.M)
        at = start.start() if start else len(old)
        new = old[:at].rstrip("\n") + "\n\n" + text + "\n" + old[at:]
    else:
        new = old.rstrip("\n") + "\n\n" + text
    REPORT.write_text(new.rstrip("\n") + "\n", "utf-8")
