# ---
# description: Replay a bundled event file through a stream: micro-batches, live panel, drift, alerts, dead letters.
# title: Streaming anomaly detection
# ---

# %% [markdown]
# # {{ title }}
#
# A fitted model scores events as they arrive. This notebook replays a bundled file of 1,200
# card transactions (JSON lines, one event per line; prices drift up in the last third and
# one line is broken) through `ad.stream`, entirely offline:
#
# 1. fits a model on past transactions and saves it in the model store;
# 2. streams the event file through it in micro-batches, with a live panel;
# 3. checks that the streamed scores are those of `model.score`;
# 4. looks at the dead letter, the drift found along the way, and an alert rule.
#
# The same stream runs from the shell (`jupyter-ad stream`) and on Kafka or Redis Streams by
# changing the source URL.

# %% [markdown]
# ## Parameters
#
# `DATA`: past transactions to fit on (a CSV/Parquet file, or `None` for the bundled ones).
# `TARGET`: their label column, left out of the model. `ALGORITHM`: a detector name.
# `EVENTS`: a JSON-lines event file, or `None` for the bundled one. `MODEL_NAME`: the name in
# the model store. `BATCH_SIZE`: events per micro-batch.

# %% [parameters]
EVENTS = None
MODEL_NAME = "streaming"
BATCH_SIZE = 100

# %% [markdown]
# ## Fit and save the model

# %%
import time

import jupyter_ad as ad
from jupyter_ad.data.readers import read_file
from jupyter_ad.notebooks.templates import template_dir

history = ad.datasets.load_transactions(n_rows=3000) if DATA is None else read_file(DATA)
if TARGET is not None and TARGET in history.columns:
    history = history.drop(columns=[TARGET])
model = ad.fit(history, algorithm="iforest" if ALGORITHM == "auto" else ALGORITHM)
ref = model.save(MODEL_NAME)
events_file = template_dir() / "streaming-events.jsonl" if EVENTS is None else EVENTS
print(f"Saved {ref}; replaying {events_file}")

# %% [markdown]
# ## Stream the events
#
# `ad.stream(source, model, sink)` starts a background thread: the notebook stays free while
# it runs. The source is a URL (`jsonl:PATH` here; `kafka://...` or `redis://...` in
# production); with no sink the scored events are kept in memory. Poison events go to the
# dead-letter list with the reason. The panel shows events per second, latency, the anomaly
# rate, the latest anomalies (click one for its explanation), drift and alerts.

# %%
from jupyter_ad.stream.alerts import AlertManager, FunctionChannel, Rule

dead_letters = []
alerts = []
manager = AlertManager(
    [Rule("confident anomaly", on="anomaly", min_confidence=0.99, max_per_minute=5),
     Rule("drift", on="drift")],
    {"notebook": FunctionChannel(alerts.append)})
stream = ad.stream(f"jsonl:{events_file}", str(ref), batch_size=BATCH_SIZE,
                   dead_letter=dead_letters, alerts=manager, drift_every=200, buffer_size=300)
stream.panel()

# %%
stats = stream.join(120)
time.sleep(0.5)  # let the alert thread deliver
print(f"{stats['status']}: {stats['scored']:,} events scored, {stats['anomalies']} anomalies, "
      f"{stats['poison']} dead-lettered, latency p99 {stats['latency_ms_p99']} ms")

# %% [markdown]
# ## The scored events
#
# Each event keeps its fields and gains `event_id` (its line number), `score`, `label`,
# `confidence`, `model_version`, `event_time` and `processing_time`. The streamed scores are
# exactly those of `model.score` on the same rows.

# %%
scored = stream.results()
again = model.score(scored[history.columns.intersection(scored.columns)])
assert (scored["score"].to_numpy() == again.scores).all()
scored.sort_values("score", ascending=False).head(10)[
    ["event_id", "timestamp", "amount", "merchant", "distance_km", "score", "confidence"]]

# %% [markdown]
# ## Dead letters, drift and alerts

# %%
for letter in dead_letters:
    print(f"line {letter['event_id']}: {letter['reason']}")
for kind, sentence in stream.events:
    print(f"{kind}: {sentence}")
for alert in alerts[:8]:
    print(f"ALERT {alert['rule']}: {alert['message']}")

# %% [markdown]
# The last window against the training data, feature by feature (Kolmogorov-Smirnov for
# numbers, chi-square for categories, Benjamini-Hochberg corrected):

# %%
report = ad.drift(history, scored.iloc[-300:], model=model)
print(report.sentence())
report.to_frame()[["feature", "test", "p_adjusted", "psi", "drifted", "detail"]]

# %% [markdown]
# ## From the shell
#
# The same stream as a Unix filter, or on a broker:
#
# ```bash
# cat events.jsonl | jupyter-ad stream --model streaming --source - --sink - > scored.jsonl
# jupyter-ad stream --model streaming --source "redis://127.0.0.1:6379/0/payments?group=ad" \
#     --sink "redis://127.0.0.1:6379/0/scored" --dead-letter jsonl:dead.jsonl
# ```
