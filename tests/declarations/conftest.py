"""Fixtures shared with the page tests."""

from tests.web.conftest import citizen, officer_a, officer_b  # noqa: F401  (fixtures)
