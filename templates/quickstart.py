# ---
# description: Load data, check it, detect anomalies, look at them, explain one, save the model.
# title: Quickstart: anomaly detection
# ---

# %% [markdown]
# # {{ title }}
#
# This notebook finds the unusual rows of a table in a few steps: load the data, check it,
# detect anomalies, look at the most anomalous rows, explain one of them, and save the model
# to score new rows later. Run it top to bottom (**Run > Run All Cells**).
#
# One convention everywhere: **a higher score means more anomalous; label 1 = anomaly.**

# %% [markdown]
# ## Parameters
#
# Everything you may want to change is in the next cell. `DATA` is a CSV or Parquet file
# (`None` uses a bundled table of card transactions with planted anomalies). `TARGET` is an
# optional label column (1 = anomaly): it is kept out of the detection and only used at the
# end to measure how well the anomalies were found. `ALGORITHM` is a detector name or
# `"auto"`, which picks one from the size of the data.

# %% [parameters]
MODEL_NAME = "quickstart"  # name of the saved model in the model store

# %% [markdown]
# ## Load the data
#
# `jupyter_ad` reads CSV/TSV, Parquet and JSON-lines files. The label column, if any, is set
# aside: the detector never sees it.

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
print(f"{len(df):,} rows, {features.shape[1]} feature columns")
df.head()

# %% [markdown]
# ## Check the data
#
# `ad.check_data` looks for what hurts anomaly detection: missing values, constant or ID-like
# columns, mixed types, duplicates. Its issues are advice; detection handles most of them
# (ID-like and constant columns are dropped, missing values imputed).

# %%
quality = ad.check_data(features)
quality

# %% [markdown]
# ## Detect anomalies
#
# One call. The summary says how many rows were flagged, how sure the detector is, and which
# columns drive the anomalies.

# %%
res = ad.detect(features, algorithm=ALGORITHM)
print(res.summary())

# %% [markdown]
# ## The most anomalous rows
#
# `res.top(n)` gives the `n` highest-scoring rows with their `score`, `label` (1 = anomaly),
# `confidence` in that label (0 to 1) and `rank` (1 = most anomalous).

# %%
res.top(10)

# %% [markdown]
# ## Look at the scores
#
# The histogram shows where the threshold (the dashed rule) cuts the score distribution, the
# bars above it in red. The scatter places the rows in two dimensions (the two columns that
# drive most anomalies, or a projection of all of them) and colours them by score; rows above
# the threshold are drawn as triangles.

# %%
res.plot()

# %% [markdown]
# ## Why is this row anomalous?
#
# `res.explain(row)` tells which columns push a row's score up, compared with normal rows, in
# one sentence and as a table of contributions.

# %%
top_row = res.top(1).index[0]
explanation = res.explain(top_row)
print(f"Row {top_row!r}: {explanation.sentence()}")
explanation.to_frame().head(5)

# %%
explanation.plot()

# %% [markdown]
# ## Explore the result in the panel
#
# The same result, interactive: move the slider (how many rows to flag), click a row to see
# why it scores high, mark rows as true anomalies or normal (kept in `res.feedback`, used by
# `res.tune_threshold()` and `res.learn()`), and copy the code that reproduces what you see.
# Python holds the state: `res.threshold` follows the slider.

# %%
from jupyter_ad.widgets import DetectionPanel

DetectionPanel(res, data_name="features")

# %% [markdown]
# ## The same in one line, with the magics
#
# `%load_ext jupyter_ad` adds `%detect` (detection and the panel above in one line),
# `%%detect` (options one per line), `%ad_compare` (several detectors side by side, a panel to
# open each) and `%ad_explain`. Here `--no-panel` prints the summary instead of a second panel;
# the magic uses the default detector unless you pass `-a NAME`.

# %%
# %load_ext jupyter_ad

# %%
# %detect features -o res_magic --no-panel

# %% [markdown]
# ## How good is it?
#
# Only with a label column: how well do the scores separate the labelled anomalies?

# %%
if labels is None:
    print("No label column (TARGET is None): nothing to evaluate against.")
else:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = pd.to_numeric(labels, errors="coerce")
    if y.isin([0, 1]).all() and y.nunique() == 2:
        print(f"ROC-AUC {roc_auc_score(y, res.scores):.3f}, "
              f"average precision {average_precision_score(y, res.scores):.3f}")
    display(pd.crosstab(labels.rename("your label"), pd.Series(res.labels, index=df.index,
                                                                name="flagged")))

# %% [markdown]
# ## Save the model, load it, score new rows
#
# The fitted model (preprocessing + detector + threshold) goes into the model store as a new
# version of `MODEL_NAME`. Loading it back scores new rows without re-fitting: a row gets the
# same score alone or in a batch.

# %%
ref = res.model.save(MODEL_NAME)
print(f"Saved {ref} in {ref.path}")
model = ad.load(str(ref))
new_rows = features.sample(100, random_state=0)
scored = model.score(new_rows)
print(scored.summary().splitlines()[0])
scored.top(5)

# %% [markdown]
# ## Next
#
# - `jupyter-ad new tutorial -o tutorial.ipynb`: the full tour (thresholds, comparison,
#   explanations, the model store, the command line).
# - `res.to_html("report.html")`: a one-file report to share, charts included.
# - From the shell: `jupyter-ad score new.csv --model quickstart -o scored.csv`.
