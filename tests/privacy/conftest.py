"""The page fixtures (a course, citizens and officers) for the personal-data tests."""

from tests.web.conftest import course  # noqa: F401
