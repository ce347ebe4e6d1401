"""Many replications of scenario variants, and the questions asked of them.

The runner, executors and run store; comparing policies, sweeping levers, finding a target,
one-at-a-time sensitivity, exploring uncertain futures, choosing with confidence. Every result
has a ``kind``, a ``table`` and a ``document()`` (``sim.results.documents``); saying it in words
is ``sim.reporting``'s.

Imports ``sim.results``, ``sim.engine`` and ``sim.scenario``; never ``sim.reporting``. It imports
none of its modules itself: a worker that needs only the executors loads no pandas. The public
names are ``sim``'s (``sim.compare``, ``sim.Comparison``, ...).
"""

__all__: list[str] = []
