"""Fixtures of the communication tests (the page tests' citizen, officers and course)."""

from tests.web.conftest import citizen, course, officer_a, officer_b  # noqa: F401
