"""The ``umkm-sim`` experiment commands: each reads its flags, runs, prints, writes its files.

The commands that run no experiment (fit, app, report, check, schema) are in ``tools``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sim.cli.session import UsageError, finish, session, with_precision
from sim.i18n import _
from sim.scenario.loading import load_scenario
from sim.scenario.overrides import parse_assignment
from sim.scenario.schema import Scenario


def run(args: argparse.Namespace) -> int:
    """Run replications of a scenario and print a summary of quota misses with 95% CIs."""
    from sim.experiments.runner import run as run_replications  # noqa: PLC0415
    from sim.reporting.text import format_summary  # noqa: PLC0415

    scenario = _load(args)
    with session(args, scenario) as execution:
        results = run_replications(scenario, **execution)
    text = with_precision(format_summary(results.summary), results.precision)
    finish(args, results, results.to_json(), text)
    return 0


def compare(args: argparse.Namespace) -> int:
    """Compare the baseline with every policy of the scenario, with common random numbers.

    Prints each KPI with its 95% CI and the paired difference from the baseline.
    """
    from sim.experiments.compare import compare as compare_policies  # noqa: PLC0415
    from sim.experiments.compare import policy_variants  # noqa: PLC0415
    from sim.reporting.text import format_comparison  # noqa: PLC0415

    scenario = _load(args)
    if not scenario.policies:
        raise UsageError(
            _("{scenario}: no policies: section to compare").format(scenario=args.scenario)
        )
    policy_variants(scenario)  # every policy must be valid before anything runs
    if args.select is not None:
        return _select(args, scenario)
    with session(args, scenario) as execution:
        comparison = compare_policies(scenario, **execution)
    finish(
        args,
        comparison,
        json.dumps(comparison.summary, indent=2),
        with_precision(format_comparison(comparison), comparison.precision),
    )
    return 0


def sweep(args: argparse.Namespace) -> int:
    """Run every point of a sweep (a grid or a Latin hypercube) with common random numbers.

    Prints the quota miss rate per point; --out writes the table and a plot.
    """
    from sim.experiments.sweep import as_sweep, design, sweep_variants  # noqa: PLC0415
    from sim.experiments.sweep import sweep as sweep_levers  # noqa: PLC0415
    from sim.reporting.text import format_sweep  # noqa: PLC0415

    scenario = _load(args)
    levers = dict(_parse_lever(text) for text in args.levers) or None
    plan = as_sweep(scenario, levers, args.samples, "--sweep" if levers else "--samples")
    seed = scenario.seed if args.seed is None else args.seed
    sweep_variants(scenario, design(plan, seed))  # validate every point before running
    with session(args, scenario) as execution:
        result = sweep_levers(scenario, plan, **execution)
    finish(
        args,
        result,
        json.dumps(result.summary, indent=2),
        with_precision(format_sweep(result), result.precision),
    )
    return 0


def target(args: argparse.Namespace) -> int:
    """Find the lever value that just meets a target, by bisection with common random numbers.

    The smallest value, or (where the metric worsens as the lever grows) the largest.
    """
    from sim.experiments.bisection import search_range  # noqa: PLC0415
    from sim.experiments.target import Goal  # noqa: PLC0415
    from sim.experiments.target import target as find_target  # noqa: PLC0415

    scenario = _load(args)
    at_most = args.at_most is not None
    goal = Goal(
        args.metric,
        args.at_most if at_most else args.at_least,
        at_most,
        args.buyer,
        args.product,
        args.conservative,
    )
    search_range(
        scenario, args.lever, goal, low=args.low, high=args.high, resolution=args.resolution
    )
    with session(args, scenario) as execution:
        answer = find_target(
            scenario,
            args.lever,
            goal,
            low=args.low,
            high=args.high,
            resolution=args.resolution,
            **execution,
        )
    finish(args, answer, json.dumps(answer.summary, indent=2), answer.describe())
    return 0


def _select(args: argparse.Namespace, scenario: Scenario) -> int:
    """Rank and select (compare --select) among the baseline and the policies."""
    from sim.experiments.select import check_settings, select  # noqa: PLC0415

    settings = {
        "procedure": args.select,
        "kpi": args.kpi,
        "buyer": args.buyer,
        "product": args.product,
        "delta": args.delta,
        "alpha": args.alpha,
    }
    if args.precision is not None:
        raise UsageError(_("--precision: not with --select, which decides its own replications"))
    check_settings(scenario, **settings)  # said before the folder is made or anything runs
    with session(args, scenario) as execution:
        chosen = select(scenario, **settings, max_replications=args.max_replications, **execution)
    finish(args, chosen, json.dumps(chosen.as_dict(), indent=2), chosen.describe())
    return 0


def cheapest(args: argparse.Namespace) -> int:
    """The least costly candidate whose KPI meets a constraint with a stated confidence.

    Prints every candidate's cost, estimate and what ruled it out; --out writes the table.
    """
    from sim.experiments.cheapest import candidate_variants  # noqa: PLC0415
    from sim.experiments.cheapest import cheapest as find_cheapest  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415

    scenario = _load(args)
    where = Criterion.parse(args.where, args.buyer)
    seed = scenario.seed if args.seed is None else args.seed
    candidate_variants(scenario, where, args.confidence, args.candidates, seed)  # check first
    with session(args, scenario) as execution:
        answer = find_cheapest(
            scenario,
            where,
            confidence=args.confidence,
            candidates=args.candidates,
            **execution,
        )
    finish(args, answer, json.dumps(answer.as_dict(), indent=2), answer.describe())
    return 0


def sensitivity(args: argparse.Namespace) -> int:
    """Move each lever down and up (one at a time, common random numbers); rank their effect.

    Prints the KPI's paired change for each lever; --out writes a table and a tornado chart.
    """
    from sim.experiments.sensitivity import plan_levers  # noqa: PLC0415
    from sim.experiments.sensitivity import sensitivity as move_levers  # noqa: PLC0415
    from sim.reporting.text import format_sensitivity  # noqa: PLC0415

    scenario = _load(args)
    plan_levers(scenario, args.levers, args.change, args.metric)  # check before running
    with session(args, scenario) as execution:
        result = move_levers(scenario, args.levers or None, args.change, args.metric, **execution)
    finish(args, result, json.dumps(result.summary, indent=2), format_sensitivity(result))
    return 0


def explore(args: argparse.Namespace) -> int:
    """Run the baseline and every policy in many plausible futures; say which is most robust.

    The futures are drawn from the scenario's uncertainties: section. Prints, per policy, the
    share of futures where it is acceptable (--target), the KPI across futures and its regret,
    with 95% CIs; --out writes experiments.csv, robustness.csv and experiments.json.
    """
    from sim.experiments.explore import design_futures, future_variants  # noqa: PLC0415
    from sim.experiments.explore import explore as explore_futures  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415
    from sim.reporting.text import format_exploration  # noqa: PLC0415

    scenario = _load(args)
    criterion = Criterion.parse(args.target, args.buyer)
    seed = scenario.seed if args.seed is None else args.seed
    futures = design_futures(scenario, args.futures, args.sampler, seed)
    future_variants(scenario, futures)  # every future and policy valid before anything runs
    with session(args, scenario) as execution:
        result = explore_futures(scenario, futures, args.sampler, target=criterion, **execution)
    finish(args, result, json.dumps(result.summary, indent=2), format_exploration(result))
    return 0


def discover(args: argparse.Namespace) -> int:
    """Find the futures in which a policy fails, as a few conditions on the uncertainties (PRIM).

    Reads the results of umkm-sim explore in DIR; prints the box chosen on PRIM's
    coverage-density trajectory (default: the knee) in plain words, with quasi-p values,
    resampling stability and which uncertainties matter most; writes DIR/discovery.json and
    DIR/tradeoff.png.
    """
    from sim.experiments.discover import cart_rules, failures_in  # noqa: PLC0415
    from sim.experiments.discover import discover as find_box  # noqa: PLC0415
    from sim.experiments.robustness import Criterion  # noqa: PLC0415
    from sim.reporting.writers import write_files  # noqa: PLC0415

    if not args.folder.is_dir():
        raise UsageError(_("{folder}: no such folder").format(folder=args.folder))
    where = Criterion.parse(args.where, args.buyer)
    futures, failed = failures_in(args.folder, where, args.policy)
    found = find_box(futures, failed, where, args.policy, box=args.box, threshold=args.threshold)
    document = found.as_dict()
    write_files(found, args.folder)
    if args.json:
        print(json.dumps(document, indent=2))
        return 0
    print(found.describe())
    print(found.tables(cart_rules(futures, failed) if args.cart else None))
    return 0


def gsa(args: argparse.Namespace) -> int:
    """Global sensitivity of a KPI to the scenario's uncertainties (Sobol' or Morris, SALib).

    Prints each uncertainty's index with its 95% CI and the share of replication noise;
    --out writes the indices, their convergence and the figures.
    """
    from sim.experiments.gsa import check_settings  # noqa: PLC0415
    from sim.experiments.gsa import gsa as analyse  # noqa: PLC0415

    scenario = _load(args)
    check_settings(scenario, args.method, args.n, args.kpi, args.buyer)
    with session(args, scenario) as execution:
        result = analyse(scenario, args.method, args.n, kpi=args.kpi, buyer=args.buyer, **execution)
    finish(args, result, json.dumps(result.as_dict(), indent=2), result.describe())
    return 0


def _load(args: argparse.Namespace) -> Scenario:
    overrides: dict[str, Any] = dict(parse_assignment(a) for a in args.overrides)
    return load_scenario(args.scenario, overrides)


def _parse_lever(text: str) -> tuple[str, Any]:
    """Read ``--sweep PATH=V1,V2`` (values), ``PATH=LOW..HIGH/STEP`` or ``PATH=LOW..HIGH``."""
    path, sep, spec = text.partition("=")
    if not sep or not path or not spec:
        raise UsageError(
            _("--sweep {lever}: expected PATH=V1,V2,... or PATH=LOW..HIGH[/STEP]").format(
                lever=text
            )
        )
    if ".." in spec:
        bounds, __, step = spec.partition("/")
        low, __, high = bounds.partition("..")
        try:
            numbers = [_number(v) for v in (low, high, *([step] if step else []))]
        except ValueError:
            raise UsageError(
                _("--sweep {lever}: LOW, HIGH and STEP must be numbers").format(lever=text)
            ) from None
        return path, dict(zip(("low", "high", "step"), numbers, strict=False))
    return path, [parse_assignment(f"v={v}")[1] for v in spec.split(",")]


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and "." not in text else value
