"""Optional packages of the streaming extra, imported when first needed."""

from __future__ import annotations

import importlib
from typing import Any

from jupyter_ad.errors import OptionalDependencyError

__all__ = ["INSTALL", "require"]

INSTALL = "pip install 'jupyter-ad[stream]'"
_PACKAGES = {"redis": "redis", "confluent_kafka": "confluent-kafka", "httpx": "httpx"}


def require(module: str, feature: str) -> Any:
    """``import module``, or an :class:`OptionalDependencyError` with the install line."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise OptionalDependencyError(
            f"{feature} needs the package {_PACKAGES.get(module, module)!r}: {INSTALL}  "
            f"(or: pip install {_PACKAGES.get(module, module)})") from exc
