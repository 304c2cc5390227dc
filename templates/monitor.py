# ---
# description: Load a saved model, score batches as they arrive, give feedback, and watch anomaly rate, drift and precision over time.
# title: Monitor a model
# ---

# %% [markdown]
# # {{ title }}
#
# A model loaded from the model store records every scoring call: rows, anomaly rate, score
# quantiles, how far each column drifted from the training data, and latency, in a SQLite
# file beside the store. Labels you give back (feedback) turn into precision over time. This
# notebook:
#
# 1. fits a model on training rows and saves it;
# 2. loads it (now it is monitored) and scores a few batches of new rows, the way a daily job
#    would;
# 3. gives feedback on the last batch;
# 4. shows the history: `model.history()`, its chart, and the `%ad_monitor` panel.
#
# Monitoring is on by default; `JUPYTER_AD_MONITORING_ENABLED=false` (or `[monitoring]
# enabled = false` in `jupyter-ad.toml`) turns it off.

# %% [markdown]
# ## Parameters
#
# `DATA`: a CSV/Parquet file, or `None` for the bundled card transactions. `TARGET`: the
# optional label column (kept out of the model; its values are the feedback). `ALGORITHM`:
# a detector name or `"auto"`. `MODEL_NAME`: the name in the model store. `N_BATCHES`: how
# many batches of new rows to score. `DRIFT`: to show what drift looks like, the last batch's
# first numeric column is scaled by `1 + DRIFT` (use `0` on real new data).

# %% [parameters]
MODEL_NAME = "monitor"
N_BATCHES = 3
DRIFT = 1.0

# %% [markdown]
# ## Load and split the data
#
# The first 40% of the rows train the model; the rest are cut into `N_BATCHES` batches of
# "new" rows.

# %%
import numpy as np
import pandas as pd

import altair as alt
import jupyter_ad as ad
from jupyter_ad import charts
from jupyter_ad.data.readers import read_file

charts.enable_offline()  # chart JavaScript comes from vl-convert: no internet needed
alt.renderers.enable("jupyter", offline=True)  # draw the charts as notebook widgets

df = ad.datasets.load_transactions() if DATA is None else read_file(DATA)
if TARGET is not None and TARGET not in df.columns:
    raise KeyError(f"TARGET column {TARGET!r} is not in the data; columns: {list(df.columns)}")
labels = df[TARGET] if TARGET is not None else None
features = df.drop(columns=[TARGET]) if TARGET is not None else df
cut = int(len(features) * 0.4)
train = features.iloc[:cut]
batches = [features.iloc[i] for i in np.array_split(np.arange(cut, len(features)), N_BATCHES)]
print(f"{len(train):,} training rows; {N_BATCHES} batches of about {len(batches[0]):,} rows")

# %% [markdown]
# ## Fit and save
#
# A model saved in the store is a signed, numbered version; each version has its own
# monitoring records.

# %%
ref = ad.fit(train, algorithm=ALGORITHM).save(MODEL_NAME)
print(f"Saved {ref}")

# %% [markdown]
# ## Load and score the batches
#
# `ad.load` gives back a monitored model (`model.monitor`). Every `model.score(...)` below
# appends one record; `score_one` rows are gathered into one record per 1,000 rows, and
# `model.score_file(...)` makes one record per file.

# %%
model = ad.load(MODEL_NAME)
print(model.monitor)
numeric = [c for c in train.columns if pd.api.types.is_float_dtype(train[c])][:1]
for i, batch in enumerate(batches):
    if i == len(batches) - 1 and numeric and DRIFT:
        batch = batch.assign(**{numeric[0]: batch[numeric[0]] * (1 + DRIFT)})
        print(f"(batch {i + 1}: {numeric[0]!r} scaled by {1 + DRIFT:g} to show drift)")
    res = model.score(batch)
    print(f"batch {i + 1}:", res.summary().splitlines()[0])

# %% [markdown]
# ## Give feedback
#
# Mark rows of a result as true anomalies (1) or normal (0), in the detection panel or in
# code (`res.feedback[row] = 1`); `model.history()` stores the marks and joins them to the
# record of that scoring call. Here the label column plays the reviewer, on the last batch.

# %%
if labels is not None:
    truth = pd.to_numeric(labels.loc[res.data.index], errors="coerce")
    stored = ad.monitoring.feedback(res, truth.to_dict())
    print(f"Feedback on {stored:,} rows of the last batch")
else:
    res.feedback.update({row: 1 for row in res.top(5).index})  # pretend the top 5 are right
    print("No label column: marked the 5 highest-scoring rows of the last batch as anomalies")

# %% [markdown]
# ## The history
#
# One row per record: when, which version, how many rows, the anomaly rate, score quantiles,
# the largest drift (KS distance, 0-1) and the column behind it, latency, and precision
# figures where feedback exists. `history.drift_table()` gives the drift of every column.

# %%
history = model.history()
history.drop(columns="drift_columns")

# %%
history.drift_table().sort_values("ks", ascending=False).head(10)

# %% [markdown]
# ## Over time
#
# Anomaly rate, drift and precision per record; colours are model versions and a dashed line
# marks where each version took over. The same chart lives in the `%ad_monitor` panel, which
# can re-read the records (Refresh) while a job keeps scoring.

# %%
history.plot()

# %% [markdown]
# The panel (`%ad_monitor NAME` after `%load_ext jupyter_ad` shows the same):

# %%
from jupyter_ad.widgets import MonitorPanel

MonitorPanel(MODEL_NAME)

# %% [markdown]
# ## The same from the shell (a scheduled job)
#
# ```bash
# jupyter-ad score day.parquet --model my-model -o scored.parquet   # one record per file
# jupyter-ad feedback my-model labelled.parquet --labels is_fraud    # true labels
# jupyter-ad monitor my-model --max-drift 0.3 --max-anomaly-rate 0.05 || alert   # exit 3
# ```
