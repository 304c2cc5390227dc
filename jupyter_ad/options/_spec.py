"""The :class:`Option` record and the :class:`OptionSet` that holds a front end's options."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jupyter_ad.errors import ParameterError

__all__ = ["Option", "OptionSet", "suggest"]


def _identity(value: Any) -> Any:
    return value


def suggest(name: str, known: Iterable[str]) -> str:
    """``" Did you mean 'x'?"`` for the closest of ``known``, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True)
class Option:
    """One option, with the one name it has in every front end.

    The Python keyword is ``name``; the command-line and magic flag is ``--name-with-dashes``
    (plus ``flags`` such as ``-c``); the ``%%detect`` body key and the configuration-file key
    are ``name``; the environment variable is ``JUPYTER_AD_NAME`` (``JUPYTER_AD_SECTION_NAME``
    for an option of a ``[section]`` table).

    Attributes
    ----------
    name : str
        The option's name (a Python identifier).
    help : str
        One or two sentences for ``--help``, ``%detect?`` and the docs.
    default : object
        The built-in value, used when neither the caller nor the configuration gives one.
    coerce : callable
        Turns a value given in Python, in a TOML file or as text (command line, magic,
        environment variable) into the option's normalised value; raises
        :class:`~jupyter_ad.errors.ParameterError` naming the option and the allowed values.
    flags : tuple of str
        Extra spellings on the command line and in magics (``("-c",)``).
    aliases : tuple of str
        Old spellings still accepted but not shown (``("--seed",)``).
    metavar : str
        Placeholder in usage lines (``"SHARE"``).
    configurable : bool
        Whether a configuration file or environment variable may set it.
    section : str
        The configuration table it lives in (``""``: the top level).
    group : str
        Options of one group are alternatives: give at most one (``"threshold"``).
    example : str
        An example value as text, for error messages and docs.
    is_flag : bool
        A switch without a value on the command line (``--force``).
    repeatable : bool
        A list whose flag may be given several times on the command line (the lists add up).
    """

    name: str
    help: str
    default: Any = None
    coerce: Callable[[Any], Any] = field(default=_identity, repr=False, compare=False)
    flags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    metavar: str = ""
    configurable: bool = True
    section: str = ""
    group: str = ""
    example: str = ""
    is_flag: bool = False
    repeatable: bool = False

    @property
    def flag(self) -> str:
        """The long command-line flag: ``--top-k`` for ``top_k``."""
        return "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        """The environment variable that sets it: ``JUPYTER_AD_TOP_K``."""
        prefix = f"{self.section.upper()}_" if self.section else ""
        return f"JUPYTER_AD_{prefix}{self.name.upper()}"

    @property
    def key(self) -> str:
        """The configuration key: ``name``, or ``section.name`` in a table."""
        return f"{self.section}.{self.name}" if self.section else self.name

    def value(self, raw: Any) -> Any:
        """``raw`` normalised by :attr:`coerce` (``None`` stays ``None``: not given)."""
        return None if raw is None else self.coerce(raw)


class OptionSet(Mapping[str, Option]):
    """An ordered set of options, looked up by name (``-`` and ``_`` alike)."""

    def __init__(self, options: Iterable[Option]) -> None:
        self._options: dict[str, Option] = {}
        for option in options:
            if option.name in self._options:
                raise ValueError(f"option {option.name!r} is defined twice")
            self._options[option.name] = option

    def __getitem__(self, name: str) -> Option:
        return self._options[name.strip().lower().replace("-", "_")]

    def __iter__(self) -> Iterator[str]:
        return iter(self._options)

    def __len__(self) -> int:
        return len(self._options)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.strip().lower().replace("-", "_") in self._options

    def lookup(self, name: str, *, where: str = "option") -> Option:
        """The option called ``name``; an unknown name suggests the closest one."""
        if name in self:
            return self[name]
        raise ParameterError(f"Unknown {where} {name!r}.{suggest(name, self._options)} "
                             f"Known: {', '.join(self._options)}.")

    def select(self, *names: str) -> OptionSet:
        """A new set with just ``names``, in that order."""
        return OptionSet(self[n] for n in names)

    def coerce_all(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Each given (non-``None``) value normalised; at most one option per group."""
        out = {name: self[name].value(raw) for name, raw in values.items() if raw is not None}
        check_groups(self, out)
        return out


def check_groups(options: OptionSet, values: Mapping[str, Any]) -> None:
    """Refuse two given options of one group (e.g. contamination and top_k)."""
    by_group: dict[str, list[str]] = {}
    for name, value in values.items():
        if value is not None and name in options and options[name].group:
            by_group.setdefault(options[name].group, []).append(name)
    for names in by_group.values():
        if len(names) > 1:
            members = ", ".join(_group_members(options, names))
            raise ParameterError(f"Give only one of {members} (got {' and '.join(names)}).")


def _group_members(options: OptionSet, names: list[str]) -> list[str]:
    group = options[names[0]].group
    return [o.name for o in options.values() if o.group == group]
