"""Placeholder blueprint, filled in by its feature."""

from flask import Blueprint

bp = Blueprint("catalogue", __name__)
