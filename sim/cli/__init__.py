"""The ``umkm-sim`` command: run, compare policies, sweep levers, answer inverse questions.

Bad input (a scenario, a flag, an output folder) is reported in one line per problem, naming
the file, line and key, with exit status 2 and no traceback, before anything is written. An
answer of no (a target not met, nothing chosen) exits with 3, printed and written as a yes is.
An interrupted experiment with ``--out`` keeps every finished run; ``--resume`` finishes it.
The top layer: it may import every part of ``sim``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from sim.cli.language import speak_as_asked
from sim.cli.parser import build_parser
from sim.cli.session import EXIT_BAD_INPUT, UsageError, canonical
from sim.i18n import _, set_language
from sim.reporting.folders import STORE_NAME, OutputError
from sim.results.documents import commanded
from sim.scenario.messages import ScenarioError

EXIT_INTERRUPTED = 130

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    speak_as_asked(arguments)  # the help and usage errors are written while parsing
    parser = build_parser()
    args = parser.parse_args(arguments)
    set_language(getattr(args, "lang", None))
    # Imported here: they pull in pandas, scipy or dask, which bad input never needs.
    from sim.app import MissingAppError  # noqa: PLC0415
    from sim.experiments.discover import MissingWorkbenchError  # noqa: PLC0415
    from sim.experiments.executors import DaskUnavailableError, MissingDaskError  # noqa: PLC0415
    from sim.experiments.gsa import MissingSALibError  # noqa: PLC0415
    from sim.experiments.runner import Interrupted  # noqa: PLC0415
    from sim.experiments.search import MissingOptunaError  # noqa: PLC0415
    from sim.experiments.store import StoreError  # noqa: PLC0415

    try:
        with commanded(canonical(parser, args)):
            return int(args.handler(args))
    except (
        ScenarioError,
        UsageError,
        OutputError,
        StoreError,
        MissingDaskError,
        DaskUnavailableError,
        MissingWorkbenchError,
        MissingAppError,
        MissingSALibError,
        MissingOptunaError,
    ) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as exc:
        where = getattr(args, "out", None)
        saved = (
            _("they are saved in {store}: run the same command with --resume to finish").format(
                store=where / STORE_NAME
            )
            if where
            else _("nothing was saved (use --out DIR to keep finished runs)")
        )
        print(f"{exc}; {saved}", file=sys.stderr)
        return EXIT_INTERRUPTED if exc.reason == "interrupted" else 1
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (umkm-sim ... | head): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
