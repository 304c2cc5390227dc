"""Real-time alerts: rules (anomalies, anomaly rate, drift), channels (webhook, e-mail, log,
function), de-duplication, rate limits and a bounded, non-blocking delivery queue.
"""

from jupyter_ad.stream.alerts.channels import (
    EmailChannel,
    FunctionChannel,
    LogChannel,
    WebhookChannel,
)
from jupyter_ad.stream.alerts.config import load_alerts, parse_alerts
from jupyter_ad.stream.alerts.rules import AlertManager, Rule

__all__ = ["AlertManager", "EmailChannel", "FunctionChannel", "LogChannel", "Rule",
           "WebhookChannel", "load_alerts", "parse_alerts"]
