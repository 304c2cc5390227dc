"""Names in the model store: model names, aliases, and the specs that pick a version.

A model name has 1-100 characters (letters, digits, ``_``, ``.``, ``-``), starts with a letter or
digit, does not end with a dot, and is not a name Windows reserves for devices (``CON``,
``PRN``, ``AUX``, ``NUL``, ``COM1``-``COM9``, ``LPT1``-``LPT9``, also with an extension such as
``con.v2``), so a store can be copied to any system. An alias has 1-64 characters (letters,
digits, ``_``, ``-``), starts with a letter and is not ``latest``. A spec is ``"name"``,
``"name@latest"``, ``"name@3"`` or ``"name@production"`` (an alias).
"""

from __future__ import annotations

import re

from jupyter_ad.errors import ParameterError

__all__ = ["check_alias", "check_name", "parse_ref", "parse_spec"]

_NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_NAME_RULE = (
    "a model name has 1-100 characters (letters, digits, '_', '.', '-'), starts with a "
    "letter or digit and does not end with a dot, e.g. 'fraud-v2'"
)
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}
_ALIAS_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,63}")
_ALIAS_RULE = (
    "an alias has 1-64 characters (letters, digits, '_', '-'), starts with a letter and is "
    "not 'latest', e.g. 'production'"
)
_NUMBER_RE = re.compile(r"[0-9]+")


def check_name(name: object, spec: object = None) -> str:
    """``name`` if it is a valid model name, else :class:`ParameterError` with the rule."""
    where = f" in spec {spec!r}" if spec is not None else ""
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or name.endswith("."):
        raise ParameterError(f"Invalid model name {name!r}{where}: {_NAME_RULE}.")
    if name.split(".")[0].upper() in _WINDOWS_DEVICES:
        raise ParameterError(
            f"Invalid model name {name!r}{where}: Windows reserves {name.split('.')[0]!r} for a "
            "device, so the store could not be copied there; choose another name, e.g. "
            f"'{name.split('.')[0]}-model'."
        )
    return name


def check_alias(alias: object) -> str:
    """``alias`` if it is a valid alias, else :class:`ParameterError` with the rule."""
    if (not isinstance(alias, str) or not _ALIAS_RE.fullmatch(alias)
            or alias.lower() == "latest"):
        raise ParameterError(f"Invalid alias {alias!r}: {_ALIAS_RULE}.")
    return alias


def parse_ref(spec: object) -> tuple[str, int | None, str | None]:
    """Split a spec into ``(name, version, alias)``.

    ``"fraud"`` and ``"fraud@latest"`` give ``("fraud", None, None)`` (the newest version),
    ``"fraud@3"`` gives ``("fraud", 3, None)`` and ``"fraud@production"`` gives
    ``("fraud", None, "production")``.

    Raises
    ------
    ParameterError
        A bad name, a version number below 1, or a text that is neither a number nor a valid
        alias.
    """
    if not isinstance(spec, str):
        raise ParameterError(
            f"A model spec must be a string like 'fraud', 'fraud@3' or 'fraud@production', not "
            f"{type(spec).__name__}."
        )
    name, sep, tail = spec.strip().partition("@")
    check_name(name, spec)
    if not sep or tail == "latest":
        return name, None, None
    if _NUMBER_RE.fullmatch(tail) and int(tail) >= 1:
        return name, int(tail), None
    if _ALIAS_RE.fullmatch(tail) and tail.lower() != "latest":
        return name, None, tail
    raise ParameterError(
        f"Invalid model spec {spec!r}: write 'name', 'name@latest', or 'name@N' with a version "
        f"number N of 1 or more, e.g. '{name}@1', or 'name@ALIAS' where {_ALIAS_RULE}."
    )


def parse_spec(spec: str) -> tuple[str, int | None]:
    """Split ``"name"``, ``"name@latest"`` or ``"name@3"`` into the name and version.

    Returns
    -------
    tuple of (str, int or None)
        The name, and the version number or ``None`` for the newest.

    Raises
    ------
    ParameterError
        If the name breaks the naming rule or the version is not a whole number >= 1
        (aliases are refused here: use :func:`parse_ref`).
    """
    name, version, alias = parse_ref(spec)
    if alias is not None:
        raise ParameterError(
            f"Invalid model spec {spec!r}: write 'name', 'name@latest', or 'name@N' with a "
            f"version number N of 1 or more, e.g. '{name}@1'."
        )
    return name, version
