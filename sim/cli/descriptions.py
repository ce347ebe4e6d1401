"""What ``umkm-sim COMMAND --help`` says each command does, in the current language.

Each is its command's docstring (in ``commands`` or ``tools``), written again inside ``_()``
because Babel cannot see a docstring; ``tests/test_cli_id.py`` checks that in English each still
says word for word what the docstring says (argparse reflows the lines: only the words count).
"""

from __future__ import annotations

from sim.i18n import _


def description(command: str) -> str:
    """Return the description of ``command`` (its handler's name) for its ``--help``."""
    return {
        "run": _(
            "Run replications of a scenario and print a summary of quota misses with 95% CIs."
        ),
        "compare": _(
            "Compare the baseline with every policy of the scenario, with common random "
            "numbers. Prints each KPI with its 95% CI and the paired difference from the baseline."
        ),
        "sweep": _(
            "Run every point of a sweep (a grid or a Latin hypercube) with common random numbers. "
            "Prints the quota miss rate per point; --out writes the table and a plot."
        ),
        "target": _(
            "Find the lever value that just meets a target, by bisection with common random "
            "numbers. The smallest value, or (where the metric worsens as the lever grows) the "
            "largest."
        ),
        "cheapest": _(
            "The least costly candidate whose KPI meets a constraint with a stated confidence. "
            "Prints every candidate's cost, estimate and what ruled it out; --out writes the "
            "table."
        ),
        "sensitivity": _(
            "Move each lever down and up (one at a time, common random numbers); rank their "
            "effect. Prints the KPI's paired change for each lever; --out writes a table and a "
            "tornado chart."
        ),
        "explore": _(
            "Run the baseline and every policy in many plausible futures; say which is most "
            "robust. The futures are drawn from the scenario's uncertainties: section. Prints, "
            "per policy, the share of futures where it is acceptable (--target), the KPI across "
            "futures and its regret, with 95% CIs; --out writes experiments.csv, robustness.csv "
            "and experiments.json."
        ),
        "discover": _(
            "Find the futures in which a policy fails, as a few conditions on the uncertainties "
            "(PRIM). Reads the results of umkm-sim explore in DIR; prints the box chosen on "
            "PRIM's coverage-density trajectory (default: the knee) in plain words, with quasi-p "
            "values, resampling stability and which uncertainties matter most; writes "
            "DIR/discovery.json and DIR/tradeoff.png."
        ),
        "gsa": _(
            "Global sensitivity of a KPI to the scenario's uncertainties (Sobol' or Morris, "
            "SALib). Prints each uncertainty's index with its 95% CI and the share of "
            "replication noise; --out writes the indices, their convergence and the figures."
        ),
        "fit": _(
            "Fit a kitchen group's inputs (daily output, absences, working days, months) to "
            "records. Prints what was found with confidence intervals, and a YAML fragment to "
            "paste into a scenario; --transit fits a buyer's transit_days to shipment dates; "
            "--out writes the fragment, the candidates' table and figures."
        ),
        "app": _(
            "Serve the what-if web app on 127.0.0.1 (only this computer can reach it), until "
            "Ctrl-C. Opens SCENARIO; in the browser a person moves the levers, runs, reads the "
            "answers and downloads the variant and the report, in English or Bahasa Indonesia."
        ),
        "report": _("Write a self-contained report.html into an output folder (images embedded)."),
        "check": _("Validate scenario files without running them; report every problem found."),
        "schema": _(
            "Print the JSON Schema of scenario files (point an editor's YAML support at it)."
        ),
    }[command]
