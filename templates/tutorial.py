# ---
# description: The full tour: data checks, detection, thresholds, comparison, explanations, models, magics, CLI.
# title: jupyter-ad tutorial
# ---

# %% [markdown]
# # {{ title }}
#
# A tour of everything `jupyter_ad` does, in the order you would use it on a new table:
#
# 1. load the data and check its quality;
# 2. detect anomalies and read the result (summary, top rows, confidence, drivers, charts);
# 3. choose the threshold (contamination, top-k, an explicit score);
# 4. compare detectors and pick one;
# 5. explain single rows and the anomalies overall;
# 6. fit a model once, save it, load it and score new rows later;
# 7. share an HTML report; the magics; the command line.
#
# Convention: **a higher score means more anomalous; label 1 = anomaly.**

# %% [markdown]
# ## Parameters
#
# `DATA` is a CSV/Parquet file, or `None` for the bundled card transactions. `TARGET` is an
# optional label column (1 = anomaly), kept out of the features and used to evaluate.
# `ALGORITHM` is a detector name or `"auto"`.

# %% [parameters]
MODEL_NAME = "tutorial"  # name of the saved model in the model store
REPORT_FILE = "tutorial-report.html"  # the HTML report written in section 7

# %% [markdown]
# ## 1. Load and check the data

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
df.head()

# %% [markdown]
# `ad.check_data` reports, per column, its kind, missing values, distinct values and
# outlying values, plus duplicate rows, with plain-English issues. `quality.ok` is True when
# there is nothing to worry about.

# %%
quality = ad.check_data(features)
print("ok:", quality.ok)
for issue in quality.issues:
    print("-", issue)
quality.to_frame()

# %% [markdown]
# ## 2. Detect anomalies
#
# `ad.detect` preprocesses the columns (scaling, imputation, one-hot categories, dropping
# constant and ID-like columns), fits the detector and sets a threshold. With
# `algorithm="auto"` it picks a detector from the shape of the data and says why.

# %%
res = ad.detect(features, algorithm=ALGORITHM)
print(res.summary())
print()
print("Detector:", res.algorithm, "|", res.model.auto_reason_ or "chosen by you")

# %% [markdown]
# Every detector that `algorithm=` accepts, with what it is good at:

# %%
ad.list_detectors()[["family", "large_data", "high_dimensional", "description"]]

# %% [markdown]
# The result holds a score, label, confidence and rank for every row. `to_frame()` adds them
# to the input; `top(n)` keeps the `n` most anomalous rows; `drivers()` names the column that
# deviates most for each anomaly.

# %%
res.top(10)

# %%
res.drivers().head(10)

# %% [markdown]
# Charts: the score histogram with the threshold, and the scores row by row.

# %%
res.plot()

# %% [markdown]
# ## 3. Thresholds
#
# By default the threshold comes from the scores themselves (Tukey's fence: no fixed share of
# anomalies). Three other ways: the expected share (`contamination=`), a fixed number of rows
# (`top_k=`), or a score (`threshold=`). Assigning `res.threshold` relabels the rows in place,
# without re-fitting.

# %%
by_share = ad.detect(features, algorithm=ALGORITHM, contamination=0.02)
by_count = ad.detect(features, algorithm=ALGORITHM, top_k=25)
print(by_share.summary().splitlines()[0])
print(by_count.summary().splitlines()[0])

# %%
res.threshold = float(pd.Series(res.scores).quantile(0.99))
print(res.summary().splitlines()[0])

# %% [markdown]
# ## 4. Compare detectors
#
# `ad.compare` runs several detectors on the same rows. With labels it ranks them by
# average precision (also ROC-AUC, F1, precision@k); without, by how much they agree with
# each other and how stable they are. Timings and peak memory are always measured.

# %%
comparison = ad.compare(features, "fast", labels=labels)
print(f"Best: {comparison.best} (by {comparison.metric})")
comparison.to_frame()

# %%
comparison.plot("leaderboard")

# %% [markdown]
# ## 5. Explanations
#
# `res.explain(row)` compares a row with normal rows and measures how much each column adds
# to its score (LIME). `sentence()` says it in words, `to_frame()` gives the numbers.

# %%
top_row = res.top(1).index[0]
explanation = res.explain(top_row)
print(f"Row {top_row!r}: {explanation.sentence()}")
explanation.to_frame().head(5)

# %%
explanation.plot()

# %% [markdown]
# Which columns drive the anomalies overall (mean absolute contribution over the top ones):

# %%
res.feature_importance()

# %% [markdown]
# ## 6. Fit once, save, load, score later
#
# `ad.fit` learns what is normal from training rows; `model.save(name)` stores it as a new
# version in the model store (the folder in `$JUPYTER_AD_HOME`, else your user data folder);
# `ad.load("name@version")` brings it back, verified; `model.score(rows)` scores new rows.

# %%
train = features.iloc[: len(features) * 3 // 4]
new = features.iloc[len(features) * 3 // 4 :]
model = ad.fit(train, algorithm=ALGORITHM)
ref = model.save(MODEL_NAME)
print("Saved", ref)
ad.models()

# %%
loaded = ad.load(str(ref))
scored = loaded.score(new)
print(scored.summary())
scored.top(5)

# %% [markdown]
# ## 7. Share, magics, command line
#
# `res.to_html(path)` writes one self-contained HTML file (summary, charts, top rows and
# their explanations) that opens offline in any browser.

# %%
path = res.to_html(REPORT_FILE, title=TITLE)
print("Wrote", path)

# %% [markdown]
# The magics do the same from one line: `%detect DF` (with `-a`, `-c`, `--top-k`, `-o NAME`,
# `--labels COL`, `--no-panel`), `%ad_compare DF`, `%ad_explain RES ROW`. Without
# `--no-panel`, `%detect` shows an interactive panel.

# %%
# %load_ext jupyter_ad

# %%
# %detect features --top-k 20 -o res_magic --no-panel

# %% [markdown]
# The same from the shell (`jupyter-ad --help` for all options):
#
# ```bash
# jupyter-ad check data.csv                                   # data-quality report
# jupyter-ad detect data.csv -o scored.parquet --top-k 20     # score and label every row
# jupyter-ad train data.csv --name fraud                      # fit and save a model
# jupyter-ad score new.csv --model fraud@1 -o new-scored.csv  # score with a saved model
# jupyter-ad report data.csv -o report.html                   # the HTML report
# jupyter-ad new quickstart -o quickstart.ipynb               # a notebook like this one
# ```
