"""``jupyter-ad keys create|list|revoke``: the API keys of the scoring service.

``create`` prints the new key once; only its scrypt hash is stored (in the keys file: the
``[server]`` option ``keys_file``, default ``api-keys.json`` in the user configuration folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from jupyter_ad.cli.progress import Progress

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``keys`` sub-command and its actions."""
    from jupyter_ad.cli._base import CliParser
    from jupyter_ad.server.settings import SCOPES

    p: argparse.ArgumentParser = subparsers.add_parser(
        "keys", help="create, list and revoke API keys of the scoring service",
        description="API keys of 'jupyter-ad serve'. A key is printed once, at creation; the "
                    "keys file keeps only its scrypt hash. A running service sees new and "
                    "revoked keys at once.")
    actions = p.add_subparsers(dest="keys_action", metavar="ACTION", parser_class=CliParser,
                               required=True)
    c = actions.add_parser("create", help="create a key and print it (once)")
    c.add_argument("--scope", action="append", required=True, metavar="SCOPE",
                   help=f"what the key may do: {', '.join(SCOPES)} (repeat, or join with '+')")
    c.add_argument("--name", default="", help="a note on what the key is for")
    c.add_argument("--rate-limit", default=None, metavar="RATE",
                   help="this key's own rate limit, e.g. 1000/second (default: the service's)")
    lst = actions.add_parser("list", help="list the keys (ids, scopes; never the keys)")
    lst.add_argument("--json", action="store_true", help="print JSON")
    r = actions.add_parser("revoke", help="revoke a key by its id")
    r.add_argument("id", help="the key's id (as listed), or the key itself")
    for sub in (c, lst, r):
        sub.add_argument("--keys-file", default=None, metavar="PATH",
                         help="the keys file (default: the [server] keys_file option)")
    return p


def _key_file(args: argparse.Namespace) -> Any:
    from jupyter_ad.server.keys import KeyFile
    from jupyter_ad.server.settings import server_settings

    path = args.keys_file or server_settings().keys_file
    return KeyFile(path)


def run(args: argparse.Namespace, progress: Progress) -> int:
    """Run ``jupyter-ad keys ACTION``."""
    progress.close()
    keys = _key_file(args)
    if args.keys_action == "create":
        key, record = keys.create("+".join(args.scope), name=args.name,
                                  rate_limit=args.rate_limit)
        print(key)
        print(f"Key {record.id} with scope(s) {'+'.join(record.scopes)} saved (as a hash) in "
              f"{keys.path}. Copy the key now: it is not shown again.", file=sys.stderr)
        return 0
    if args.keys_action == "revoke":
        record = keys.revoke(args.id)
        print(f"Key {record.id} revoked at {record.revoked}; a running service refuses it "
              "from its next request.")
        return 0
    records = [k.to_dict() for k in keys.read()]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if not records:
        print(f"No keys in {keys.path}. Create one: jupyter-ad keys create --scope score")
        return 0
    print(f"{'id':<9} {'scopes':<28} {'created':<26} {'status':<34} name")
    for k in records:
        status = f"revoked {k['revoked']}" if k["revoked"] else "active"
        if k["rate_limit"] and not k["revoked"]:
            status += f" ({k['rate_limit']})"
        print(f"{k['id']:<9} {'+'.join(k['scopes']):<28} {k['created']:<26} {status:<34} "
              f"{k['name']}")
    return 0
