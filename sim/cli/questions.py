"""Each experiment's flags, read into its question: a function that runs it, checked first.

``QUESTIONS[name](args, scenario)`` reads and checks the flags of one kind of experiment against
the scenario and returns ``ask(**execution)``, which runs it. Every problem is raised here, before
a folder is made or anything runs, the experiment's size among them (what it would keep in
memory, at the most replications it may reach); ``sim.cli.experiments`` does the rest, the same
for every kind.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from sim.i18n import Message
from sim.scenario.overrides import parse_assignment
from sim.scenario.schema import Scenario

Ask = Callable[..., Any]
"""``ask(**execution)``: run the question, return its result."""


def run(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """A run of the scenario."""
    from sim.experiments.runner import run as run_replications  # noqa: PLC0415

    _fits([scenario], args, scenario)
    return lambda **execution: run_replications(scenario, **execution)


def _most(args: argparse.Namespace, scenario: Scenario) -> int:
    """The most replications a variant may reach: asked for, or the --precision cap."""
    asked = args.replications or scenario.replications
    return max(asked, args.max_replications) if getattr(args, "precision", None) else asked


def _fits(scenarios: list[Scenario], args: argparse.Namespace, scenario: Scenario) -> None:
    """Refuse, before anything runs, results that would not fit in memory."""
    from sim.experiments.size import check_size  # noqa: PLC0415

    flags = "--max-replications" if getattr(args, "precision", None) else "--replications"
    check_size(scenarios, _most(args, scenario), flags)


def compare(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """The policies against the baseline, or ranking and selection among them (``--select``)."""
    from sim.cli.session import UsageError  # noqa: PLC0415
    from sim.experiments.compare import compare as compare_policies  # noqa: PLC0415
    from sim.experiments.compare import policy_variants  # noqa: PLC0415

    if not scenario.policies:
        said = Message("{scenario}: no policies: section to compare", scenario=args.scenario)
        raise UsageError(said)
    variants = policy_variants(scenario)  # every policy must be valid before anything runs
    if args.select is not None:
        return _select(args, scenario)
    _fits([v.scenario for v in variants], args, scenario)
    return lambda **execution: compare_policies(scenario, **execution)


def _select(args: argparse.Namespace, scenario: Scenario) -> Ask:
    from sim.cli.session import UsageError  # noqa: PLC0415
    from sim.experiments.compare import policy_variants  # noqa: PLC0415
    from sim.experiments.select import check_settings, select  # noqa: PLC0415
    from sim.experiments.size import check_size  # noqa: PLC0415

    settings = {
        "procedure": args.select,
        "kpi": args.kpi,
        "buyer": args.buyer,
        "product": args.product,
        "delta": args.delta,
        "alpha": args.alpha,
    }
    if args.precision is not None:
        said = Message("--precision: not with --select, which decides its own replications")
        raise UsageError(said)
    check_settings(scenario, **settings, replications=args.replications or scenario.replications)
    cap = args.max_replications
    check_size([v.scenario for v in policy_variants(scenario)], cap, "--max-replications")
    return lambda **execution: select(scenario, **settings, max_replications=cap, **execution)


def sweep(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """Every point of a sweep design (the flags', else the scenario's)."""
    from sim.experiments.sweep import as_sweep, design, sweep_variants  # noqa: PLC0415
    from sim.experiments.sweep import sweep as sweep_levers  # noqa: PLC0415

    levers = dict(_lever(text) for text in args.levers) or None
    plan = as_sweep(scenario, levers, args.samples, "--sweep" if levers else "--samples")
    seed = scenario.seed if args.seed is None else args.seed
    points = sweep_variants(scenario, design(plan, seed))  # every point valid before it runs
    _fits([v.scenario for v in points], args, scenario)
    return lambda **execution: sweep_levers(scenario, plan, **execution)


def target(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """The lever value that just meets a goal."""
    from sim.experiments.bisection import search_range  # noqa: PLC0415
    from sim.experiments.target import Goal  # noqa: PLC0415
    from sim.experiments.target import target as find_target  # noqa: PLC0415

    at_most = args.at_most is not None
    goal = Goal(
        args.metric,
        args.at_most if at_most else args.at_least,
        at_most,
        args.buyer,
        args.product,
        args.conservative,
    )
    bounds = {"low": args.low, "high": args.high, "resolution": args.resolution}
    low, high, step, __ = search_range(scenario, args.lever, goal, **bounds)
    # Three bisections (the answer, each end of its interval), every value's runs kept.
    values = 3 * (2 + math.ceil(math.log2(max(2.0, (high - low) / step))))
    _fits([scenario] * values, args, scenario)
    return lambda **execution: find_target(scenario, args.lever, goal, **bounds, **execution)


def cheapest(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """The least costly candidate that meets a constraint with a stated confidence."""
    from sim.experiments.cheapest import candidate_variants  # noqa: PLC0415
    from sim.experiments.cheapest import cheapest as find_cheapest  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415

    where = Criterion.parse(args.where, args.buyer, "--where")
    seed = scenario.seed if args.seed is None else args.seed
    replications = args.replications or scenario.replications
    candidates = candidate_variants(
        scenario, where, args.confidence, args.candidates, seed, replications=replications
    )
    _fits([v.scenario for v in candidates], args, scenario)
    settings = {"confidence": args.confidence, "candidates": args.candidates}
    return lambda **execution: find_cheapest(scenario, where, **settings, **execution)


def optimize(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """The cheapest setting of the levers that meets a constraint, or a front of objectives."""
    from sim.experiments.optimize import optimize as search_levers  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415
    from sim.experiments.search import FIRST, check_question, optuna  # noqa: PLC0415

    args.replications = args.replications or FIRST  # the command line then says it
    where = None if args.where is None else Criterion.parse(args.where, args.buyer, "--where")
    objectives = None if args.objectives is None else args.objectives.split(",")
    settings = {
        "objectives": objectives,
        "buyer": args.buyer,
        "confidence": args.confidence,
        "evaluations": args.evaluations,
        "max_replications": args.max_replications,
    }
    check_question(scenario, where, **settings, replications=args.replications)
    optuna()  # the extra, before anything is made
    return lambda **execution: search_levers(scenario, where, **settings, **execution)


def sensitivity(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """Each lever moved down and up, one at a time."""
    from sim.experiments.sensitivity import plan_levers  # noqa: PLC0415
    from sim.experiments.sensitivity import sensitivity as move_levers  # noqa: PLC0415

    plan = plan_levers(scenario, args.levers, args.change, args.metric)
    _fits([scenario] * (1 + 2 * len(plan)), args, scenario)
    levers, change, kpi = args.levers or None, args.change, args.metric
    return lambda **execution: move_levers(scenario, levers, change, kpi, **execution)


def explore(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """Every policy in many futures drawn from the scenario's uncertainties."""
    from sim.experiments.explore import (  # noqa: PLC0415
        check_criterion,
        check_explore_size,
        design_futures,
        future_variants,
    )
    from sim.experiments.explore import explore as explore_futures  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415

    criterion = Criterion.parse(args.target, args.buyer)
    check_criterion(scenario, criterion)
    seed = scenario.seed if args.seed is None else args.seed
    futures = design_futures(scenario, args.futures, args.sampler, seed)
    check_explore_size(scenario, len(futures), None, args.replications or scenario.replications)
    future_variants(scenario, futures)  # every future and policy valid before anything runs
    return lambda **execution: explore_futures(
        scenario, futures, args.sampler, target=criterion, **execution
    )


