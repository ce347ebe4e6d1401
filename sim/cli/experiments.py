"""The experiment commands (run, compare, sweep, ...): one path for every kind of question.

Load the scenario (with ``--set``), read and check the kind's flags (``sim.cli.questions``),
prepare the folder, store and executor (``sim.cli.session``), run, print, write; exit with 3
where the answer is no (``ANSWERED_NO``). Everything the user can get wrong is said before the
folder is touched or anything runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NamedTuple

from sim.cli.questions import QUESTIONS
from sim.cli.session import EXIT_NOT_MET, finish, session
from sim.i18n import _, naming
from sim.scenario.loading import load_scenario
from sim.scenario.overrides import parse_assignment


def experiment(args: argparse.Namespace) -> int:
    """Run the experiment ``args.command`` asks for; print it, write its files."""
    overrides: dict[str, Any] = dict(parse_assignment(a) for a in args.overrides)
    scenario = load_scenario(args.scenario, overrides)
    ask = QUESTIONS[args.command](args, scenario)
    with naming(scenario.labels), session(args, scenario) as execution:
        folder = execution.pop("folder")
        result = ask(**execution)
        finish(args, folder, result)
    may_say_no = ANSWERED_NO.get(args.command)
    return EXIT_NOT_MET if may_say_no and may_say_no.holds(result) else 0


class AnsweredNo(NamedTuple):
    """How a question that may answer no says so: the test on its result, and its --help line."""

    holds: Callable[[Any], bool]
    said: Callable[[], str]


ANSWERED_NO: dict[str, AnsweredNo] = {
    "target": AnsweredNo(
        lambda answer: answer.value is None,
        lambda: _(
            "Exit status 3: the target is not met (the answer is still printed and written)."
        ),
    ),
    "cheapest": AnsweredNo(
        lambda answer: answer.chosen is None,
        lambda: _(
            "Exit status 3: no candidate is chosen (the table is still printed and written)."
        ),
    ),
    "optimize": AnsweredNo(
        lambda answer: answer.where is not None and answer.chosen is None,
        lambda: _(
            "Exit status 3: --where was given and no setting is chosen (the settings measured "
            "are still printed and written)."
        ),
    ),
}
"""The questions whose answer may be no -> how they say it (exit status 3, ``EXIT_NOT_MET``).

A script can tell "no" from a failure (1) or bad input (2) without reading the text.
"""
