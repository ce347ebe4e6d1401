"""Scenario discovery: in which futures does a policy fail, said as a few conditions.

PRIM, the Patient Rule Induction Method (Friedman & Fisher 1999), peels the space of the
uncertainties down to a box where failures are dense, and reports the trade-off between
coverage (the share of all failures inside the box) and density (the share of futures inside
the box that fail), as Bryant & Lempert (2010) use it for scenario discovery. We use the EMA
Workbench's implementation (Kwakkel 2017), the reference one in exploratory modelling, with its
quasi-p values and resampling stability; and its extra-trees feature scores to say which
uncertainties matter most. It is an optional extra: ``pip install 'umkm-sim[explore]'``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from sim.experiments.robustness import Criterion
from sim.i18n import Message
from sim.results.documents import Documented, made_by
from sim.results.scopes import ALL
from sim.scenario.messages import ScenarioError, show

INSTALL = "pip install 'umkm-sim[explore]'"


class MissingWorkbenchError(ImportError):
    """Scenario discovery was asked for, but the EMA Workbench is not installed."""

    def __str__(self) -> str:
        """Say how to install it, in the current language."""
        return str(
            Message("scenario discovery needs the EMA Workbench: {install}", install=INSTALL)
        )


@dataclass(frozen=True)
class Discovery(Documented):
    """The peeling trajectory of PRIM, the box chosen on it, and what it restricts.

    Attributes:
        where: The failure condition, for one policy.
        policy: Whose failures.
        sample: The futures, one row each, one column per uncertainty.
        failed: Per future, whether the policy failed there.
        trajectory: Per box: coverage, density, mass, restricted dimensions (``res_dim``).
        box: The chosen box (an index into ``trajectory``).
        limits: Per restricted uncertainty: ``min``, ``max`` and the quasi-p value of each.
        stability: Per uncertainty: how often resampled PRIM runs reproduce the box (%); empty
            when there are too few futures to resample.
        scores: Per uncertainty: its extra-trees feature score (they add up to 1).
        ranges: Per uncertainty: the range explored, to say which end a limit cuts.
        explored: Which exploration's futures these are: its scenario, seed, replications.
    """

    where: Criterion
    policy: str
    sample: pd.DataFrame
    failed: np.ndarray
    trajectory: pd.DataFrame
    box: int
    limits: pd.DataFrame
    stability: pd.DataFrame
    scores: pd.Series
    ranges: dict[str, tuple[float, float]]
    explored: Mapping[str, Any] = field(default_factory=dict)
    kind: ClassVar[str] = "discover"

    @property
    def futures(self) -> int:
        """How many futures there were."""
        return len(self.failed)

    @property
    def failures(self) -> int:
        """In how many futures the policy failed."""
        return int(self.failed.sum())

    @property
    def table(self) -> pd.DataFrame:
        """PRIM's peeling trajectory: per box, coverage, density, mass, restricted dimensions."""
        return self.trajectory

    def restrictions(self) -> list[dict[str, Any]]:
        """Each restricted uncertainty: its path, the limits that cut it, the quasi-p value.

        ``min`` (``max``) is ``None`` where the box does not cut the range at that end.
        """
        found = []
        for path, row in self.limits.iterrows():
            low, high = self.ranges[str(path)]
            found.append(
                {
                    "uncertainty": str(path),
                    "min": float(row["min"]) if row["min"] > low else None,
                    "max": float(row["max"]) if row["max"] < high else None,
                    "qp": float(row["qp"]),
                }
            )
        return found

    def document(self) -> dict[str, Any]:
        """The discovery as a JSON-ready document, with the exploration's provenance."""
        return {
            "kind": self.kind,
            **self.explored,
            **made_by(),
            "criterion": asdict(self.where),
            "policy": self.policy,
            "futures": self.futures,
            "failures": self.failures,
            "box": self.box,
            "trajectory": json.loads(self.trajectory.to_json(orient="records")),
            "limits": json.loads(self.limits.to_json(orient="index")),
            "restrictions": self.restrictions(),
            "stability": json.loads(self.stability.to_json(orient="index")),
            "feature_scores": json.loads(self.scores.to_json()),
        }


