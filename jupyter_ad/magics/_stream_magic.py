"""``%ad_stream``: start a stream (or take a running one) and show its live panel.

- ``%ad_stream SOURCE -m MODEL [--sink URL] [stream options] [-o NAME]`` starts
  ``ad.stream(SOURCE, MODEL, ...)`` in the background, stores it in ``NAME`` (and
  ``_ad_last_stream``) and shows its panel. ``SOURCE`` is a URL or a notebook variable (a
  DataFrame, a list of events, a generator); ``MODEL`` a saved model's name or a variable.
- ``%ad_stream VAR`` shows the panel of the stream in variable ``VAR``.
"""

from __future__ import annotations

from typing import Any

from IPython.core.magic import Magics, line_magic, magics_class, no_var_expand

from jupyter_ad.magics import _parser
from jupyter_ad.magics._errors import OptionError, usage_errors

__all__ = ["StreamMagics"]


def _stream_parser() -> Any:
    from jupyter_ad.stream.options import STREAM

    parser = _parser.magic_parser(
        "%ad_stream", STREAM, positionals=[("SOURCE", "A source URL (kafka://, redis://, "
                                            "jsonl:PATH), a variable holding events, or a "
                                            "variable holding a running stream.")],
        output="Store the Stream in this variable (it is always in _ad_last_stream too).")
    parser.add_argument("-m", "--model", metavar="MODEL",
                        help="A saved model (NAME or NAME@VERSION) or a variable holding one.")
    parser.add_argument("--sink", metavar="URL", help="Where scored events go (default: kept "
                        "in memory, stream.results()).")
    return parser


def _line(name: str) -> Any:
    """IPython's ``line_magic(name)`` (typed loosely: its stubs confuse mypy)."""
    return line_magic(name)


@magics_class
class StreamMagics(Magics):  # type: ignore[misc]
    """The ``%ad_stream`` magic."""

    @no_var_expand
    @_line("ad_stream")
    def ad_stream(self, line: str) -> Any:
        """Start a stream and show its live panel, or show a running stream's panel."""
        from IPython.display import display

        with usage_errors("%ad_stream"):
            args = _parser.parse_argv(_stream_parser(), line)
            stream = self._stream(args)
            ns: dict[str, Any] = self.shell.user_ns  # type: ignore[union-attr]
            ns["_ad_last_stream"] = stream
            if args.output:
                ns[_parser.check_name(args.output)] = stream
            if args.panel is False:
                print(stream.stats())
                return None
            display(stream.panel())
        return None

    def _stream(self, args: Any) -> Any:
        from jupyter_ad.options.arguments import given
        from jupyter_ad.stream.api import stream
        from jupyter_ad.stream.options import STREAM
        from jupyter_ad.stream.runner.stream import Stream

        token = (args.source or "").strip()
        ns: dict[str, Any] = self.shell.user_ns  # type: ignore[union-attr]
        if not token:
            raise OptionError("which stream? e.g. %ad_stream jsonl:events.jsonl -m fraud "
                              "or %ad_stream my_stream")
        value = ns.get(token) if token.isidentifier() else None
        if isinstance(value, Stream):
            return value
        if args.model is None:
            raise OptionError(f"give the model: %ad_stream {token} -m NAME (a saved model "
                              "or a variable holding a fitted one)")
        model = ns.get(args.model, args.model) if args.model.isidentifier() else args.model
        source = value if value is not None else _parser.unquote(token)
        return stream(source, model, args.sink, **given(args, STREAM))
