"""Size before work: what an experiment's results will take, refused before anything runs.

Every experiment keeps each variant's replications until it is done with them; their memory is
known from the scenario alone (its shipment lines, products and days), so an experiment too big
for the machine is said in one line, with the number, the limit and what to ask for instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.engine.shipments import LINE_FIELDS
from sim.i18n import Message
from sim.scenario.limits import MAX_RESULT_BYTES
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario


class DesignTooLargeError(ScenarioError):
    """An experiment whose results would not fit in memory; said before anything runs."""


def check_size(
    scenarios: Sequence[Scenario], replications: int, flags: str = "--replications"
) -> int:
    """Return the bytes an experiment's results will take; refuse past ``MAX_RESULT_BYTES``.

    ``flags`` names what to ask less of.

    Raises:
        DesignTooLargeError: It would.
    """
    needed = replications * sum(result_bytes(s) for s in scenarios)
    _refuse_past_limit(len(scenarios), replications, needed, flags)
    return needed


def result_bytes(scenario: Scenario) -> int:
    """Estimate the memory one replication's results take: lines, stock, cash (8-byte numbers)."""
    days = scenario.horizon_days + 1
    lines = sum(len(b.shipment_days(scenario.horizon_days)) * len(b.quota) for b in scenario.buyers)
    cash = days if scenario.finance is not None else 0
    return 8 * (lines * len(LINE_FIELDS) + len(scenario.products) * days + cash) + 1024


SUMMARY_ROW_BYTES = 160
"""Memory one replication's KPIs take in one scope once summarised (a row of a pandas table of
ten columns, two of them names): what an exploration keeps of a run."""


def check_summarised(variants: int, replications: int, each: int, flags: str) -> None:
    """Refuse an experiment that keeps ``each`` bytes of every run past ``MAX_RESULT_BYTES``.

    ``flags`` names what to ask less of (``--futures or --replications``).

    Raises:
        DesignTooLargeError: It would keep more.
    """
    _refuse_past_limit(variants, replications, variants * replications * each, flags)


def _refuse_past_limit(variants: int, replications: int, needed: int, flags: str) -> None:
    if needed > MAX_RESULT_BYTES:
        message = Message(
            "{variants:number} variant(s) x {replications:number} replications would keep about "
            "{needed:number.1} GiB of results in memory, more than the {limit:plain} GiB limit: "
            "ask for fewer {flags}",
            variants=variants,
            replications=replications,
            needed=needed / 1024**3,
            limit=MAX_RESULT_BYTES / 1024**3,
            flags=flags,
        )
        raise DesignTooLargeError([message])
