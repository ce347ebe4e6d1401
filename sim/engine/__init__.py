"""The simulation: SimPy processes for kitchens, the warehouse and buyers, and one replication.

Imports ``sim.scenario`` and nothing above it; only numpy and SimPy, never pandas or matplotlib,
so what runs inside a worker is the simulation alone. Replication ``r`` draws from its own named
streams (``sim.engine.streams``); same-time events follow ``sim.engine.timing``.
"""

from sim.engine.replication import AccountingError, Replication, simulate

__all__ = ["AccountingError", "Replication", "simulate"]
