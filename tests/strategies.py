"""Hypothesis strategies: small random scenarios covering every option of the schema."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from sim.scenario import WEEKDAYS, Scenario

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


@st.composite
def scenarios(draw: st.DrawFn, *, shelf_life: bool = True) -> Scenario:
    """A valid scenario of 1-3 products, kitchen groups and buyers over at most 60 days."""
    horizon = draw(st.integers(min_value=1, max_value=60))
    names = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    life = st.none() | st.integers(1, 30) if shelf_life else st.none()
    products = {n: ({"shelf_life_days": d} if (d := draw(life)) else {}) for n in names}
    kitchens = [
        {
            "name": f"k{i}",
            "count": draw(st.integers(0, 5)),
            "product": draw(st.sampled_from(names)),
            "daily_output": draw(distributions()),
            "working_days": draw(
                st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True)
            ),
        }
        for i in range(draw(st.integers(1, 3)))
    ]
    buyers = []
    for i in range(draw(st.integers(1, 3))):
        every = draw(st.integers(1, 14))
        first = draw(st.integers(0, horizon))
        bought = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
        buyers.append(
            {
                "name": f"b{i}",
                "every_days": every,
                "first_day": first,
                "quota": {n: draw(st.integers(1, 300)) for n in bought},
                "shortfall": draw(st.sampled_from(["lost", "backorder"])),
                "tolerance": draw(st.sampled_from([0.0, 0.05, 0.5])),
            }
        )
    capacity = draw(st.none() | st.integers(1, 500))
    initial = {n: draw(st.integers(0, 400)) for n in draw(st.lists(st.sampled_from(names)))}
    most = {n: draw(st.integers(0, 300)) for n in draw(st.lists(st.sampled_from(names)))}
    return Scenario.model_validate(
        {
            "name": "random",
            "horizon_days": horizon,
            "products": products,
            "kitchens": kitchens,
            "warehouse": {
                "leftover": draw(st.sampled_from(["keep", "clear"])),
                **({"capacity": capacity} if capacity else {}),
                "initial_stock": initial,
                "max_stock": most,
            },
            "buyers": buyers,
        }
    )
