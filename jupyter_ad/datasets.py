"""Bundled datasets: ``load_transactions()``, ``load_card_transactions()``."""

from jupyter_ad.data.datasets import load_card_transactions, load_transactions

__all__ = ["load_card_transactions", "load_transactions"]
