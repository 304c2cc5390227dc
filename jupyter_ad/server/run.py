"""Running the service: :func:`serve` starts uvicorn (uvloop, httptools) with JSON logs.

This is what ``jupyter-ad serve`` and the container's entrypoint run. With ``workers`` above 1,
uvicorn starts that many processes, each building the application with :func:`app_factory`
from the same settings (passed in an environment variable).
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import asdict
from typing import Any

from jupyter_ad.errors import OptionalDependencyError
from jupyter_ad.server.settings import SERVER_OPTIONS, ServerSettings

__all__ = ["app_factory", "require_server_extra", "serve"]

_SETTINGS_ENV = "JUPYTER_AD_SERVER_SETTINGS_JSON"
_NEEDED = ("fastapi", "uvicorn", "orjson", "limits", "prometheus_client")


def require_server_extra() -> None:
    """Raise :class:`OptionalDependencyError` with the install line if a part is missing."""
    import importlib.util

    missing = [m for m in _NEEDED if importlib.util.find_spec(m) is None]
    if missing:
        raise OptionalDependencyError(
            f"The scoring service needs {', '.join(missing)}: pip install 'jupyter-ad[server]'")


def app_factory() -> Any:
    """The application of one worker process (settings from the parent's environment)."""
    from jupyter_ad.server.app import create_app
    from jupyter_ad.server.observability import configure_logging

    data = json.loads(os.environ[_SETTINGS_ENV])
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v
                              for k, v in data.items() if k in SERVER_OPTIONS}
    settings = ServerSettings(**values)
    configure_logging(settings.log_level)
    return create_app(settings)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        from jupyter_ad.errors import ConfigError

        raise ConfigError(f"Cannot listen on {host}:{port} ({exc.strerror}); choose another "
                          "--port (0 picks a free one) or --host.") from None
    sock.set_inheritable(True)
    return sock


def serve(settings: ServerSettings) -> None:
    """Run the service until interrupted (Ctrl-C or SIGTERM)."""
    require_server_extra()
    import uvicorn

    from jupyter_ad.server.observability import configure_logging

    log_config = configure_logging(settings.log_level)
    sock = _bind(settings.host, settings.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(f"jupyter-ad serve: listening on http://{shown}:{port}", file=sys.stderr, flush=True)
    common: dict[str, Any] = {"log_config": log_config, "access_log": False,
                              "server_header": False, "proxy_headers": False,
                              "timeout_graceful_shutdown": 10, "loop": "auto", "http": "auto"}
    if settings.workers > 1:
        os.environ[_SETTINGS_ENV] = json.dumps(
            {k: v for k, v in asdict(settings).items() if k != "sources"})
        config = uvicorn.Config("jupyter_ad.server.run:app_factory", factory=True,
                                workers=settings.workers, **common)
        from uvicorn.supervisors import Multiprocess

        Multiprocess(config, sockets=[sock]).run()
        return
    from jupyter_ad.server.app import create_app

    config = uvicorn.Config(create_app(settings), **common)
    uvicorn.Server(config).run(sockets=[sock])