def discover(
    futures: pd.DataFrame,
    failed: np.ndarray,
    where: Criterion,
    policy: str,
    *,
    box: int | None = None,
    threshold: float = 0.8,
    seed: int = 1,
    explored: Mapping[str, Any] | None = None,
) -> Discovery:
    """Find the futures where the policy fails, as a box on the uncertainties (PRIM).

    Args:
        futures: One row per future, one numeric column per uncertainty.
        failed: Per future, whether the policy failed there.
        where: The failure condition (for the record).
        policy: Whose failures (for the record).
        box: Which box of the peeling trajectory; default: the knee, the box nearest to
            perfect coverage and density among those that restrict something.
        threshold: PRIM stops peeling when a box's density reaches it.
        seed: For the feature scores' trees.
        explored: Which exploration the futures come from (its provenance), for the record.

    Raises:
        MissingWorkbenchError: The optional extra is not installed.
        ScenarioError: No failure, or only failures, or an unknown box.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the Workbench warns about optional parallel parts
            from ema_workbench.analysis import feature_scoring, prim  # noqa: PLC0415
    except ImportError:
        raise MissingWorkbenchError from None
    failures = int(failed.sum())
    if failures in (0, len(failed)):
        said = (
            Message(
                "--where: {policy} never meets {where}: nothing to tell", policy=policy, where=where
            )
            if failures == 0
            else Message(
                "--where: {policy} always meets {where}: nothing to tell",
                policy=policy,
                where=where,
            )
        )
        raise ScenarioError([said])
    if not 0 < threshold <= 1:
        said = Message("--threshold: a density above 0 and at most 1, got {value}", value=threshold)
        raise ScenarioError([said])
    x = futures.astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        peeled = prim.Prim(x, failed, threshold=threshold).find_box()
        trajectory = peeled.peeling_trajectory.reset_index(drop=True)
        restricting = np.flatnonzero(trajectory["res_dim"].to_numpy() > 0)
        if not restricting.size:
            said = Message(
                "{policy}: PRIM found no box that sets its failures apart ({where}): they are "
                "spread over all the futures",
                policy=policy,
                where=where,
            )
            raise ScenarioError([said])
        chosen = int(restricting[_knee(trajectory.iloc[restricting])]) if box is None else box
        if not restricting[0] <= chosen < len(trajectory):
            said = Message(
                "--box: between {first} and {last} (the boxes that restrict something), got {box}",
                first=int(restricting[0]),
                last=len(trajectory) - 1,
                box=chosen,
            )
            raise ScenarioError([said])
        limits = _limits(peeled.inspect(chosen, style="data")[0][1])
        try:
            with _numpy_seeded(seed):  # the Workbench resamples with numpy's global generator
                stability = peeled.resample(chosen)
        except (AssertionError, ValueError, IndexError):  # too few futures to resample halves
            stability = pd.DataFrame(columns=["reproduce coverage", "reproduce density"])
        scores = feature_scoring.get_ex_feature_scores(x, failed, random_state=seed)[0].iloc[:, 0]
    ranges = {c: (float(x[c].min()), float(x[c].max())) for c in x.columns}
    return Discovery(
        where,
        policy,
        x,
        np.asarray(failed, dtype=bool),
        trajectory,
        chosen,
        limits,
        stability,
        scores.sort_values(ascending=False),
        ranges,
        dict(explored or {}),
    )


@contextmanager
def _numpy_seeded(seed: int) -> Iterator[None]:
    """Seed numpy's global generator inside the block, and put its state back after."""
    state = np.random.get_state()  # noqa: NPY002
    np.random.seed(seed)  # noqa: NPY002, TID251 (the library reads the global generator)
    try:
        yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _knee(trajectory: pd.DataFrame) -> int:
    """The box nearest to perfect coverage and density (1, 1)."""
    coverage = trajectory["coverage"].to_numpy(dtype=float)
    density = trajectory["density"].to_numpy(dtype=float)
    return int(np.argmin(np.hypot(1 - coverage, 1 - density)))


def _limits(table: pd.DataFrame) -> pd.DataFrame:
    """Flatten the Workbench's box table: min, max, and the quasi-p value of the cut made."""
    values = table.to_numpy()
    qp = np.nanmin(values[:, 2:4].astype(float), axis=1)
    return pd.DataFrame({"min": values[:, 0], "max": values[:, 1], "qp": qp}, index=table.index)


def failures_in(
    document: Mapping[str, Any], where: Criterion, policy: str, source: str
) -> tuple[pd.DataFrame, np.ndarray]:
    """From an exploration's document: the futures, and whether ``policy`` failed in each.

    ``source`` names the file it was read from, for the messages.

    Raises:
        ScenarioError: Not an exploration, or an unknown policy or buyer.
    """
    try:
        futures = pd.DataFrame(document["futures"])
        table = pd.DataFrame(document["table"])
        rows = table[(table.policy == policy) & (table.kpi == where.kpi)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        said = Message(
            "{path}: not the results of umkm-sim explore ({problem})",
            path=source,
            problem=show(str(exc)),
        )
        raise ScenarioError([said]) from None
    if rows.empty:
        said = Message("--policy: no policy named {name} in {path}", name=show(policy), path=source)
        raise ScenarioError([said])
    rows = rows[rows.buyer == (where.buyer or ALL)]
    if rows.empty:
        said = Message(
            "--buyer: no buyer named {name} in {path}", name=show(where.buyer), path=source
        )
        raise ScenarioError([said])
    means = rows.sort_values("future")["mean"].to_numpy()
    numeric = futures.select_dtypes("number")
    return numeric, where.holds(means)


def cart_rules(futures: pd.DataFrame, failed: np.ndarray, *, leaf: float = 0.05) -> str:
    """Return a classification tree's rules for the failures: the alternative view to PRIM.

    CART (Breiman et al. 1984), as scikit-learn grows it, with leaves of at least ``leaf`` of
    the futures, so every rule speaks of a fair share of them (as PRIM's ``mass_min``). Each
    leaf reads as a box; unlike PRIM's, the boxes partition the whole space.

    Raises:
        MissingWorkbenchError: The optional extra (which brings scikit-learn) is not installed.
    """
    try:
        from sklearn.tree import DecisionTreeClassifier, export_text  # noqa: PLC0415
    except ImportError:
        raise MissingWorkbenchError from None
    leaves = max(1, round(leaf * len(failed)))
    tree = DecisionTreeClassifier(min_samples_leaf=leaves, random_state=0)
    tree.fit(futures.astype(float), failed)
    rules: str = export_text(tree, feature_names=list(futures.columns), show_weights=True)
    return rules
