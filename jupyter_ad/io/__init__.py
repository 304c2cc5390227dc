"""Saving and loading fitted models: a local, versioned, tamper-evident model store."""

from jupyter_ad.io.store import ModelRef, ModelStore, load_file, parse_spec

__all__ = ["ModelRef", "ModelStore", "load_file", "parse_spec"]
