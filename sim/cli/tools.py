"""The ``umkm-sim`` commands that run no experiment: fit, app, report, check and schema."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sim.cli.session import EXIT_BAD_INPUT, UsageError
from sim.i18n import _
from sim.reporting.folders import complete, prepare, restore
from sim.scenario.loading import load_scenario
from sim.scenario.messages import ScenarioError
from sim.scenario.schema import Scenario, scenario_json_schema


def fit(args: argparse.Namespace) -> int:
    """Fit a kitchen group's inputs (daily output, absences, working days, months) to records.

    Prints what was found with confidence intervals, and a YAML fragment to paste into a
    scenario; --transit fits a buyer's transit_days to shipment dates; --out writes the
    fragment, the candidates' table and figures.
    """
    from sim.inputs import Columns, fit_records, fit_transits, read_deliveries, read_transits  # noqa: PLC0415
    from sim.inputs.fragment import (  # noqa: PLC0415
        as_dict,
        candidates_text,
        describe,
        fragment,
        transit_fragment,
    )
    from sim.reporting.writers import write_files  # noqa: PLC0415

    if args.records is None and args.transit is None:
        raise UsageError(_("fit: give RECORDS.csv, or --transit SHIPMENTS.csv, or both"))
    found: list[Any] = []
    texts, documents = [], []
    if args.records is not None:
        columns = Columns(
            args.kitchen_column, args.date_column, args.packs_column, args.product_column
        )
        deliveries = read_deliveries(args.records, columns, args.product)
        fitted = fit_records(deliveries, args.records, args.product)
        found.append(fitted)
        texts += [describe(fitted), "", fragment(fitted)]
        documents.append(as_dict(fitted))
    if args.transit is not None:
        days = read_transits(args.transit, args.departure_column, args.arrival_column)
        transit = fit_transits(days, str(args.transit))
        found.append(transit)
        texts += [
            candidates_text(transit.fit),
            "",
            transit_fragment(str(args.transit), transit.fit),
        ]
        documents.append(
            {
                "kind": "transit",
                "chosen": transit.fit.chosen.spec(),
                "candidates": transit.fit.table().to_dict("records"),
            }
        )
    print(json.dumps(documents, indent=2, default=str) if args.json else "\n".join(texts))
    if args.out is not None:
        out = prepare(args.out, overwrite=args.overwrite)
        try:
            for result in found:
                write_files(result, out)
        except Exception:
            restore(out)
            raise
        complete(out)
    return 0


def app(args: argparse.Namespace) -> int:
    """Serve the what-if web app on 127.0.0.1 (only this computer can reach it), until Ctrl-C.

    Opens SCENARIO; in the browser a person moves the levers, runs, reads the answers and
    downloads the variant and the report, in English or Bahasa Indonesia.
    """
    from sim.app import serve  # noqa: PLC0415

    load_scenario(args.scenario)  # a bad scenario is said here, with file and line
    return serve(args.scenario, args.port)


def report(args: argparse.Namespace) -> int:
    """Write a self-contained report.html into an output folder (images embedded)."""
    from sim.reporting.html import write_report  # noqa: PLC0415

    if not args.folder.is_dir():
        raise UsageError(_("{folder}: no such folder").format(folder=args.folder))
    print(_("wrote {path}").format(path=write_report(args.folder)))
    return 0


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
            print(_("{path}: ok ({scenario})").format(path=path, scenario=_describe(scenario)))
    return EXIT_BAD_INPUT if failed else 0


def schema(args: argparse.Namespace) -> int:  # noqa: ARG001
    """Print the JSON Schema of scenario files (point an editor's YAML support at it)."""
    print(json.dumps(scenario_json_schema(), indent=2))
    return 0


def _describe(s: Scenario) -> str:
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
