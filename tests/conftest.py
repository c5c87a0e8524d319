"""Shared pytest configuration for carbonaudit's tests (fixtures live in the test modules)."""
