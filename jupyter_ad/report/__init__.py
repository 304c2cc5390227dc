"""One-file HTML reports that open offline, with interactive charts.

::

    import jupyter_ad as ad
    res = ad.detect(ad.datasets.load_transactions(), exclude=["is_anomaly"])
    res.to_html("report.html")
    ad.compare(df, labels="is_anomaly").to_html("comparison.html")

From the shell: ``jupyter-ad report data.csv -o report.html``.

Each report is a single HTML file: the summary, the charts (Vega-Lite specifications drawn by
the Vega JavaScript embedded in the file), the top rows and their explanations. It loads
nothing from the network, so it can be mailed, archived, or opened on an offline machine.
Importing this package does not import Altair; writing a report does.
"""

from __future__ import annotations

from jupyter_ad.report.comparison import render_comparison_html, write_comparison_html
from jupyter_ad.report.detection import render_html, write_html

__all__ = ["render_comparison_html", "render_html", "write_comparison_html", "write_html"]
