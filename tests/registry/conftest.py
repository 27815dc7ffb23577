"""The page tests' fixtures (course, officers of communes A and B) for the registry tests."""

from tests.web.conftest import citizen, course, officer_a, officer_b  # noqa: F401
