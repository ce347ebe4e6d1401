"""The run store: every finished replication in a SQLite file, saved as soon as it finishes.

A replication is a pure function of (what is simulated, seed, replication number), so the store
is keyed by exactly that: the scenario's simulation digest, the seed and the replication. An
interrupted experiment resumes by reusing what is stored and running only the rest. Arrays are
stored with ``numpy.save`` (never pickle) and compressed with zlib; the package version is
recorded: a store made by another version is refused, since its numbers might differ.
"""

from __future__ import annotations

import io
import json
import sqlite3
import zlib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sim._version import __version__
from sim.engine.replication import PRODUCT_FIELDS, Replication
from sim.engine.shipments import LINE_FIELDS
from sim.i18n import Message
from sim.scenario.schema import Scenario

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    scenario TEXT NOT NULL,     -- simulation digest of the scenario
    seed INTEGER NOT NULL,
    replication INTEGER NOT NULL,
    lines BLOB NOT NULL,
    products BLOB NOT NULL,
    stock BLOB NOT NULL,
    cash BLOB NOT NULL,
    cancelled BLOB NOT NULL,
    unpaid_days INTEGER NOT NULL,
    PRIMARY KEY (scenario, seed, replication)
);
"""


_COLUMNS = [
    "scenario",
    "seed",
    "replication",
    "lines",
    "products",
    "stock",
    "cash",
    "cancelled",
    "unpaid_days",
]


_NPY = b"\x93NUMPY"  # the magic string that opens a .npy file
_LARGEST = 1 << 28  # bytes an array may inflate to: a damaged blob must not fill the memory


class StoreError(Exception):
    """A store that cannot be used: another version's, or not a store at all."""

    def __init__(self, message: Message) -> None:
        """Keep what went wrong, to be said in the reader's language."""
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        """Say it in the current language."""
        return str(self.message)


class RunStore:
    """Finished replications, keyed by (scenario digest, seed, replication).

    Args:
        path: The SQLite file; created if missing.
    """

    def __init__(self, path: str | Path) -> None:
        """Open (or create) the store and check it was made by this version."""
        self.path = Path(path)
        try:
            self._db = sqlite3.connect(self.path)
            self._db.executescript(_SCHEMA)
            # WAL: each commit is durable, and a killed process never corrupts the file.
            self._db.execute("PRAGMA journal_mode=WAL")
            row = self._db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            columns = [c[1] for c in self._db.execute("PRAGMA table_info(runs)")]
        except sqlite3.DatabaseError as exc:
            if hasattr(self, "_db"):
                self._db.close()
            raise StoreError(
                Message("{path}: not a run store ({reason})", path=self.path, reason=exc)
            ) from None
        if columns != _COLUMNS:
            self._db.close()
            raise StoreError(
                Message(
                    "{path}: not a run store (its runs table has other columns)", path=self.path
                )
            )
        if row is None:
            with self._db:
                self._db.execute("INSERT INTO meta VALUES ('version', ?)", (__version__,))
        elif row[0] != __version__:
            self._db.close()
            raise StoreError(
                Message(
                    "{path} was made by umkm-sim {theirs}, this is {ours}: its runs might differ; "
                    "start again with --overwrite",
                    path=self.path,
                    theirs=row[0],
                    ours=__version__,
                )
            )

    def claim(self, experiment: Mapping[str, Any]) -> dict[str, Any]:
        """Record which experiment the store's runs belong to, unless one is; return it.

        The folder's owner (``sim.reporting.folders``) compares it with the experiment asking,
        and refuses another's.
        """
        mine = json.dumps(experiment, sort_keys=True)
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO meta VALUES ('experiment', ?)", (mine,))
        (theirs,) = self._db.execute("SELECT value FROM meta WHERE key = 'experiment'").fetchone()
        try:
            claimed = json.loads(theirs)
        except ValueError:
            return {}
        return claimed if isinstance(claimed, dict) else {}

    def get(
        self, scenario: Scenario, seed: int, replications: Iterable[int]
    ) -> dict[int, Replication]:
        """Return the stored replications of ``scenario`` among ``replications``, by number.

        Every row is checked (types, shapes, bounds) before it is used: a store is a file that
        anything may have changed.

        Raises:
            StoreError: A damaged row, or a ``runs`` table of another layout.
        """
        wanted = set(replications)
        try:
            rows = self._db.execute(
                "SELECT replication, lines, products, stock, cash, cancelled, unpaid_days "
                "FROM runs WHERE scenario = ? AND seed = ?",
                (scenario.digest(), seed),
            ).fetchall()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                Message(
                    "{path}: not a run store of this version ({reason})", path=self.path, reason=exc
                )
            ) from None
        found = {}
        for row in rows:
            if isinstance(row[0], int) and row[0] in wanted:
                try:
                    found[row[0]] = _checked(scenario, row)
                except (ValueError, TypeError) as exc:
                    raise StoreError(
                        Message(
                            "{path}: replication {replication} is damaged ({reason}); "
                            "start again with --overwrite",
                            path=self.path,
                            replication=row[0],
                            reason=exc,
                        )
                    ) from None
        return found

    def put(self, digest: str, seed: int, outcomes: Iterable[Replication]) -> None:
        """Save finished replications, in one transaction.

        Raises:
            StoreError: The store cannot take them (a full disk, a damaged file).
        """
        try:
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            digest,
                            seed,
                            o.replication,
                            *(
                                _dump(a)
                                for a in (o.lines, o.products, o.stock, o.cash, o.cancelled)
                            ),
                            o.unpaid_days,
                        )
                        for o in outcomes
                    ],
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                Message("{path}: cannot save finished runs ({reason})", path=self.path, reason=exc)
            ) from None

    def __len__(self) -> int:
        """Return the number of stored replications."""
        (n,) = self._db.execute("SELECT COUNT(*) FROM runs").fetchone()
        return int(n)

    def close(self) -> None:
        """Close the file."""
        self._db.close()


