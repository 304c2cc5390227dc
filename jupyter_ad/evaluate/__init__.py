"""Evaluation: how good a ranking is, and how to make it better with labels.

- :mod:`~jupyter_ad.evaluate.labels`: the one parser of labels (1 / 0 / missing);
- :mod:`~jupyter_ad.evaluate.metrics`: ROC-AUC, average precision, F1, precision@k, and the
  advisory Excess-Mass / Mass-Volume criteria;
- :mod:`~jupyter_ad.evaluate.compare`: several detectors on the same rows (``ad.compare``);
- :mod:`~jupyter_ad.evaluate.validate`: cross-validation of a model (``ad.validate``);
- :mod:`~jupyter_ad.evaluate.tune`: hyperparameter search with Optuna (``ad.tune``);
- :mod:`~jupyter_ad.evaluate.threshold_tuning`: a threshold from labels
  (``res.tune_threshold``);
- :mod:`~jupyter_ad.evaluate.learn`: re-ranking with a few labels (``res.learn``).

The detection core (:mod:`jupyter_ad.core`) holds no evaluation code.
"""
