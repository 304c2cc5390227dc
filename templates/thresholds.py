# ---
# description: Choose how many rows to flag: automatic fence, contamination, top-k, an explicit score, res.threshold.
# title: Choosing the anomaly threshold
# ---

# %% [markdown]
# # {{ title }}
#
# A detector gives every row a score (higher = more anomalous); the **threshold** decides
# which scores count as anomalies (label 1). The scores do not depend on the threshold, so
# you can change it freely, even after detection, without re-fitting.
#
# Four ways to set it:
#
# | how | argument | when |
# |---|---|---|
# | automatic (default) | `contamination="auto"` | no idea how many anomalies to expect |
# | expected share | `contamination=0.02` | you know roughly what fraction is anomalous |
# | fixed number | `top_k=20` | you can review exactly k rows |
# | explicit score | `threshold=0.8` or `res.threshold = 0.8` | a score you trust from before |
#
# `contamination=` also takes the name of a method that reads the threshold off the scores:
# `"mad"`, `"zscore"`, `"otsu"` or `"gesd"` (see the side-by-side table at the end).

# %% [markdown]
# ## Parameters
#
# `DATA`: a CSV/Parquet file, or `None` for the bundled card transactions. `TARGET`: the
# optional label column, used to measure precision and recall at each threshold.
# `ALGORITHM`: a detector name or `"auto"`. `CONTAMINATION` and `TOP_K` are the examples
# used below.

# %% [parameters]
CONTAMINATION = 0.02  # expected share of anomalies, in (0, 0.5]
TOP_K = 20  # number of rows to flag

# %% [markdown]
# ## Load the data

# %%
import pandas as pd

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
print(f"{len(df):,} rows")

# %% [markdown]
# ## The automatic threshold
#
# By default the threshold is Tukey's fence on the scores (upper quartile + 1.5 x the
# interquartile range): rows that score far above the bulk are flagged, however many they
# are, possibly none.

# %%
res = ad.detect(features, algorithm=ALGORITHM)
print(res.summary())
res.plot("histogram")

# %% [markdown]
# ## An expected share: `contamination=`
#
# Flags the highest-scoring `CONTAMINATION` share of the rows the model was fitted on.

# %%
by_share = ad.detect(features, algorithm=ALGORITHM, contamination=CONTAMINATION)
print(by_share.summary().splitlines()[0])

# %% [markdown]
# ## A fixed number of rows: `top_k=`
#
# Flags exactly the `TOP_K` highest-scoring rows: handy when someone reviews them by hand.

# %%
by_count = ad.detect(features, algorithm=ALGORITHM, top_k=TOP_K)
print(by_count.summary().splitlines()[0])
by_count.top(TOP_K)[["score", "label", "confidence", "rank"]].head()

# %% [markdown]
# ## An explicit score: `threshold=` or `res.threshold = ...`
#
# Assigning `res.threshold` relabels the rows of an existing result at once; labels,
# confidence, summary and charts follow.

# %%
res.threshold = float(pd.Series(res.scores).quantile(0.95))
print(res.summary().splitlines()[0])
res.plot("histogram")

# %% [markdown]
# ## Side by side
#
# How many rows each rule flags, and, with a label column, how many of them are labelled
# anomalies (precision) and how many labelled anomalies they catch (recall).

# %%
def evaluate(name, result):
    row = {"rule": name, "threshold": result.threshold, "flagged": result.n_anomalies}
    if labels is not None:
        y = pd.to_numeric(labels, errors="coerce").fillna(0).to_numpy() == 1
        hit = int((y & (result.labels == 1)).sum())
        row["precision"] = hit / max(result.n_anomalies, 1)
        row["recall"] = hit / max(int(y.sum()), 1)
    return row


rows = [evaluate(f"contamination={method!r}",
                 ad.detect(features, algorithm=ALGORITHM, contamination=method))
        for method in ["auto", "mad", "zscore", "otsu", "gesd"]]
rows += [
    evaluate(f"contamination={CONTAMINATION}", by_share),
    evaluate(f"top_k={TOP_K}", by_count),
    evaluate("res.threshold = 95th percentile", res),
]
pd.DataFrame(rows).round(3)

# %% [markdown]
# ## Saved models keep their threshold
#
# A model fitted with `ad.fit(..., contamination=...)` stores its threshold; scoring new rows
# with it applies the same one. The shell equivalents:
#
# ```bash
# jupyter-ad detect data.csv --contamination 0.02
# jupyter-ad detect data.csv --top-k 20
# jupyter-ad detect data.csv --threshold 0.8
# ```
