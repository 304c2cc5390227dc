"""The words behind the algorithm guide: references, families, libraries (data only)."""

from __future__ import annotations

__all__ = ["FAMILIES", "LEGEND", "LIBRARIES", "REFERENCES"]

_ISOLATION_FOREST = (
    "Liu, F. T., Ting, K. M. & Zhou, Z.-H. (2008). Isolation Forest. *Proceedings of the 8th "
    "IEEE International Conference on Data Mining (ICDM)*, 413-422."
)
_LOF = (
    "Breunig, M. M., Kriegel, H.-P., Ng, R. T. & Sander, J. (2000). LOF: identifying "
    "density-based local outliers. *Proceedings of ACM SIGMOD 2000*, 93-104."
)
_OCSVM = (
    "Schölkopf, B., Platt, J. C., Shawe-Taylor, J., Smola, A. J. & Williamson, R. C. (2001). "
    "Estimating the support of a high-dimensional distribution. *Neural Computation* 13(7), "
    "1443-1471."
)
_MCD = (
    "Rousseeuw, P. J. & Van Driessen, K. (1999). A fast algorithm for the minimum covariance "
    "determinant estimator. *Technometrics* 41(3), 212-223."
)

#: Literature per built-in detector name.
REFERENCES: dict[str, tuple[str, ...]] = {
    "iforest": (_ISOLATION_FOREST,),
    "pyod_iforest": (_ISOLATION_FOREST,),
    "sk_iforest": (_ISOLATION_FOREST,),
    "ecod": (
        "Li, Z., Zhao, Y., Hu, X., Botta, N., Ionescu, C. & Chen, G. H. (2022). ECOD: "
        "unsupervised outlier detection using empirical cumulative distribution functions. "
        "*IEEE Transactions on Knowledge and Data Engineering*.",
    ),
    "copod": (
        "Li, Z., Zhao, Y., Botta, N., Ionescu, C. & Hu, X. (2020). COPOD: copula-based outlier "
        "detection. *Proceedings of the IEEE International Conference on Data Mining (ICDM)*, "
        "1118-1123.",
    ),
    "hbos": (
        "Goldstein, M. & Dengel, A. (2012). Histogram-based Outlier Score (HBOS): a fast "
        "unsupervised anomaly detection algorithm. *KI-2012: Poster and Demo Track*, 59-63.",
    ),
    "knn": (
        "Ramaswamy, S., Rastogi, R. & Shim, K. (2000). Efficient algorithms for mining outliers "
        "from large data sets. *Proceedings of ACM SIGMOD 2000*, 427-438.",
    ),
    "lof": (_LOF,),
    "sk_lof": (_LOF,),
    "pca": (
        "Shyu, M.-L., Chen, S.-C., Sarinnapakorn, K. & Chang, L. (2003). A novel anomaly "
        "detection scheme based on principal component classifier. *Proceedings of the IEEE "
        "Foundations and New Directions of Data Mining Workshop (with ICDM 2003)*, 172-179.",
    ),
    "ocsvm": (_OCSVM,),
    "sk_ocsvm": (_OCSVM,),
    "cblof": (
        "He, Z., Xu, X. & Deng, S. (2003). Discovering cluster-based local outliers. *Pattern "
        "Recognition Letters* 24(9-10), 1641-1650.",
    ),
    "loda": (
        "Pevný, T. (2016). Loda: lightweight on-line detector of anomalies. *Machine Learning* "
        "102(2), 275-304.",
    ),
    "mcd": (_MCD,),
    "sk_elliptic": (_MCD,),
    "inne": (
        "Bandaragoda, T. R., Ting, K. M., Albrecht, D., Liu, F. T., Zhu, Y. & Wells, J. R. "
        "(2018). Isolation-based anomaly detection using nearest-neighbor ensembles. "
        "*Computational Intelligence* 34(4), 968-998.",
    ),
    "gmm": (
        "Bishop, C. M. (2006). *Pattern Recognition and Machine Learning*, chapter 9 (mixture "
        "models and EM). Springer.",
    ),
    "kde": (
        "Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*. "
        "Chapman & Hall.",
    ),
}

LIBRARIES = {
    "jupyter-ad": "jupyter-ad (implemented in this package)",
    "pyod": "PyOD (wrapped by jupyter-ad)",
    "scikit-learn": "scikit-learn (wrapped by jupyter-ad)",
    "user": "user-registered",
}

FAMILIES = {
    "isolation": "rows that random partitions separate from the rest quickly are anomalous",
    "proximity": "rows far from their nearest neighbours or clusters are anomalous",
    "probabilistic": "rows that are improbable under a fitted distribution are anomalous",
    "linear": "rows far from a linear model of the data (subspace, ellipsoid or kernel "
              "boundary) are anomalous",
    "density": "rows in regions of low estimated density are anomalous",
    "ensemble": "many weak detectors (random projections, random subsets) vote",
    "custom": "user-defined",
}

LEGEND = (
    "Complexities are the registry's Big-O of fitting: `n` rows and `d` features; the other "
    "letters are the detector's own size parameters: `t` trees or estimators "
    "(`n_estimators`), `ψ` the sub-sample size (`max_samples`), `k` clusters or mixture "
    "components, `r` random projections (`n_random_cuts`), `bins` histogram bins (`n_bins`)."
)
