"""Fixtures shared with the page tests."""

from tests.web.conftest import citizen, course  # noqa: F401  (fixtures)
