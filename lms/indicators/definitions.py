"""The programme's indicator definitions and targets, read from indicators.yaml."""

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFINITIONS_FILE = Path(__file__).resolve().parent.parent / "criteria" / "data" / "indicators.yaml"


@lru_cache(maxsize=1)
def definitions() -> list[dict[str, Any]]:
    """Return I1–I5 with names (vi/en) and targets {2025: t, 2030: t}."""
    return yaml.safe_load(DEFINITIONS_FILE.read_text(encoding="utf-8"))["indicators"]
