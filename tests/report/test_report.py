"""The one-file HTML reports: content, escaping, no network, atomic writes, the CLI command."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import jupyter_ad as ad
from jupyter_ad.cli import report_cmd
from jupyter_ad.cli._base import CliParser as _Parser
from jupyter_ad.cli.progress import Progress
from jupyter_ad.errors import ParameterError
from jupyter_ad.report import write_comparison_html, write_html

HOSTILE = "</script><script>alert('x')</script>"
_SPEC = re.compile(r"<script type='application/json' data-chart='([^']+)'>(.*?)</script>", re.S)


def specs(text: str) -> list[dict]:
    return [json.loads(body) for _, body in _SPEC.findall(text)]


def assert_offline(text: str) -> None:
    """No element may load anything: no src/href to a URL, no CSS import, a strict CSP.

    Script bodies are raw text that ends at the first ``</script`` (as an HTML parser reads
    them), so they are blanked first: strings inside the JavaScript are not markup.
    """
    text = re.sub(r"(<script\b[^>]*>).*?</script\s*>", r"\1</script>", text, flags=re.S | re.I)
    assert not re.search(r"<script[^>]*\bsrc\s*=", text, re.I)
    assert not re.search(r"<link\b", text, re.I)
    assert not re.search(r"<(img|iframe|embed|object|source|video|audio)\b[^>]*\b(src|data)\s*=",
                         text, re.I)
    assert not re.search(r"@import|url\(\s*['\"]?https?:", text, re.I)
    assert not re.search(r"\b(src|href)\s*=\s*['\"]?(https?:)?//", text, re.I)
    assert "Content-Security-Policy" in text and "default-src 'none'" in text


@pytest.fixture(scope="module")
def data():
    frame = ad.datasets.load_transactions(n_rows=500, anomaly_rate=0.03)
    frame["merchant"] = frame["merchant"].astype(object)
    frame.loc[frame.index[:3], "merchant"] = HOSTILE  # a hostile category value ...
    frame.loc[frame.index[:3], "amount"] = 50_000.0  # ... in rows at the top of the table
    return frame


@pytest.fixture(scope="module")
def result(data):
    return ad.detect(data, "ecod", exclude=["is_anomaly"], contamination=0.03)


@pytest.fixture(scope="module")
def report(result, tmp_path_factory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    path = write_html(result, folder / "report.html", title=f"Fraud {HOSTILE}", n_top=15,
                      n_explain=3)
    return path, path.read_text(encoding="utf-8")


def test_one_self_contained_file(report):
    path, text = report
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.html"]
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert_offline(text)
    assert "vegaEmbed" in text and len(text) > 500_000  # the Vega JavaScript is inline


def test_summary_table_and_charts_are_there(report, result):
    _, text = report
    for line in result.summary().splitlines():
        assert html.escape(line) in text
    assert "<section id='top'>" in text and "Top 15 rows by score" in text
    for label in result.top(15).index:
        assert f"<td>{label}</td>" in text
    charts = specs(text)
    assert len(charts) == 1 + 3  # the overview, then one contribution chart per explanation
    assert all("vega-lite" in c["$schema"] for c in charts)
    assert text.count("<article class='explanation'>") == 3
    top = result.top(1).index[0]
    assert html.escape(result.explain(top).sentence()) in text


def test_user_strings_are_escaped(report):
    _, text = report
    assert HOSTILE not in text and "<script>alert" not in text
    assert html.escape(f"Fraud {HOSTILE}") in text  # title and heading, escaped
    assert f"<td>{html.escape(HOSTILE)}</td>" in text  # the category value in the table


def test_json_specs_carry_the_raw_values(report):
    _, text = report
    blocks = [body for _, body in _SPEC.findall(text)]
    assert all("<" not in body for body in blocks)
    assert any(HOSTILE in json.dumps(json.loads(b)) for b in blocks)


def test_comparison_report(data, tmp_path):
    with_labels = ad.compare(data, ["ecod", "hbos", "iforest"], labels="is_anomaly")
    path = with_labels.to_html(tmp_path / "cmp", title="Which one?")
    assert path == tmp_path / "cmp.html"
    text = path.read_text(encoding="utf-8")
    assert_offline(text)
    assert len(specs(text)) == 3 and "id='curves'" in text
    assert f"<strong>{with_labels.best}</strong>" in text and "average_precision" in text
    for name in ("ecod", "hbos", "iforest"):
        assert f"<td>{name}</td>" in text
    without = ad.compare(data.drop(columns="is_anomaly"), ["ecod", "hbos"])
    text = write_comparison_html(without, tmp_path / "c2.html").read_text(encoding="utf-8")
    assert len(specs(text)) == 2 and "id='curves'" not in text and "agreement" in text


def test_to_html_method_and_no_explanations(result, tmp_path):
    path = result.to_html(tmp_path / "r.html", n_top=0, n_explain=0)
    text = path.read_text(encoding="utf-8")
    assert len(specs(text)) == 1 and "id='top'" not in text and "id='explanations'" not in text


def test_result_without_anomalies(tmp_path):
    rng = np.random.default_rng(0)
    res = ad.detect(rng.normal(size=(200, 3)), "ecod", threshold=1e9)
    text = write_html(res, tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Found 0 anomalies" in text


@pytest.mark.parametrize("kwargs, message", [
    ({"n_top": -1}, "n_top"), ({"n_explain": 1.5}, "n_explain"), ({"title": 3}, "title"),
])
def test_bad_options(result, tmp_path, kwargs, message):
    with pytest.raises(ParameterError, match=message):
        write_html(result, tmp_path / "r.html", **kwargs)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["r.txt", "missing/r.html"])
def test_bad_paths(result, tmp_path, name):
    with pytest.raises(ParameterError):
        write_html(result, tmp_path / name)


def test_failed_write_keeps_the_old_report(result, tmp_path, monkeypatch):
    path = tmp_path / "r.html"
    path.write_text("old report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_html(result, path, n_explain=0)
    assert path.read_text(encoding="utf-8") == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


# -- jupyter-ad report ---------------------------------------------------------------------------
def run_cli(*argv: str) -> int:
    root = _Parser(prog="jupyter-ad")
    sub = root.add_subparsers(dest="command", parser_class=_Parser)
    report_cmd.add_parser(sub)
    return report_cmd.run(root.parse_args(["report", *argv]), Progress(enabled=False))


def test_report_command(data, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    data.to_csv(tmp_path / "tx.csv", index=False)
    assert run_cli("tx.csv", "--target", "is_anomaly", "-a", "ecod", "-c", "0.05",
                   "--explain", "1", "--title", "CLI") == 0
    out = capsys.readouterr().out
    assert "Found" in out and "Wrote tx-report.html" in out
    text = (tmp_path / "tx-report.html").read_text(encoding="utf-8")
    assert_offline(text)
    assert len(specs(text)) == 2 and "<title>CLI</title>" in text

    assert run_cli("tx.csv", "--compare", "-a", "ecod,hbos", "--target", "is_anomaly",
                   "-o", "cmp.html") == 0
    assert "Best detector:" in capsys.readouterr().out
    assert "id='curves'" in (tmp_path / "cmp.html").read_text(encoding="utf-8")


def test_report_command_unknown_target(data, tmp_path):
    data.to_csv(tmp_path / "tx.csv", index=False)
    with pytest.raises(ParameterError, match="no column named 'nope'"):
        run_cli(str(tmp_path / "tx.csv"), "--target", "nope", "-o", str(tmp_path / "r.html"))


@pytest.mark.slow
def test_report_command_as_a_subprocess(data, tmp_path):
    data.to_csv(tmp_path / "tx.csv", index=False)
    env = {**os.environ, "JUPYTER_AD_HOME": str(tmp_path / "store")}

    def cli(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "jupyter_ad", "report", *argv],
                              cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=300)

    out = cli("tx.csv", "-o", "r.html", "--target", "is_anomaly", "--explain", "1")
    assert out.returncode == 0, out.stderr
    assert_offline((tmp_path / "r.html").read_text(encoding="utf-8"))
    bad = cli("tx.csv", "--target", "nope")
    assert bad.returncode == 2 and "no column named 'nope'" in bad.stderr
    assert cli("missing.csv").returncode == 1


# -- in a real browser, offline ------------------------------------------------------------------
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

_CHART_STATE = """() => Array.from(document.querySelectorAll('.chart')).map(div => ({
    id: div.id,
    drawn: div.querySelectorAll('svg.marks').length,
    marks: div.querySelectorAll('svg.marks .role-mark > *').length,
    text: div.textContent.slice(0, 200)}))"""


@pytest.fixture(scope="module")
def comparison_report(data, tmp_path_factory) -> tuple[Path, str]:
    comparison = ad.compare(data, ["ecod", "hbos", "iforest"], labels="is_anomaly")
    path = comparison.to_html(tmp_path_factory.mktemp("cmp") / "comparison.html")
    return path, path.read_text(encoding="utf-8")


# Collects the page's Content-Security-Policy violations; Playwright runs init scripts outside
# the page's policy, so this listener exists even where the policy forbids every script.
_RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample || ""}`);
});
"""


