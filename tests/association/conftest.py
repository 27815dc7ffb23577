"""Fixtures of the association tests (the page tests' officers of communes A and B)."""

from tests.web.conftest import officer_a, officer_b  # noqa: F401
