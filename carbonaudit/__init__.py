"""carbonaudit: from activity spreadsheets to a traceable GHG inventory, CBAM and PACT outputs.

The version lives here, and only here: pyproject.toml reads it (`dynamic = ["version"]`), so
`carbonaudit --version` needs no `importlib.metadata` look-up at start-up.
"""

__version__ = "0.2.0"
