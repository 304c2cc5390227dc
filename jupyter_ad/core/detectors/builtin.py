"""Registration of the built-in detectors with their metadata (the algorithm guide's source)."""

from __future__ import annotations

from jupyter_ad.core.detectors import (
    ecdf_models,
    fast_iforest,
    pyod_models,
    sampled_knn,
    sklearn_models,
)

__all__ = ["register_builtins"]

# name: (class, family, time, memory, large_data, high_dim, native_explanations, source, text)
_BUILTINS = {
    "iforest": (fast_iforest.FastIsolationForest, "isolation", "O(t·ψ·log ψ + n·t·log ψ)",
                "O(t·ψ)", True, True, False, "jupyter-ad",
                "Isolation Forest: anomalies are isolated by fewer random axis splits "
                "(compiled, parallel scoring)."),
    "pyod_iforest": (pyod_models.IForest, "isolation", "O(t·ψ·log ψ + n·t·log ψ)", "O(t·ψ)",
                     True, True, False, "pyod", "PyOD's IForest (scikit-learn trees)."),
    "ecod": (ecdf_models.ECOD, "probabilistic", "O(n·d·log n)", "O(n·d)", True, True, True,
             "jupyter-ad", "Empirical-CDF outlier detection: how far into each feature's tails "
             "a row lies (parameter-free, scores new rows without re-fitting)."),
    "copod": (ecdf_models.COPOD, "probabilistic", "O(n·d·log n)", "O(n·d)", True, True, True,
              "jupyter-ad", "Copula outlier detection: empirical-copula tail probabilities "
              "(parameter-free, scores new rows without re-fitting)."),
    "hbos": (pyod_models.HBOS, "probabilistic", "O(n·d)", "O(d·bins)", True, True, False,
             "pyod", "Histogram-based outlier score: per-feature histogram densities, summed."),
    "knn": (pyod_models.KNN, "proximity", "O(n²·d)", "O(n·d)", False, False, False, "pyod",
            "k-nearest neighbours: distance to the k-th nearest training row."),
    "sampled_knn": (sampled_knn.SampledKNN, "proximity", "O(n·m·d)", "O(m·d)", True, False,
                    False, "jupyter-ad",
                    "k-NN distance to a seeded sample of m training rows, on squashed robust "
                    "z-scores (compiled; linear in the rows)."),
    "lof": (pyod_models.LOF, "proximity", "O(n²·d)", "O(n·d)", False, False, False, "pyod",
            "Local Outlier Factor: local density compared with the neighbours' density."),
    "pca": (pyod_models.PCA, "linear", "O(n·d² + d³)", "O(d²)", True, False, False, "pyod",
            "Principal components: weighted distance from the principal subspace."),
    "ocsvm": (pyod_models.OCSVM, "linear", "O(n²·d) to O(n³)", "O(n²)", False, False, False,
              "pyod", "One-class SVM: outside the kernel boundary around the data."),
    "cblof": (pyod_models.CBLOF, "proximity", "O(n·k·d)", "O(n·d)", True, False, False, "pyod",
              "Cluster-based LOF: distance to the nearest large cluster."),
    "loda": (pyod_models.LODA, "ensemble", "O(n·d·r)", "O(d·r)", True, True, False, "pyod",
             "LODA: histograms on sparse random projections."),
    "mcd": (pyod_models.MCD, "linear", "O(n·d² + d³)", "O(d²)", True, False, False, "pyod",
            "Minimum covariance determinant: robust Mahalanobis distance."),
    "gmm": (pyod_models.GMM, "probabilistic", "O(n·k·d²)", "O(k·d²)", True, False, False,
            "pyod", "Gaussian mixture: low likelihood under the fitted mixture."),
    "kde": (pyod_models.KDE, "density", "O(n²·d)", "O(n·d)", False, False, False, "pyod",
            "Kernel density: low estimated density."),
    "inne": (pyod_models.INNE, "isolation", "O(t·ψ² + n·t·ψ)", "O(t·ψ·d)", True, True, False,
             "pyod", "Isolation with nearest-neighbour ensembles: hyperspheres on samples."),
    "sk_iforest": (sklearn_models.SklearnIsolationForest, "isolation",
                   "O(t·ψ·log ψ + n·t·log ψ)", "O(t·ψ)", True, True, False, "scikit-learn",
                   "scikit-learn's IsolationForest."),
    "sk_lof": (sklearn_models.SklearnLOF, "proximity", "O(n²·d)", "O(n·d)", False, False, False,
               "scikit-learn", "scikit-learn's LocalOutlierFactor (novelty mode)."),
    "sk_ocsvm": (sklearn_models.SklearnOCSVM, "linear", "O(n²·d) to O(n³)", "O(n²)", False,
                 False, False, "scikit-learn", "scikit-learn's OneClassSVM."),
    "sk_elliptic": (sklearn_models.SklearnEllipticEnvelope, "linear", "O(n·d² + d³)", "O(d²)",
                    True, False, False, "scikit-learn",
                    "scikit-learn's EllipticEnvelope: robust Gaussian fit."),
}


def register_builtins() -> None:
    """Put every built-in detector into the registry."""
    from jupyter_ad.core.registry import register_detector

    for name, (cls, family, time, memory, large, high_dim, native, source, text) in (
        _BUILTINS.items()
    ):
        register_detector(
            name, cls, family=family, time_complexity=time, memory_complexity=memory,
            large_data=large, high_dimensional=high_dim, native_explanations=native,
            description=text, source=source, overwrite=True,
        )
