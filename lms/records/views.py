"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("records", __name__)
