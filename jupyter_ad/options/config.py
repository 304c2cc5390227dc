"""Where option values come from: the call, the session, the environment, a file, or built-in.

Precedence, highest first:

1. **explicit**: an argument in Python, a flag on the command line or in a magic;
2. **session**: ``%config JupyterAD.<option> = ...`` in a notebook (this kernel only);
3. **environment**: ``JUPYTER_AD_<OPTION>`` (``JUPYTER_AD_<TABLE>_<OPTION>`` for a table);
4. **file**: ``jupyter-ad.toml`` in the working folder, over the one in the user config folder
   (``jupyter-ad config`` prints where); ``JUPYTER_AD_CONFIG=PATH`` or the command line's
   ``--config PATH`` name one file to use instead of both;
5. **built-in** defaults.

Options that are alternatives (``contamination``, ``threshold``, ``top_k``) move together: a
value of one of them at a higher level hides the others' values from lower levels.

A file holds option names at the top level and tables for subsystems::

    contamination = 0.05
    algorithm = "ecod"
    exclude = ["customer_id"]

    [server]
    port = 8000

Unknown keys and tables are an error naming the key and the nearest valid one.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jupyter_ad.errors import ConfigError, ParameterError
from jupyter_ad.options._spec import Option, OptionSet, suggest

__all__ = [
    "CONFIG_ENV",
    "CONFIG_NAME",
    "Setting",
    "config_files",
    "register_section",
    "resolve",
    "sections",
    "top_options",
    "set_config_file",
    "set_session",
    "settings",
]

CONFIG_NAME = "jupyter-ad.toml"
CONFIG_ENV = "JUPYTER_AD_CONFIG"
_LEVELS = ("explicit", "session", "environment", "file", "built-in")

_state: dict[str, Any] = {"file": None, "session": {}}
_sections: dict[str, Callable[[], OptionSet]] = {}
_file_cache: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


@dataclass(frozen=True)
class Setting:
    """The value an option takes, and where it comes from.

    ``level`` is one of ``"explicit"``, ``"session"``, ``"environment"``, ``"file"``,
    ``"built-in"``; ``source`` says which (``"JUPYTER_AD_CONTAMINATION"``, a file path).
    """

    name: str
    value: Any
    level: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (the value as given)."""
        return {"name": self.name, "value": self.value, "level": self.level,
                "source": self.source}


def register_section(name: str, options: Callable[[], OptionSet]) -> None:
    """Declare the configuration table ``[name]`` and its options (given lazily, so the
    subsystem is imported only when its table is used).
    """
    _sections[name] = options


def top_options() -> OptionSet:
    """The options of the top level of the file (the configurable detection options)."""
    from jupyter_ad.options.detection import OPTIONS

    return OptionSet(o for o in OPTIONS.values() if o.configurable)


def sections() -> dict[str, OptionSet]:
    """Every declared table and its options (the top level is ``""``); this imports each
    subsystem that declared a table, so callers needing the top level use :func:`top_options`.
    """
    return {"": top_options(), **{name: get() for name, get in sorted(_sections.items())}}


def set_config_file(path: str | os.PathLike[str] | None) -> None:
    """Use this one configuration file in this process (``None``: look for the usual ones)."""
    if path is not None and not Path(path).expanduser().is_file():
        raise ConfigError(f"No configuration file at {str(path)!r}.")
    _state["file"] = None if path is None else Path(path).expanduser().resolve()


def set_session(name: str, value: Any) -> None:
    """Set (or with ``None`` unset) a session default, as ``%config JupyterAD.<name>`` does."""
    option = top_options().lookup(name, where="setting")
    session: dict[str, Any] = _state["session"]
    if value is None:
        session.pop(option.name, None)
    else:
        session[option.name] = option.value(value)


