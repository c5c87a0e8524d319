"""Accounting standards: how each one groups and totals the same assessed rows (one module
per standard: the GHG Protocol Corporate Standard, ISO 14064-1)."""
