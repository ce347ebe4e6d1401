"""The installed package's version, recorded in every output for provenance."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("umkm-sim")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