def gsa(args: argparse.Namespace, scenario: Scenario) -> Ask:
    """Global sensitivity indices of a KPI to the scenario's uncertainties."""
    from sim.experiments.gsa import check_settings  # noqa: PLC0415
    from sim.experiments.gsa import gsa as analyse  # noqa: PLC0415

    replications = args.replications or scenario.replications
    check_settings(scenario, args.method, args.n, args.kpi, args.buyer, replications=replications)
    return lambda **execution: analyse(
        scenario, args.method, args.n, kpi=args.kpi, buyer=args.buyer, **execution
    )


QUESTIONS: dict[str, Callable[[argparse.Namespace, Scenario], Ask]] = {
    "run": run,
    "compare": compare,
    "sweep": sweep,
    "target": target,
    "cheapest": cheapest,
    "optimize": optimize,
    "sensitivity": sensitivity,
    "explore": explore,
    "gsa": gsa,
}
"""Each experiment command -> how its flags become its question."""


def _lever(text: str) -> tuple[str, Any]:
    """Read ``--sweep PATH=V1,V2`` (values), ``PATH=LOW..HIGH/STEP`` or ``PATH=LOW..HIGH``."""
    from sim.cli.session import UsageError  # noqa: PLC0415

    path, sep, spec = text.partition("=")
    if not sep or not path or not spec:
        said = Message(
            "--sweep {lever}: expected PATH=V1,V2,... or PATH=LOW..HIGH[/STEP]", lever=text
        )
        raise UsageError(said)
    if ".." in spec:
        bounds, __, step = spec.partition("/")
        low, __, high = bounds.partition("..")
        try:
            numbers = [_number(v) for v in (low, high, *([step] if step else []))]
        except ValueError:
            said = Message("--sweep {lever}: LOW, HIGH and STEP must be numbers", lever=text)
            raise UsageError(said) from None
        return path, dict(zip(("low", "high", "step"), numbers, strict=False))
    return path, [parse_assignment(f"v={v}")[1] for v in spec.split(",")]


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value
