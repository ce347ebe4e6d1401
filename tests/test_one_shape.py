"""One shape for every experiment: each kind is registered once, writes, reports and speaks.

Every result has a ``kind``, a ``table`` and a ``document()`` headed by one provenance; its
registry entry (``sim.reporting.kinds``) writes its files, says it in both languages and gives
it a section of the report. The engine's import stays light; the experiments compute, and leave
the words to the reporting layer.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys

import pandas as pd
import pytest

import sim
from sim.experiments.discover import discover
from sim.inputs import fit_records, fit_transits, read_deliveries, read_transits
from sim.reporting.html import write_report
from sim.reporting.kinds import KINDS, kind_of
from sim.results.documents import Result

from conftest import ROOT

SCENARIO_PROVENANCE = {
    "scenario",
    "scenario_file",
    "scenario_sha256",
    "seed",
    "replications",
    "horizon_days",
    "version",
    "language",
    "command",
}
RECORDS_PROVENANCE = {"records_file", "records_sha256", "version", "language", "command"}


@pytest.fixture(scope="module")
def small() -> sim.Scenario:
    """The default scenario, every section of it, over twelve weeks."""
    base = sim.load_scenario(ROOT / "scenarios" / "balikpapan.yaml")
    return sim.derive(base, {"horizon_days": 84})


@pytest.fixture(scope="module")
def results(small) -> dict[str, object]:
    """One small result of every kind, by the kind's name."""
    run = {"replications": 3, "seed": 1, "workers": 1}
    explored = sim.explore(small, 8, "mc", **run)
    where = sim.Criterion.parse("quota_miss_rate>0.3")
    means = explored.values(where.kpi).mean(axis=2)[explored.policies.index("baseline")]
    futures = explored.futures.select_dtypes("number")
    examples = ROOT / "data" / "examples"
    lever, goal = "buyers.shanghai.quota.bonting", sim.Goal("quota_miss_rate", 0.3, at_most=True)
    return {
        "run": sim.run(small, **run),
        "compare": sim.compare(small, **run),
        "select": sim.select(small, procedure="subset", **run),
        "sweep": sim.sweep(small, {"kitchens.cake-makers.count": [4, 8]}, **run),
        "target": sim.target(small, lever, goal, low=200, high=4000, **run),
        "sensitivity": sim.sensitivity(small, ["kitchens.cake-makers.count"], **run),
        "cheapest": sim.cheapest(small, "quota_miss_rate<=0.5", **run),
        "optimize": sim.optimize(small, "quota_miss_rate<=0.5", evaluations=4, **run),
        "explore": explored,
        "discover": discover(futures, where.holds(means), where, "baseline"),
        "gsa": sim.gsa(small, "morris", 4, **run),
        "fit": fit_records(read_deliveries(examples / "kitchen-records.csv"), "records.csv"),
        "transit": fit_transits(
            read_transits(examples / "shipments.csv", "departed", "arrived"), "shipments.csv"
        ),
    }


def test_every_kind_is_registered_once_and_has_an_example_here(results):
    """The registry and this file know the same kinds; each result's kind finds its entry."""
    assert sorted(k.name for k in KINDS) == sorted(results)
    assert len({k.document for k in KINDS}) == len(KINDS)
    for name, result in results.items():
        assert isinstance(result, Result), name
        assert result.kind == name
        assert kind_of(result).name == name
        assert isinstance(result.table, pd.DataFrame), name
        assert not result.table.empty, name


@pytest.mark.parametrize("name", [k.name for k in KINDS])
def test_each_kind_writes_reports_and_describes_itself(name, results, tmp_path):
    """Its files (none it did not declare), its document, its report section, its text."""
    result, kind = results[name], next(k for k in KINDS if k.name == name)
    out = sim.write(result, tmp_path / name)
    written = {p.name for p in out.iterdir()}
    assert kind.document in written
    assert written <= set(kind.files)
    document = json.loads((out / kind.document).read_text())
    assert document["kind"] == name
    report = write_report(out).read_text()
    assert all(part in report for part in kind.section(document)), name
    for language in ("en", "id"):
        assert sim.say(result, language).strip(), (name, language)
    assert sim.say(result, "en") != sim.say(result, "id"), name


@pytest.mark.parametrize("name", [k.name for k in KINDS])
def test_every_document_is_headed_by_the_same_provenance(name, results):
    """Scenario, its file and digest, seed, replications, horizon, version, language, command."""
    document = results[name].document()
    wanted = RECORDS_PROVENANCE if name in ("fit", "transit") else SCENARIO_PROVENANCE
    if name == "discover":  # made from futures given in Python: no exploration named
        wanted = {"version", "language", "command"}
    assert wanted <= set(document), sorted(wanted - set(document))
    with sim.speaking("id"):
        assert results[name].document()["language"] == "id"


@pytest.mark.parametrize("name", ["compare", "sweep", "sensitivity", "target", "explore"])
def test_a_report_says_the_figures_language_rightly(name, results, tmp_path):
    """Written in Indonesian: an Indonesian report says nothing; an English one says so."""
    with sim.speaking("id"):
        out = sim.write(results[name], tmp_path / name)
        indonesian = write_report(out).read_text()
    assert json.loads((out / kind_of(results[name]).document).read_text())["language"] == "id"
    assert "Bahasa Indonesia, the language of the run" not in indonesian
    english = write_report(out).read_text()
    figures = any(p.suffix == ".png" for p in out.iterdir())
    assert ("Bahasa Indonesia, the language of the run" in english) == figures


def test_importing_the_engine_loads_no_pandas_scipy_or_matplotlib():
    """A worker imports the engine and the executors, runs a chunk: the simulation alone."""
    code = (
        "import sys\n"
        "from sim.experiments.executors import simulate_chunk\n"
        "import sim\n"
        "scenario = sim.load_scenario('scenarios/teaching-poisson.yaml')\n"
        "simulate_chunk(scenario, 1, [0, 1])\n"
        "print(sorted(m for m in ('pandas', 'scipy', 'matplotlib') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_experiments_compute_and_leave_the_words_to_reporting():
    """At most a handful of translated strings in sim.experiments.

    What an experiment must say it keeps as a ``Message``, whose template is a literal so that
    the catalogue (``./dev i18n``) sees it.
    """
    calls = [
        (path, node)
        for path in (ROOT / "sim").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    ]
    spoken = [p for p, n in calls if n.func.id == "_" and "experiments" in p.parts]
    assert len(spoken) <= 5, spoken
    for path, node in calls:
        if node.func.id == "Message":
            first = node.args[0] if node.args else None
            assert isinstance(first, ast.Constant), f"{path}:{node.lineno}"
            assert isinstance(first.value, str), f"{path}:{node.lineno}"


def test_the_deprecated_spellings_still_answer_with_a_warning(results):
    """``summary``, ``as_dict()`` and ``to_json()`` from before 0.3 give ``document()``."""
    run = results["run"]
    with pytest.warns(DeprecationWarning, match=r"document\(\)"):
        assert run.summary["quota_miss_rate"] == run.document()["quota_miss_rate"]
    with pytest.warns(DeprecationWarning, match=r"json\.dumps"):
        assert json.loads(results["select"].to_json())["chosen"] == results["select"].chosen