def config_files() -> list[Path]:
    """The configuration files in use, lowest precedence first (those that exist)."""
    chosen = _state["file"] or os.environ.get(CONFIG_ENV)
    if chosen:
        path = Path(chosen).expanduser()
        if not path.is_file():
            raise ConfigError(f"{CONFIG_ENV} names {str(path)!r}, which is not a file.")
        return [path]
    from platformdirs import user_config_dir

    candidates = [Path(user_config_dir("jupyter-ad")) / CONFIG_NAME, Path.cwd() / CONFIG_NAME]
    found: list[Path] = []
    for p in candidates:
        if p.is_file() and p.resolve() not in [f.resolve() for f in found]:
            found.append(p)
    return found


def _read(path: Path) -> dict[str, Any]:
    """The checked contents of one file: ``{"key" or "table.key": value}`` (cached)."""
    stat = path.stat()
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _file_cache.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}).") from None
    known = sections()
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict) and key not in known[""]:
            if key not in known:
                tables = [t for t in known if t]
                raise ConfigError(f"{path}: unknown table [{key}].{suggest(key, tables)} "
                                  f"Known tables: {', '.join(f'[{t}]' for t in tables)}.")
            for sub, item in value.items():
                out[f"{key}.{sub}"] = _checked(path, known[key], sub, item, f"[{key}] ")
        else:
            out[key] = _checked(path, known[""], key, value, "")
    _file_cache[path] = (stamp, out)
    return out


def _checked(path: Path, options: OptionSet, key: str, value: Any, where: str) -> Any:
    if key not in options:
        raise ConfigError(f"{path}: unknown key {where}{key!r}.{suggest(key, list(options))} "
                          f"Known keys{' of ' + where.strip() if where else ''}: "
                          f"{', '.join(options)}.")
    try:
        return options[key].coerce(value)
    except ParameterError as exc:
        raise ConfigError(f"{path}: {where}{key}: {exc}") from None


def _file_values() -> dict[str, tuple[Any, str]]:
    out: dict[str, tuple[Any, str]] = {}
    for path in config_files():  # later files override earlier ones
        out.update({k: (v, str(path)) for k, v in _read(path).items()})
    return out


def _env_value(option: Option) -> Any:
    raw = os.environ.get(option.env)
    if raw is None or not raw.strip():
        return None
    try:
        return option.coerce(raw)
    except ParameterError as exc:
        raise ConfigError(f"Environment variable {option.env}: {exc}") from None


def resolve(options: OptionSet, explicit: Mapping[str, Any] | None = None, *,
            section: str = "") -> dict[str, Setting]:
    """The effective :class:`Setting` of each option of ``options``.

    ``explicit`` holds the values given in the call (``None``: not given); they are
    normalised, and at most one option of a group may be given.
    """
    given = {k: v for k, v in (explicit or {}).items() if v is not None}
    given = options.coerce_all(given)
    files = _file_values()
    session: dict[str, Any] = _state["session"] if not section else {}
    candidates: dict[str, list[tuple[int, Any, str]]] = {}
    for name, option in options.items():
        found: list[tuple[int, Any, str]] = []
        if name in given:
            found.append((0, given[name], "argument"))
        if option.configurable:
            if name in session:
                found.append((1, session[name], f"%config JupyterAD.{name}"))
            env = _env_value(option)
            if env is not None:
                found.append((2, env, option.env))
            if option.key in files:
                found.append((3, *files[option.key]))
        found.append((4, option.default, "built-in"))
        candidates[name] = found
    # alternatives move together: the highest level giving any member of a group decides
    # the whole group; the members it does not give are unset
    group_level: dict[str, int] = {}
    for name, found in candidates.items():
        group = options[name].group
        if group:
            group_level[group] = min(group_level.get(group, 4), found[0][0])
    out: dict[str, Setting] = {}
    for name, found in candidates.items():
        level, value, source = found[0]
        group = options[name].group
        if group and group_level[group] < 4 and level != group_level[group]:
            level, value, source = 4, None, "unset (another option of its group is given)"
        out[name] = Setting(name, value, _LEVELS[level], source)
    return out


def settings() -> list[Setting]:
    """The effective value of every configurable option, top level and tables."""
    out: list[Setting] = []
    for table, options in sections().items():
        for setting in resolve(options, section=table).values():
            key = f"{table}.{setting.name}" if table else setting.name
            out.append(Setting(key, setting.value, setting.level, setting.source))
    return out
