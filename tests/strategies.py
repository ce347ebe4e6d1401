"""Hypothesis strategies: small random scenarios covering every option of the schema."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import yaml
from hypothesis import strategies as st

from sim.scenario.fields import WEEKDAYS
from sim.scenario.schema import Scenario

amount = st.integers(min_value=0, max_value=60)


@st.composite
def distributions(draw: st.DrawFn) -> dict[str, Any]:
    """Any output distribution, with small means."""
    mean = draw(st.floats(min_value=0.5, max_value=40))
    low = draw(amount)
    return draw(
        st.sampled_from(
            [
                {"distribution": "poisson", "mean": mean},
                {"distribution": "normal", "mean": mean, "sd": mean / 2},
                {"distribution": "gamma", "mean": mean, "cv": 0.6},
                {"distribution": "lognormal", "mean": mean, "cv": 0.4},
                {"distribution": "negative_binomial", "mean": mean, "cv": 2.0},
                {"distribution": "uniform", "low": low, "high": low + 10},
                {"distribution": "triangular", "low": low, "mode": low + 1, "high": low + 9},
                {"distribution": "constant", "value": low},
                {"distribution": "empirical", "values": [0, low, 30], "weights": [1, 2, 1]},
            ]
        )
    )


def maybe(draw: st.DrawFn, value: Any) -> Any:
    """The value, or None, as Hypothesis chooses."""
    return value if draw(st.booleans()) else None


@st.composite
def windows(draw: st.DrawFn, start: dt.date, horizon: int) -> dict[str, Any]:
    """A window by dates within the run, or around Eid."""
    if draw(st.booleans()):
        return {
            "around": "eid_al_fitr",
            "before_days": draw(st.integers(0, 10)),
            "after_days": draw(st.integers(0, 5)),
        }
    first = start + dt.timedelta(days=draw(st.integers(0, horizon)))
    return {"start": first, "end": first + dt.timedelta(days=draw(st.integers(0, 10)))}


@st.composite
def kitchen_groups(
    draw: st.DrawFn, i: int, names: list[str], start: dt.date | None, horizon: int
) -> dict[str, Any]:
    """A kitchen group with any of the kitchen mechanisms."""
    group: dict[str, Any] = {
        "name": f"k{i}",
        "count": draw(st.integers(0, 5)),
        "product": draw(st.sampled_from(names)),
        "daily_output": draw(distributions()),
        "working_days": draw(
            st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)
        ),
        "delivery": {
            "every_days": draw(st.integers(1, 5)),
            "batch_size": maybe(draw, draw(st.integers(1, 100))),
            "transport_days": draw(st.integers(0, 3)),
        },
    }
    if draw(st.booleans()):
        fraction = draw(st.sampled_from([0.0, 0.1, 0.5]))
        group["absence"] = {
            "fraction": fraction,
            "mean_spell_days": draw(st.sampled_from([1.0, 3.0])),
        }
    if draw(st.booleans()):
        surges = [] if start is None else [{**draw(windows(start, horizon)), "share": 0.5}]
        group["local_market"] = {"share": draw(st.sampled_from([0.0, 0.2])), "surges": surges}
    if draw(st.booleans()):
        group["boost"] = {
            "when_stock_below": draw(st.integers(1, 200)),
            "factor": 1.5,
            "max_days_in_row": 2,
        }
    return group


@st.composite
def scenarios(draw: st.DrawFn, *, shelf_life: bool = True) -> Scenario:
    """A valid scenario of 1-3 products, kitchen groups and buyers over at most 60 days."""
    horizon = draw(st.integers(min_value=1, max_value=60))
    start = draw(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2028, 12, 31)))
    names = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    life = st.none() | st.integers(1, 30) if shelf_life else st.none()
    products: dict[str, Any] = {}
    for n in names:
        product: dict[str, Any] = {"shelf_life_days": draw(life)}
        if draw(st.booleans()):
            product["supply"] = {
                "monthly": None if start is None else [draw(st.sampled_from([0.5, 1.0, 1.5]))] * 12,
                "dip": {"every_days": 9.5, "length_days": 2, "multiplier": 0.3, "first_day": 1},
            }
        products[n] = product
    kitchens = [
        draw(kitchen_groups(i, names, start, horizon)) for i in range(draw(st.integers(1, 3)))
    ]
    buyers = []
    for i in range(draw(st.integers(1, 3))):
        bought = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        buyers.append(
            {
                "name": f"b{i}",
                "every_days": draw(st.integers(1, 14)),
                "first_day": draw(st.integers(0, horizon)),
                "quota": {n: draw(st.integers(1, 300)) for n in bought},
                "shortfall": draw(st.sampled_from(["lost", "backorder"])),
                "tolerance": draw(st.sampled_from([0.0, 0.05, 0.5])),
                "min_shelf_life_days": maybe(draw, draw(st.integers(0, 10))),
                # Used when min_shelf_life_days is not set; 1.0 takes only yesterday's packs.
                "min_shelf_life_fraction": maybe(
                    draw, draw(st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 1))
                ),
                "transit_days": maybe(draw, {"distribution": "uniform", "low": 0, "high": 9}),
                "due_days": maybe(draw, draw(st.integers(0, 10))),
                "cancel_after_misses": maybe(draw, draw(st.integers(1, 3))),
                "price": dict.fromkeys(bought, 2.0),
                "payment_days": draw(st.integers(0, 10)),
            }
        )
    capacity = draw(st.none() | st.integers(1, 500))
    calendar: dict[str, Any] = {}
    if start is not None and draw(st.booleans()):
        calendar = {
            "holidays": draw(st.booleans()),
            "lebaran": maybe(draw, {"before_days": 3, "after_days": 3}),
            "closures": [draw(windows(start, horizon))],
            "port_closures": [draw(windows(start, horizon))],
        }
    shock = {
        "name": "shock",
        "per_year": draw(st.sampled_from([0.0, 20.0, 200.0])),
        "duration_days": {"distribution": "uniform", "low": 1, "high": 8},
        "multiplier": 0.4,
        "products": maybe(draw, names[:1]),
    }
    data = {
        "name": "random",
        "horizon_days": horizon,
        "start_date": start,
        "products": products,
        "kitchens": kitchens,
        "calendar": calendar,
        "shocks": [shock] if draw(st.booleans()) else [],
        "warehouse": {
            "leftover": draw(st.sampled_from(["keep", "clear"])),
            "capacity": capacity,
            "initial_stock": {
                n: draw(st.integers(0, 400)) for n in draw(st.lists(st.sampled_from(names)))
            },
            "max_stock": {
                n: draw(st.integers(0, 300)) for n in draw(st.lists(st.sampled_from(names)))
            },
            "reject_fraction": draw(st.sampled_from([0.0, 0.1])),
        },
        "finance": maybe(
            draw, {"fund": draw(st.integers(0, 2000)), "purchase_price": dict.fromkeys(names, 1.0)}
        ),
        "buyers": buyers,
    }
    _servable(data)
    return Scenario.model_validate(data)


def _servable(data: dict[str, Any]) -> None:
    """Keep within what the schema accepts: initial stock fits, a buyer's shelf life is possible."""
    warehouse = data["warehouse"]
    stock = warehouse["initial_stock"]
    if warehouse["capacity"] is not None:
        warehouse["capacity"] = max(warehouse["capacity"], sum(stock.values()))
    for name, packs in stock.items():
        if name in warehouse["max_stock"]:
            warehouse["max_stock"][name] = max(warehouse["max_stock"][name], packs)
    for buyer in data["buyers"]:
        lives = [data["products"][n]["shelf_life_days"] for n in buyer["quota"]]
        shortest = min((life for life in lives if life is not None), default=None)
        if shortest is not None and (buyer["min_shelf_life_days"] or 0) >= shortest:
            buyer["min_shelf_life_days"] = None


