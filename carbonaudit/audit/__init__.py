"""Verification and assurance analytics: claims, reconciliation, materiality, sampling,
evidence, uncertainty, data quality, year-on-year comparison and intensity."""
