# ---
# description: Fit a model on reference rows, save it in the model store, load it and score new rows.
# title: Train, save and score
# ---

# %% [markdown]
# # {{ title }}
#
# In production you fit once, on rows you consider normal enough, and score new rows as they
# arrive. This notebook:
#
# 1. splits the data into *training* rows and *new* rows;
# 2. fits a model (`ad.fit`): preprocessing, detector and threshold, learnt together;
# 3. saves it in the model store as a new version (`model.save`);
# 4. loads it back, verified (`ad.load`), and scores the new rows (`model.score`);
# 5. writes the scored rows to a file.
#
# A saved model never re-fits on the rows it scores: a row gets the same score alone or in a
# batch, today or next month.

# %% [markdown]
# ## Parameters
#
# `DATA`: a CSV/Parquet file, or `None` for the bundled card transactions. `TARGET`: the
# optional label column, kept out of the model and used to evaluate. `ALGORITHM`: a detector
# name or `"auto"`. `MODEL_NAME`: the name in the model store. `TRAIN_SHARE`: the share of
# rows (the first ones) used for training. `OUTPUT_FILE`: where the scored rows go.

# %% [parameters]
MODEL_NAME = "train-save-score"
TRAIN_SHARE = 0.75
OUTPUT_FILE = "scored.csv"

# %% [markdown]
# ## Load and split the data
#
# The first `TRAIN_SHARE` of the rows train the model; the rest play the new rows. With a
# time column you would rather split on time.

# %%
import pandas as pd

import jupyter_ad as ad
from jupyter_ad.data.readers import read_file

df = ad.datasets.load_transactions() if DATA is None else read_file(DATA)
if TARGET is not None and TARGET not in df.columns:
    raise KeyError(f"TARGET column {TARGET!r} is not in the data; columns: {list(df.columns)}")
labels = df[TARGET] if TARGET is not None else None
features = df.drop(columns=[TARGET]) if TARGET is not None else df
cut = int(len(features) * TRAIN_SHARE)
train, new = features.iloc[:cut], features.iloc[cut:]
print(f"{len(train):,} training rows, {len(new):,} new rows")

# %% [markdown]
# ## Fit
#
# `ad.fit` takes the same options as `ad.detect` (`contamination=`, `top_k=`, `threshold=`,
# `features=`, `exclude=`, `params=`, `preprocessing=`). The model records what it learnt:
# its columns and their types, the threshold, and training statistics.

# %%
model = ad.fit(train, algorithm=ALGORITHM)
print(model)
print("Features:", ", ".join(model.feature_names))
print("Threshold:", round(model.threshold_, 4))

# %% [markdown]
# ## Save
#
# `model.save(name)` writes a new version atomically into the model store: the folder in
# `$JUPYTER_AD_HOME`, else your user data folder (`model.save(name, root=...)` for another).
# Each version is signed, so a file altered since is refused when loaded.

# %%
ref = model.save(MODEL_NAME)
print(f"Saved {ref} in {ref.path}")
ad.models()

# %% [markdown]
# ## Load and score new rows
#
# `ad.load("name")` loads the latest version, `ad.load("name@2")` a given one. New rows must
# have the training columns (in any order); extra columns are refused unless you pass
# `extra_columns="ignore"`.

# %%
loaded = ad.load(str(ref))
scored = loaded.score(new)
print(scored.summary())
scored.top(10)

# %% [markdown]
# ## Evaluate (with a label column)

# %%
if labels is None:
    print("No label column (TARGET is None): nothing to evaluate against.")
else:
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = pd.to_numeric(labels.iloc[cut:], errors="coerce")
    if y.isin([0, 1]).all() and y.nunique() == 2:
        print(f"On the new rows: ROC-AUC {roc_auc_score(y, scored.scores):.3f}, "
              f"average precision {average_precision_score(y, scored.scores):.3f}")
    else:
        print("The label column is not 0/1 on the new rows: skipping ROC-AUC.")

# %% [markdown]
# ## Write the scored rows
#
# Every new row with its `score`, `label`, `confidence` and `rank` (CSV, Parquet or
# JSON-lines, from the file suffix).

# %%
from jupyter_ad.io.output import write_table

print("Wrote", write_table(scored.to_frame(), OUTPUT_FILE))

# %% [markdown]
# ## The same from the shell
#
# ```bash
# jupyter-ad train train.csv --name my-model        # fit and save (prints the version)
# jupyter-ad models                                  # what is in the store
# jupyter-ad score new.csv --model my-model@1 -o scored.csv
# ```
