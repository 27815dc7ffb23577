"""Fixtures of the register's tests (officers of communes A and B come from the page tests)."""

from tests.web.conftest import officer_a, officer_b  # noqa: F401
