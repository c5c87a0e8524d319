"""carbonaudit: from activity spreadsheets to a traceable GHG inventory, CBAM and PACT outputs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("carbonaudit")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
