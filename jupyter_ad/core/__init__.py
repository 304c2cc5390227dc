"""The detection core: detectors, registry, thresholds, confidence, results and models.

Imports nothing from Jupyter (IPython, ipywidgets, anywidget, altair, lime).
"""
