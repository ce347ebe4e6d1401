"""``python -m sim`` is the ``umkm-sim`` command."""

from sim.cli import main

raise SystemExit(main())
