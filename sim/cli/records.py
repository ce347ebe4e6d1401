"""The command on a cooperative's records: ``fit`` (a kitchen group's inputs, transit days)."""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.session import UsageError
from sim.i18n import Message, _


def fit(args: argparse.Namespace) -> int:
    """Fit a kitchen group's inputs (and a buyer's transit days) to records; print, write.

    The folder (``--out``) is prepared first: one that cannot be used is refused before any
    fitting, and a fit that fails leaves nothing behind.
    """
    from sim.reporting.folders import Folder  # noqa: PLC0415

    if args.records is None and args.transit is None:
        raise UsageError(Message("fit: give RECORDS.csv, or --transit SHIPMENTS.csv, or both"))
    if args.out is None:
        _show(args, _fits(args))
        return 0
    with Folder.prepare(args.out, overwrite=args.overwrite) as folder:
        from sim.reporting.writers import write_files  # noqa: PLC0415

        found = _fits(args)
        _show(args, found)
        for result in found:
            write_files(result, folder.path)
        folder.complete()
    if not args.json:
        said = _("wrote {folder}/: {files}").format(
            folder=folder.path, files=" ".join(folder.files())
        )
        print("\n" + said)
    return 0


def _fits(args: argparse.Namespace) -> list[Any]:
    """The fits the flags ask for: the records', the transit days', or both."""
    from sim.inputs import Columns, fit_records, fit_transits, read_deliveries, read_transits  # noqa: PLC0415

    found: list[Any] = []
    if args.records is not None:
        columns = Columns(
            args.kitchen_column, args.date_column, args.packs_column, args.product_column
        )
        deliveries = read_deliveries(args.records, columns, args.product)
        found.append(fit_records(deliveries, args.records, args.product, args.zero_days))
    if args.transit is not None:
        days = read_transits(args.transit, args.departure_column, args.arrival_column)
        found.append(fit_transits(days, str(args.transit)))
    return found


def _show(args: argparse.Namespace, found: list[Any]) -> None:
    """Print the fits: their words, or their documents (``--json``)."""
    from sim.reporting.kind import json_text  # noqa: PLC0415
    from sim.reporting.writers import published, say  # noqa: PLC0415

    if args.json:
        print("[" + ",\n".join(json_text(published(f)) for f in found) + "]")
    else:
        print("\n".join(say(f) for f in found))