# --- hostile input (tests/test_hostile.py) --------------------------------------------------

HOSTILE_NUMBERS = st.sampled_from(
    [-1, 0, -1e-300, 1e-300, 1e18, -(2**63), 2**63, 2**64 + 1, 10**30, 1e308, 10**120]
) | st.floats(allow_nan=True, allow_infinity=True)
HOSTILE_VALUES = (
    HOSTILE_NUMBERS
    | st.sampled_from(
        [None, True, "", "12", "x" * 5000, "\x1b[31mred\x1b[0m", "2027-02-30", "9999-12-31"]
    )
    | st.lists(st.integers(-5, 5), max_size=3)
    | st.dictionaries(st.sampled_from(["a", "mean", "name"]), st.integers(-5, 5), max_size=2)
)


def leaf_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside nested dicts and lists, containers included."""
    found = [path] if path else []
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else []
    )
    for key, value in items:
        found += leaf_paths(value, (*path, key))
    return found


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A deep copy of ``data`` with the value at ``path`` replaced."""
    data = copy.deepcopy(data)
    node = data
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return data


@st.composite
def hostile_yaml(draw: st.DrawFn, base: dict[str, Any]) -> str:
    """A scenario text with one place (or a new key) made hostile: a value, a bomb, deep nesting."""
    path = draw(st.sampled_from(leaf_paths(base)))
    attack = draw(st.sampled_from(["value", "value", "value", "bomb", "deep", "new key"]))
    if attack == "value":
        return yaml.safe_dump(replaced(base, path, draw(HOSTILE_VALUES)), sort_keys=False)
    if attack == "new key":
        parent = path[:-1]
        target = copy.deepcopy(base)
        node = target
        for step in parent:
            node = node[step]
        if isinstance(node, dict):
            node[draw(st.sampled_from(["shelf_life_day", "x", "1", "kitchens"]))] = 1
        return yaml.safe_dump(target, sort_keys=False)
    text = yaml.safe_dump(replaced(base, path, "__ATTACK__"), sort_keys=False)
    if attack == "deep":
        depth = draw(st.integers(30, 3000))
        return text.replace("__ATTACK__", "[" * depth + "]" * depth)
    width, levels = draw(st.integers(2, 12)), draw(st.integers(2, 12))
    anchors = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    anchors += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return (
        "x-anchors:\n"
        + "".join(f"  {a}\n" for a in anchors)
        + text.replace("__ATTACK__", f"*a{levels - 1}")
    )


