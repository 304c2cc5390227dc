"""The scoring service: ``jupyter-ad serve`` (FastAPI on uvicorn; ``pip install
'jupyter-ad[server]'``).

A thin adapter like the command line and the magics: routes translate HTTP into library calls
(``model.score``, ``result.explain``, the model store's aliases) and the library's errors into
4xx answers. Importing this package loads nothing heavy; :func:`create_app` needs the extra.

Modules: ``settings`` (the ``[server]`` options), ``keys`` (API keys, hashed), ``auth`` (keys,
scopes, rate limits), ``bodies`` (strict JSON), ``serving`` (loaded and monitored models,
swaps), ``routes`` (feedback goes to :mod:`jupyter_ad.monitoring`), ``app``, ``observability``
(metrics, logs, tracing), ``deploy`` (champion vs challenger), ``run`` (uvicorn).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """The service's FastAPI application; see :func:`jupyter_ad.server.app.create_app`."""
    from jupyter_ad.server.run import require_server_extra

    require_server_extra()
    from jupyter_ad.server.app import create_app as _create

    return _create(*args, **kwargs)