def open_offline(browser, path: Path, *, shot: str | None = None) -> dict:
    """Open ``path`` in Chromium with the network cut; what it drew, logged and violated."""
    n_charts = len(specs(path.read_text(encoding="utf-8")))
    seen: dict = {"requests": [], "blocked": [], "problems": []}

    def only_local(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            seen["blocked"].append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.add_init_script(_RECORD_VIOLATIONS)
        page.route("**/*", only_local)
        page.on("request", lambda r: seen["requests"].append(r.url))
        page.on("pageerror", lambda e: seen["problems"].append(f"page error: {e}"))
        page.on("console", lambda m: seen["problems"].append(m.text)
                if m.type == "error" else None)
        page.goto(path.as_uri(), wait_until="load")
        if n_charts:
            page.wait_for_function(
                "(n) => document.querySelectorAll('.chart svg.marks').length"
                " + [...document.querySelectorAll('.chart')].filter("
                "d => d.textContent.includes('could not be drawn')).length >= n",
                arg=n_charts, timeout=60_000)
        page.wait_for_load_state("networkidle")
        seen["charts"] = page.evaluate(_CHART_STATE)
        seen["violations"] = page.evaluate("window.__cspViolations")
        seen["csp"] = page.evaluate("document.querySelector("
                                    "'meta[http-equiv=Content-Security-Policy]').content")
        seen["n_charts"] = n_charts
        seen["injected_ran"] = page.evaluate("window.__injected === 1")
        if shot:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / shot), full_page=True)
    finally:
        context.close()
    return seen