def hostile_argv(scenario: str, out: str) -> st.SearchStrategy[list[str]]:
    """Command lines with hostile flag values, as a user (or a script gone wrong) might type."""
    number = st.sampled_from(
        ["0", "-1", "1", "2", "nan", "inf", "-inf", "1e999", "2.5", "x", "9" * 5000, str(2**63)]
    )
    flag_values = st.one_of(
        st.tuples(st.just("--replications"), number),
        st.tuples(st.just("--seed"), number),
        st.tuples(st.just("--workers"), number),
        st.tuples(st.just("--precision"), number),
        st.tuples(st.just("--max-replications"), number),
        st.tuples(st.just("--set"), st.sampled_from(_HOSTILE_SETS)),
        st.tuples(st.just("--dask"), st.sampled_from(["nonsense", "tcp://", "tcp://x:y"])),
    )
    command = st.sampled_from(["run", "compare", "sweep", "check"])
    return st.builds(
        lambda cmd, flags: (
            [cmd, scenario, *[v for pair in flags for v in pair], "--out", out]
            if cmd != "check"
            else [cmd, scenario]
        ),
        command,
        st.lists(flag_values, max_size=3),
    )


_HOSTILE_SETS = [
    "horizon_days=0",
    "horizon_days=1e9",
    "start_date=2027-02-30",
    "start_date=9999-12-01",
    "kitchens.four-kitchens.count=1e30",
    "kitchens.four-kitchens.daily_output={distribution: gamma, mean: 1e300, cv: 1e-300}",
    "buyers.weekly-buyer.quota.peyek=" + "9" * 40,
    "shocks=[{name: s, per_year: 1e18, duration_days: {distribution: constant, value: 1}}]",
    "nothing.here=1",
    "=1",
    "kitchens=&a [*a]",
    "kitchens.four-kitchens.name=\x1b[2J",
    "warehouse.capacity=-5",
]


