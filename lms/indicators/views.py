"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("indicators", __name__)
