"""``jupyter-ad models``: list saved models, move aliases, delete versions, migrate the key.

``jupyter-ad models [list] [--json]`` lists every version (a readable table; ``--json`` keeps
every field); ``models promote fraud@3 --alias production``, ``models rollback fraud --alias
production``, ``models unalias fraud --alias production``, ``models aliases fraud`` (the aliases
and their history), ``models delete fraud@3`` and ``models migrate-key`` manage the store. The
main parser calls :func:`add_parser` and dispatches to :func:`run`.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from jupyter_ad.cli.progress import Progress

__all__ = ["add_parser", "format_table", "run"]

_STORE_HELP = "model store folder ($JUPYTER_AD_HOME)"


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``models`` sub-command (and its own sub-commands) to ``subparsers``."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "models", help="list saved models; promote, roll back and remove aliases",
        description="List the saved model versions (the default), or manage aliases and "
                    "versions of the model store.")
    _common(p, None)
    # the actions use the main parser's class (usage errors become exit status 2)
    sub = p.add_subparsers(dest="models_command", metavar="ACTION",
                           parser_class=subparsers._parser_class)

    q = sub.add_parser("list", help="list saved models (the default)")
    _common(q, argparse.SUPPRESS)
    q = sub.add_parser("promote", help="point an alias at a version: promote fraud@3 --alias "
                       "production")
    q.add_argument("spec", metavar="NAME@VERSION",
                   help="the version: NAME@N, NAME (newest) or NAME@OTHER_ALIAS")
    q.add_argument("--alias", required=True, help="the alias to point at it, e.g. production")
    _common(q, argparse.SUPPRESS, json_flag=False)
    q = sub.add_parser("rollback", help="point an alias back at its previous version")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--alias", required=True, help="the alias to roll back")
    _common(q, argparse.SUPPRESS, json_flag=False)
    q = sub.add_parser("unalias", help="remove an alias (the versions stay)")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--alias", required=True, help="the alias to remove")
    _common(q, argparse.SUPPRESS, json_flag=False)
    q = sub.add_parser("aliases", help="the aliases of a model and their history")
    q.add_argument("name", metavar="NAME")
    _common(q, argparse.SUPPRESS)
    q = sub.add_parser("delete", help="delete NAME@N, NAME@latest or every version of NAME")
    q.add_argument("spec", metavar="NAME[@VERSION]")
    _common(q, argparse.SUPPRESS, json_flag=False)
    q = sub.add_parser("migrate-key", help="move a store off the key it keeps inside "
                       "(.store-key, older versions): re-sign its models with your key")
    _common(q, argparse.SUPPRESS)
    return p


def _common(p: argparse.ArgumentParser, default: Any, *, json_flag: bool = True) -> None:
    """``--store`` and ``--json`` on ``models`` and again on each action (after it)."""
    p.add_argument("--store", default=default, help=_STORE_HELP)
    if json_flag:
        p.add_argument("--json", action="store_true",
                       default=False if default is None else default, help="print JSON")


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad models ...``; errors propagate to the main command's handler."""
    from jupyter_ad.io.store import ModelStore

    store = ModelStore(args.store)
    action = getattr(args, "models_command", None) or "list"
    if action == "list":
        return _list(store, bool(args.json))
    if action == "promote":
        print(store.promote(args.spec, args.alias))
    elif action == "rollback":
        print(store.rollback(args.name, args.alias))
    elif action == "unalias":
        print(store.remove_alias(args.name, args.alias))
    elif action == "aliases":
        _aliases(store, args.name, bool(args.json))
    elif action == "delete":
        deleted = store.delete(args.spec)
        name = args.spec.split("@")[0].strip()
        print(f"Deleted {', '.join(f'{name}@{v}' for v in deleted)} from {store.root}; "
              "these version numbers will not be used again.")
    else:  # migrate-key
        report = store.migrate_key()
        if args.json:
            print(json.dumps(report, indent=2))
        else:
            print(_migration_text(store, report))
    return 0


def _list(store: Any, as_json: bool) -> int:
    table = store.list()
    if as_json:
        print(table.to_json(orient="records", date_format="iso", default_handler=str))
    elif table.empty:
        print("No saved models yet. Save one with 'jupyter-ad train FILE --name NAME' or "
              "model.save('NAME').")
    else:
        print(format_table(table))
        broken = table[table["status"] == "broken"]
        for row in broken.itertuples():
            print(f"{row.name}@{row.version} is broken: {row.problem}")
    return 0


def format_table(table: Any) -> str:
    """The listing as a readable text table: one short value per cell (``--json`` has all)."""
    import pandas as pd

    def metric(metrics: Any, key: str) -> Any:
        return metrics.get(key) if isinstance(metrics, dict) else None

    def short(text: Any, width: int) -> str:
        text = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
        return text if len(text) <= width else text[: width - 3] + "..."

    rate = [metric(m, "anomaly_rate") for m in table["metrics"]]
    view = pd.DataFrame({
        "name": [short(n, 30) for n in table["name"]],
        "version": table["version"],
        "aliases": [", ".join(a) if a else "" for a in table["aliases"]],
        "created": [short(str(c).replace("T", " ")[:16], 16) if c else "" for c in
                    table["created"]],
        "algorithm": [short(a, 24) for a in table["algorithm"]],
        "features": [len(f) if isinstance(f, list) else "" for f in table["features"]],
        "rows": [metric(m, "n_rows") or "" for m in table["metrics"]],
        "anomaly rate": [f"{r:.1%}" if isinstance(r, int | float) else "" for r in rate],
        "status": table["status"],
    })
    return view.to_string(index=False)


def _aliases(store: Any, name: str, as_json: bool) -> None:
    table, history = store.aliases(name), store.alias_history(name)
    if as_json:
        print(json.dumps({"aliases": table, "history": history.to_dict(orient="records")},
                         indent=2, default=str))
        return
    if not table:
        print(f"{name} has no aliases. Add one with: jupyter-ad models promote {name}@N "
              "--alias production")
    for alias, version in table.items():
        print(f"{name}@{alias} -> {name}@{version}")
    if len(history):
        print("\nHistory:")
        print(history.astype(object).where(history.notna(), "").to_string(index=False))


def _migration_text(store: Any, report: dict[str, Any]) -> str:
    if not report["key_removed"] and not report["resigned"]:
        return (f"Nothing to migrate: {store.root} has no key inside it; its models are "
                f"checked with {report['key']}.")
    lines = [f"Re-signed {len(report['resigned'])} version(s) with {report['key']}; removed "
             f"the key inside the store ({store.root / '.store-key'})."]
    if report["refused"]:
        lines.append(f"Not re-signed (they fail verification, load them only with "
                     f"trusted=True if you trust them): {', '.join(report['refused'])}.")
    return "\n".join(lines)
