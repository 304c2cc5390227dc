#!/usr/bin/env bash
# A scheduled batch job: score yesterday's file with the production model, then check the
# monitoring record it left. Exit status: 0 fine, 1 data/model error, 2 usage error,
# 3 a monitoring limit was crossed (alert), as `jupyter-ad` returns them.
#
#   crontab -e
#   15 2 * * *  MODEL=fraud INBOX=/data/in OUTBOX=/data/out /opt/jobs/score_daily.sh >> /var/log/score.log 2>&1
#
# Environment: MODEL (store name, name@version or name@alias), INBOX/OUTBOX folders, DAY
# (default: yesterday), JUPYTER_AD_HOME (the model store), limits MAX_DRIFT, MAX_RATE.
set -uo pipefail

MODEL=${MODEL:?set MODEL, e.g. fraud@production}
DAY=${DAY:-$(date -d yesterday +%F)}
IN="${INBOX:?set INBOX}/transactions-$DAY.parquet"
OUT="${OUTBOX:?set OUTBOX}/scored-$DAY.parquet"
JAD=${JUPYTER_AD:-jupyter-ad}

"$JAD" --quiet score "$IN" --model "$MODEL" -o "$OUT"   # one monitoring record per file
status=$?
if [ "$status" -ne 0 ]; then
  echo "score_daily: scoring $IN failed (exit $status)" >&2
  exit "$status"
fi
"$JAD" monitor "${MODEL%@*}" --last 1 \
  --max-drift "${MAX_DRIFT:-0.3}" --max-anomaly-rate "${MAX_RATE:-0.05}"
status=$?
if [ "$status" -eq 3 ]; then
  echo "score_daily: monitoring alert for $MODEL on $DAY (see above)" >&2
fi
exit "$status"
