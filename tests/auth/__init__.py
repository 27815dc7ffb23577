"""Tests of lms.auth: rate limits, passwords, enumeration, sessions, two-factor sign-in."""
