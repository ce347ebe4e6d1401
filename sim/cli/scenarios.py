"""The commands on scenario files: ``check`` (validate), ``schema`` (for editors), ``app``."""

from __future__ import annotations

import argparse
import json
import sys

from sim.cli.session import EXIT_BAD_INPUT
from sim.i18n import _
from sim.scenario.loading import load_scenario
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario, scenario_json_schema


def check(args: argparse.Namespace) -> int:
    """Validate scenario files without running them; report every problem found."""
    failed = False
    for path in args.scenarios:
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            print(exc, file=sys.stderr)
            failed = True
        else:
            print(_("{path}: ok ({scenario})").format(path=path, scenario=_described(scenario)))
    return EXIT_BAD_INPUT if failed else 0


def schema(args: argparse.Namespace) -> int:  # noqa: ARG001 (every command takes its flags)
    """Print the JSON Schema of scenario files (point an editor's YAML support at it)."""
    print(json.dumps(scenario_json_schema(), indent=2))
    return 0


def app(args: argparse.Namespace) -> int:
    """Serve the what-if web app on 127.0.0.1 (only this computer can reach it), until Ctrl-C."""
    from sim.app import serve  # noqa: PLC0415

    load_scenario(args.scenario)  # a bad scenario is said here, with file and line
    return serve(args.scenario, args.port)


def _described(s: Scenario) -> str:
    said = _(
        "{name}: {products} products, {kitchens} kitchens in {groups} groups, {buyers} buyers, "
        "{days} days"
    ).format(
        name=repr(s.name),
        products=len(s.products),
        kitchens=sum(g.count for g in s.kitchens),
        groups=len(s.kitchens),
        buyers=len(s.buyers),
        days=s.horizon_days,
    )
    return said + (_(", {n} policies").format(n=len(s.policies)) if s.policies else "")
