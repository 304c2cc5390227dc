"""Bundled datasets: ``jupyter_ad.datasets.load_transactions()``."""

from jupyter_ad.data.datasets import load_transactions

__all__ = ["load_transactions"]
