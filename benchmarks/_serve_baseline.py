"""The baseline of benchmarks/serve.py: a plain FastAPI endpoint calling scikit-learn's
single-row path (``IsolationForest.score_samples`` on a one-row DataFrame), as one writes it
without tuning. Run: ``python _serve_baseline.py DATA.parquet PORT``.
"""

from __future__ import annotations

import sys

import pandas as pd
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sklearn.ensemble import IsolationForest

train = pd.read_parquet(sys.argv[1])
model = IsolationForest(random_state=0).fit(train)
app = FastAPI()


class ScoreRequest(BaseModel):
    """Rows to score."""

    rows: list[dict[str, float]]


@app.post("/score")
def score(request: ScoreRequest) -> dict[str, list[float]]:
    """Anomaly scores of the rows (higher = more anomalous)."""
    frame = pd.DataFrame(request.rows, columns=train.columns)
    return {"scores": (-model.score_samples(frame)).tolist()}


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning",
                access_log=False)