def _dump(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    # Stock and cash are smooth day series: zlib's fastest level makes them about 4 times
    # smaller (an exploration's store from 2.9 GB to well under 1 GB) for little time.
    return zlib.compress(buffer.getvalue(), level=1)


def _load(blob: bytes) -> np.ndarray:
    if not isinstance(blob, bytes):
        raise TypeError(f"a {type(blob).__name__} where an array was stored")
    if not blob.startswith(_NPY):  # a store written before compression holds .npy as is
        inflate = zlib.decompressobj()
        try:
            blob = inflate.decompress(blob, _LARGEST)
        except zlib.error as exc:
            raise ValueError(Message("not an array ({reason})", reason=exc)) from None
        if inflate.unconsumed_tail:
            raise ValueError(Message("an array of more than {size} bytes", size=_LARGEST))
    try:
        array: np.ndarray = np.load(io.BytesIO(blob), allow_pickle=False)
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(Message("not an array ({reason})", reason=exc)) from None
    return array


def _checked(scenario: Scenario, row: tuple[Any, ...]) -> Replication:
    """Read a stored row back, refusing anything this scenario's replication could not be."""
    days = scenario.horizon_days + 1
    products, buyers = len(scenario.products), len(scenario.buyers)
    finance = scenario.finance is not None
    replication, unpaid = row[0], row[6]
    if not isinstance(unpaid, int) or not 0 <= unpaid <= days:
        raise ValueError(f"unpaid days {unpaid!r}")
    arrays = {
        "lines": (_load(row[1]), "i", (None, len(LINE_FIELDS))),
        "products": (_load(row[2]), "i", (products, len(PRODUCT_FIELDS))),
        "stock": (_load(row[3]), "i", (products, days)),
        "cash": (_load(row[4]), "f", (days,) if finance else (0,)),
        "cancelled": (_load(row[5]), "i", (buyers,)),
    }
    for name, (array, kind, shape) in arrays.items():
        if array.dtype.kind != kind or array.ndim != len(shape):
            raise ValueError(f"{name}: {array.dtype} array of shape {array.shape}")
        if any(
            want is not None and got != want for got, want in zip(array.shape, shape, strict=True)
        ):
            raise ValueError(f"{name}: shape {array.shape}, expected {shape}")
        if kind == "f" and not np.isfinite(array).all():
            raise ValueError(f"{name}: not finite")
    if (arrays["products"][0] < 0).any() or (arrays["stock"][0] < 0).any():
        raise ValueError("negative pack counts")
    return Replication(
        replication,
        lines=arrays["lines"][0],
        products=arrays["products"][0],
        stock=arrays["stock"][0],
        cash=arrays["cash"][0],
        cancelled=arrays["cancelled"][0],
        unpaid_days=unpaid,
    )