def assert_drawn_cleanly(seen: dict, path: Path) -> None:
    assert len(seen["charts"]) == seen["n_charts"]
    for chart in seen["charts"]:
        assert chart["drawn"] == 1 and chart["marks"] > 0, chart
        assert "could not be drawn" not in chart["text"]
    assert seen["violations"] == []
    assert seen["problems"] == []
    assert seen["blocked"] == [] and seen["requests"] == [path.as_uri()]


@pytest.mark.ui
@pytest.mark.parametrize("which", ["report", "comparison_report"])
def test_report_draws_its_charts_offline_in_chromium(which, request, browser):
    """Under the strict policy: scripts by hash only, no eval, base-uri and form-action none."""
    path, _ = request.getfixturevalue(which)
    seen = open_offline(browser, path, shot="report.png" if which == "report"
                        else "comparison-report.png")
    assert_drawn_cleanly(seen, path)
    csp = seen["csp"]
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in csp and "base-uri 'none'" in csp and "form-action 'none'" in csp
    assert csp.count("'sha256-") == 2


@pytest.mark.ui
def test_the_policy_blocks_an_injected_script_and_the_test_sees_it(report, tmp_path, browser):
    """A script that escaping let through would not run, and the violation is reported."""
    _, text = report
    tampered = tmp_path / "tampered.html"
    tampered.write_text(text.replace(
        "</footer>", "</footer><script>window.__injected = 1</script>"
        "<img src='data:,' onerror='window.__injected = 1'>"), encoding="utf-8")
    seen = open_offline(browser, tampered)
    assert seen["injected_ran"] is False
    assert len(seen["violations"]) == 2, seen["violations"]
    assert all(v.startswith("script-src") for v in seen["violations"])
    assert all(c["drawn"] == 1 for c in seen["charts"])  # the page's own scripts still run


@pytest.mark.ui
def test_report_with_hostile_column_names_draws_every_chart(tmp_path, browser):
    """Issue 12 item 7 in the report: quotes, backslashes and newlines in column names."""
    names = ["it's", 'say "hi"', "line\nbreak", "back\\slash", "a.b[0]"]
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(300, len(names))), columns=names)
    frame.iloc[:4, 0] += 9
    path = write_html(ad.detect(frame, "iforest"), tmp_path / "odd.html", n_explain=2)
    seen = open_offline(browser, path)
    assert_drawn_cleanly(seen, path)
    assert seen["n_charts"] == 3
