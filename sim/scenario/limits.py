"""Every bound umkm-sim puts on its input, and why.

No input may hang it, exhaust its memory, overflow its arithmetic or make it write what it
cannot read back.

Bounds on quantities are derived from the engine's arithmetic: pack counts are summed in 64-bit
integers (numpy ``int64``, at most about 9.2e18) over at most ``MAX_HORIZON_DAYS`` days, so the
largest total anything can reach must stay below that with room to spare. README "Limits"
lists them for users.
"""

from __future__ import annotations

# --- the file ---------------------------------------------------------------------------------
MAX_FILE_BYTES = 4 * 1024 * 1024
"""A scenario file; the largest realistic one (thousands of kitchen groups) is well below, and
the largest allowed is read, checked or refused in seconds."""
MAX_DEPTH = 32
"""Nesting of YAML mappings and lists; a scenario needs about six."""
MAX_VALUES = 400_000
"""YAML values (each key, item and scalar), counting each alias once per place it is used: an
alias bomb ("billion laughs") is refused before it grows, and a plain file too large to build is
refused while it is read. Twenty-five thousand kitchen groups are about 400,000 (each key, each
value and each mapping or list counts); twenty thousand are checked in under 4 seconds."""
MAX_DIGITS = 100
"""Digits of an integer read from YAML; longer ones are kept as text and refused."""
MAX_SHOWN = 60
"""Characters of a value or name echoed in a message."""
MAX_NAME = 200
"""Characters in a scenario's name (it titles every table and report)."""
MAX_DESCRIPTION = 100_000
"""Characters in a scenario's description."""
MAX_PROBLEMS = 20
"""Problems listed for one input; the rest are counted."""

# --- quantities -------------------------------------------------------------------------------
MAX_HORIZON_DAYS = 36_500
"""A hundred years of days."""
YEARS = (1950, 2150)
"""Years a start date may fall in: the holiday calendars cover them, and day 0 plus the longest
horizon stays a real date."""
MAX_KITCHENS = 1_000_000
"""Kitchens in all groups together."""
MAX_DRAW = 1e6
"""A value drawn from a distribution: packs a kitchen makes in a day, or days. The engine also
clips each kitchen's day of output (after every multiplier) to it, so a group of the largest
size makes at most 1e12 packs a day, 1e14 with the largest boost, and every total over the
longest horizon stays below 1e14 x MAX_HORIZON_DAYS ~ 3.7e18 < 2**63 ~ 9.2e18 (int64)."""
MAX_MULTIPLIER = 100.0
"""An output multiplier (a month's season, a dip, a shock, a boost factor)."""
MAX_PACKS = 10**12
"""Packs in a quota, a stock, a capacity, a batch or a threshold."""
MAX_PRICE = 1e9
"""Rp per pack, bought or sold."""
MAX_FUND = 1e15
"""Rp of working capital (a thousand trillion). Cash then stays finite and exact to far below
a rupiah in float64, and every output can be written as JSON and read back."""
MAX_SPREAD = 100.0
"""A coefficient of variation; 1e-3 is the least (a gamma shape of a million)."""
MIN_SPREAD = 1e-3
MAX_PER_YEAR = 36_500.0
"""Shock episodes starting per year: a hundred a day (more cannot hit a day that is hit)."""
MAX_DESIGN_POINTS = 10_000
"""Points of a sweep (grid or Latin hypercube), each a whole set of replications."""
MAX_LEVER = 1e15
"""A sweep range's bounds and step, in the lever's own units."""
MAX_RESULT_BYTES = 4 * 1024**3
"""Results an experiment keeps in memory (estimated before it runs)."""
MAX_REPLICATIONS = 1_000_000
"""Replications of one variant (memory is checked too, before anything runs)."""
MAX_SEED = 2**63 - 1
"""Seeds are stored as SQLite INTEGER (signed 64-bit)."""