QUESTIONS = """\
name: fuzz-questions
horizon_days: 56
products: {peyek: {}}
kitchens:
  - {name: four-kitchens, count: 4, product: peyek, daily_output: {distribution: poisson, mean: 25}}
warehouse: {leftover: clear}
buyers:
  - {name: weekly-buyer, every_days: 7, quota: {peyek: 680}}
policies:
  five: {kitchens.four-kitchens.count: 5}
costs:
  kitchen_per_year: {four-kitchens: 1000000}
uncertainties:
  kitchens.four-kitchens.daily_output.mean: {low: 22, high: 28}
  buyers.weekly-buyer.quota.peyek: {low: 600, high: 700}
"""
"""A small scenario with every section the questions need (policies, costs, uncertainties)."""


def hostile_question_argv(
    scenario: str, out: str, explored: str, records: str
) -> st.SearchStrategy[list[str]]:
    """The questions beyond a run, with hostile flag values.

    explore, discover, gsa, cheapest, compare --select, fit and report.
    """
    number = st.sampled_from(
        ["0", "-1", "1", "2", "0.5", "1.5", "nan", "inf", "-inf", "1e999", "1e-300", "x", "9" * 400]
    )
    kpi = st.sampled_from(["quota_miss_rate", "fill_rate", "lost_to_cancellation", "nope", ""])
    where = st.sampled_from(
        ["quota_miss_rate<=0.1", "fill_rate>=2", "x<1", "quota_miss_rate<=nan", "<=", "a" * 300]
    )
    commands = {
        "explore": [
            ("--futures", number),
            ("--sampler", st.sampled_from(["lhs", "sobol", "mc", "x"])),
            ("--target", where),
            ("--buyer", st.sampled_from(["weekly-buyer", "nobody"])),
        ],
        "gsa": [
            ("--n", number),
            ("--method", st.sampled_from(["sobol", "morris", "x"])),
            ("--kpi", kpi),
            ("--buyer", st.sampled_from(["weekly-buyer", "nobody"])),
        ],
        "cheapest": [
            ("--where", where),
            ("--confidence", number),
            ("--candidates", st.sampled_from(["policies", "sweep", "x"])),
        ],
        "compare": [
            ("--select", st.sampled_from(["best", "subset", "x"])),
            ("--delta", number),
            ("--alpha", number),
            ("--kpi", kpi),
            ("--max-replications", number),
        ],
        "discover": [
            ("--where", where),
            ("--box", number),
            ("--threshold", number),
            ("--policy", st.sampled_from(["baseline", "five", "nobody"])),
        ],
        "fit": [
            ("--product", st.sampled_from(["peyek", "x"])),
            ("--zero-days", st.sampled_from(["omitted", "recorded", "x"])),
        ],
        "report": [],
    }

    def argv(command: str, flags: list[tuple[str, str]]) -> list[str]:
        pairs = [v for pair in flags for v in pair]
        if command == "discover":
            return [command, explored, *pairs]
        if command == "report":
            return [command, explored]
        if command == "fit":
            return [command, records, *pairs, "--out", out]
        small = {"explore": {"--futures": "4"}, "gsa": {"--n": "4", "--method": "morris"}}
        given = {f for f, __ in flags}
        # Unless drawn, a small design: the limits are for hostile values, not for real work.
        for flag, value in small.get(command, {}).items():
            pairs += [] if flag in given else [flag, value]
        return [command, scenario, *pairs, "--out", out, "--replications", "2"]

    return st.sampled_from(sorted(commands)).flatmap(
        lambda command: (
            st.lists(
                st.one_of([st.tuples(st.just(f), values) for f, values in commands[command]]),
                max_size=3,
            )
            if commands[command]
            else st.just([])
        ).map(lambda flags: argv(command, flags))
    )
