"""Results for people: text for a terminal, figures, the HTML report and the files of a folder.

Every kind of result has one entry in ``sim.reporting.kinds``: its files, its words, its
section of a report. ``say`` gives a result's text, ``write`` its folder. Sentences are made here,
in the language asked for, from what the experiments computed; nothing is computed again.

Imports every layer below it; nothing below imports it. Its names are imported on first use, and
matplotlib only when a figure is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.reporting.writers import published, say, write

__all__ = ["published", "say", "write"]


def __getattr__(name: str) -> Any:
    """Import ``say``, ``write`` and ``published`` on first use (PEP 562)."""
    if name in __all__:
        from sim.reporting import writers  # noqa: PLC0415 (pandas: only when asked for)

        return getattr(writers, name)
    raise AttributeError(f"module 'sim.reporting' has no attribute {name!r}")
