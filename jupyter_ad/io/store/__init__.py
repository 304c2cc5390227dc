"""A local, versioned, atomic and tamper-evident model store, with aliases.

Per saved version, ``<root>/<name>/<version>/`` holds ``model.pkl`` (pickle protocol 5) and
``manifest.json`` (format, name, version, created, sha256, libraries, metadata, key_id and an
HMAC-SHA256 ``signature``). A save writes into a hidden ``.tmp-<hex>`` folder and renames it
into place, so a version folder is complete or absent even if the process is killed; the
next process that opens the store removes the temp folders of saves that died. Loading checks
the hash and the signature *before* unpickling (which can run arbitrary code): a model altered
since saving, or signed with another key, is refused unless ``trusted=True``. The signing key
lives outside the store (:mod:`~jupyter_ad.io.store.signing`); folders are 0700 and files 0600.
Aliases (``fraud@production``) are kept per name with their history
(:mod:`~jupyter_ad.io.store.aliases`).

Modules: ``names`` (naming rules and specs), ``layout`` (files, modes, locks, housekeeping),
``signing`` (the key and signatures), ``loading`` (verification), ``aliases``, ``migrate``
(moving off the in-store key of older stores), ``metadata`` and ``core`` (:class:`ModelStore`).
"""

from jupyter_ad.io.store.aliases import AliasChange
from jupyter_ad.io.store.core import ModelRef, ModelStore
from jupyter_ad.io.store.loading import FORMAT, load_file
from jupyter_ad.io.store.names import check_alias, check_name, parse_ref, parse_spec

__all__ = ["FORMAT", "AliasChange", "ModelRef", "ModelStore", "check_alias", "check_name",
           "load_file", "parse_ref", "parse_spec"]
