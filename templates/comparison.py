# ---
# description: Run several detectors on the same data, rank them, look at where they agree, keep the best.
# title: Comparing anomaly detectors
# ---

# %% [markdown]
# # {{ title }}
#
# No detector is best on every table. This notebook runs several on your data, ranks them,
# shows where they agree, and continues with the winner.
#
# - **With a label column** (`TARGET`), detectors are ranked by *average precision* (how
#   high the labelled anomalies score), with ROC-AUC, F1, precision and recall at each
#   detector's threshold, and precision@k.
# - **Without labels**, they are ranked by *agreement* (rank correlation with the other
#   detectors' scores) and shown with their *stability* (do scores stay the same when the
#   detector is fitted on another sample?).

# %% [markdown]
# ## Parameters
#
# `DATA`: a CSV/Parquet file, or `None` for the bundled card transactions. `TARGET`: the
# optional label column. `ALGORITHM`: a detector to add to the candidates (`"auto"` adds
# none). `CANDIDATES`: the detectors compared; `N_SEEDS`: repeats with different seeds (the
# `*_std` columns show the spread).

# %% [parameters]
CANDIDATES = ["iforest", "ecod", "copod", "hbos", "pca", "loda"]  # fast detectors
N_SEEDS = 1
REPORT_FILE = "comparison-report.html"

# %% [markdown]
# ## Load the data

# %%

import jupyter_ad as ad
from jupyter_ad import charts
from jupyter_ad.data.readers import read_file

# Charts draw offline, and each chart output also holds a PNG picture of it, which notebook
# viewers (and this notebook reopened without its kernel) show.
charts.enable_notebook()

df = ad.datasets.load_transactions() if DATA is None else read_file(DATA)
if TARGET is not None and TARGET not in df.columns:
    raise KeyError(f"TARGET column {TARGET!r} is not in the data; columns: {list(df.columns)}")
labels = df[TARGET] if TARGET is not None else None
features = df.drop(columns=[TARGET]) if TARGET is not None else df
candidates = list(CANDIDATES)
if ALGORITHM != "auto" and ALGORITHM not in candidates:
    candidates.append(ALGORITHM)
print(f"{len(df):,} rows; comparing {', '.join(candidates)}")

# %% [markdown]
# ## Run the comparison
#
# Each detector is fitted on the same preprocessed rows. The table has one row per
# detector, best first; `fit_seconds`, `score_seconds` and `peak_memory_mb` tell what each
# costs.

# %%
comparison = ad.compare(features, candidates, labels=labels, n_seeds=N_SEEDS)
print(f"Best: {comparison.best} (ranked by {comparison.metric})")
comparison.to_frame().round(3)

# %% [markdown]
# ## The leaderboard as a chart
#
# Bars of the metric the detectors are ranked by; hover for the other columns.
# `comparison.plot("leaderboard", metric="fit_seconds")` draws another column.

# %%
comparison.plot("leaderboard", metric=comparison.metric)

# %% [markdown]
# ## ROC and precision-recall curves
#
# Only with labels: the closer a curve hugs the top-left (ROC) or top-right (PR) corner, the
# better the detector ranks the labelled anomalies.

# %%
if labels is None:
    print("No label column (TARGET is None): no curves.")
else:
    display(comparison.plot("curves"))

# %% [markdown]
# ## Where do the detectors agree?
#
# Spearman rank correlation of every pair of detectors' scores: 1 = the same ranking of the
# rows. Detectors that disagree see different kinds of anomalies; an ensemble of them
# (`algorithm=["iforest", "ecod"]`) averages their normalised scores.

# %%
comparison.plot("agreement")

# %% [markdown]
# ## Continue with the best detector

# %%
res = ad.detect(features, algorithm=comparison.best)
print(res.summary())
res.top(10)

# %% [markdown]
# ## Share the comparison
#
# One self-contained HTML file with the leaderboard and the charts, which opens offline.

# %%
print("Wrote", comparison.to_html(REPORT_FILE))
