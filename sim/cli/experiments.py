"""The experiment commands (run, compare, sweep, ...): one path for every kind of question.

Load the scenario (with ``--set``), read and check the kind's flags (``sim.cli.questions``),
prepare the folder, store and executor (``sim.cli.session``), run, print, write. Everything the
user can get wrong is said before the folder is touched or anything runs.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.questions import QUESTIONS
from sim.cli.session import finish, session
from sim.scenario.loading import load_scenario
from sim.scenario.overrides import parse_assignment


def experiment(args: argparse.Namespace) -> int:
    """Run the experiment ``args.command`` asks for; print it, write its files."""
    overrides: dict[str, Any] = dict(parse_assignment(a) for a in args.overrides)
    scenario = load_scenario(args.scenario, overrides)
    ask = QUESTIONS[args.command](args, scenario)
    with session(args, scenario) as execution:
        folder = execution.pop("folder")
        result = ask(**execution)
        finish(args, folder, result)
    return 0
