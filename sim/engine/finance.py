"""Working capital: the cooperative pays kitchens on delivery and is paid by buyers later.

With too little cash it cannot take a delivery (in part or whole); the kitchens sell those
packs locally. Cash is booked per day, so its path over time is known after the run.
"""

from __future__ import annotations

import numpy as np

from sim.scenario.mechanisms import Finance


class Treasury:
    """The cooperative's cash, in Rp.

    Args:
        finance: The fund and the prices paid to kitchens.
        products: Product names by index.
        days: Bookings are made at times ``0..days-1``.
    """

    def __init__(self, finance: Finance, products: list[str], days: int) -> None:
        """Start with the fund."""
        self.cash = finance.fund
        self.fund = finance.fund
        self.price = [finance.purchase_price.get(p, 0.0) for p in products]
        self.paid_out = np.zeros(days)
        self.paid_in = np.zeros(days)

    def buy(self, product: int, packs: int, now: int) -> int:
        """Pay for as many of ``packs`` as cash allows; return how many were bought."""
        price = self.price[product]
        affordable = packs if price == 0 else min(packs, int(self.cash // price))
        self.cash -= affordable * price
        self.paid_out[now] += affordable * price
        return affordable

    def receive(self, amount: float, now: int) -> None:
        """Book a buyer's payment."""
        self.cash += amount
        self.paid_in[now] += amount

    def over_time(self) -> np.ndarray:
        """Return cash at the end of each time."""
        return self.fund + np.cumsum(self.paid_in - self.paid_out)
