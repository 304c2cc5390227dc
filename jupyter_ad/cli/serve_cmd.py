"""``jupyter-ad serve``: the scoring service (needs ``pip install 'jupyter-ad[server]'``).

Every flag is a ``[server]`` option (:mod:`jupyter_ad.server.settings`): ``--max-body-size``
is ``max_body_size`` in ``jupyter-ad.toml``'s ``[server]`` table and
``JUPYTER_AD_SERVER_MAX_BODY_SIZE`` in the environment.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import Any

from jupyter_ad.cli.progress import Progress

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``serve`` sub-command."""
    from jupyter_ad.options.arguments import add_arguments
    from jupyter_ad.server.settings import SERVER_OPTIONS

    p: argparse.ArgumentParser = subparsers.add_parser(
        "serve", help="serve saved models over HTTP (REST API with keys, limits, metrics)",
        description="Serve models of the model store over HTTP. Every route but /healthz and "
                    "/readyz needs an API key (jupyter-ad keys create). Options not given come "
                    "from JUPYTER_AD_SERVER_* variables or the [server] table of "
                    "jupyter-ad.toml.")
    add_arguments(p, SERVER_OPTIONS)
    return p


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad serve`` until interrupted."""
    from jupyter_ad.options.arguments import given
    from jupyter_ad.server.run import require_server_extra, serve
    from jupyter_ad.server.serving import ModelSet
    from jupyter_ad.server.settings import SERVER_OPTIONS, server_settings

    require_server_extra()
    progress.close()
    settings = server_settings(given(args, SERVER_OPTIONS))
    models = ModelSet(settings.models, settings.store)
    for spec in settings.models:  # a typo or a missing alias: say so now, not in a log
        models.target_version(spec)

    from jupyter_ad.server.keys import ENV_KEYS, KeyFile, KeyRing

    ring = KeyRing(KeyFile(settings.keys_file), os.environ.get(ENV_KEYS))
    if not len(ring):
        print("jupyter-ad serve: warning: no API key yet, so every /v1 route answers 401; "
              "create one with: jupyter-ad keys create --scope score", file=sys.stderr)
    with contextlib.suppress(KeyboardInterrupt):
        serve(settings)
    return 0
