"""What replications produced, as tidy tables and KPIs with confidence intervals.

Imports ``sim.engine`` and ``sim.scenario``. Experiments read these statistics to decide what to
run next (precision, bisection), so they live below ``sim.experiments``; drawing and writing
them is ``sim.reporting``'s. ``theory`` holds the closed forms the simulation is checked against.
"""

from sim.results.precision import Precision, PrecisionReport
from sim.results.tables import Results

__all__ = ["Precision", "PrecisionReport", "Results"]
