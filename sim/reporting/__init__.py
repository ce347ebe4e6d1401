"""Results for people: text tables, figures, the HTML report and the files of an output folder.

Imports every layer below it; nothing below imports it. matplotlib is imported only when a figure
is drawn.
"""

from sim.reporting.writers import write

__all__ = ["write"]
