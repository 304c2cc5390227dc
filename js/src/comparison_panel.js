// Front end of jupyter_ad.widgets.ComparisonView (inside ComparisonPanel).
//
// Draws the leaderboard (sortable by any column; a row is a detector: click it or press
// Enter on it to open that detector's detection panel below, which Python does) and the
// charts: metric bars (a click on a bar also selects), the agreement heatmap and, with labels,
// ROC and precision-recall curves. Writes back only "selected" (a detector name).

import { h, keyRouter, plainKey, sortHeader } from "./dom.js";
import { formatValue } from "./format.js";
import { sortRows } from "./table.js";
import { chartSet } from "./chart_set.js";

function render({ model, el, host }) {
  el.classList.add("jad-panel", "jad-comparison");
  const state = { sortKey: null, sortAscending: false };
  const charts = chartSet(model, host);
  const title = h("div", { class: "jad-title", role: "heading", "aria-level": "3" });
  const note = h("div", { class: "jad-notes" });
  const status = h("div", { class: "jad-status", role: "status" });
  const error = h("div", { class: "jad-error", role: "alert" });
  const table = h("table", { class: "jad-table jad-leaderboard" });
  const tableBox = h("div", { class: "jad-table-box" }, [
    h("div", { class: "jad-table-note",
               text: "Click a detector (or press Enter on it) to open its detection panel." }),
    table]);
  const bars = h("div", { class: "jad-chart jad-bars", role: "img",
                          "aria-label": "Metric by detector" });
  const agreement = h("div", { class: "jad-chart jad-agreement", role: "img",
                               "aria-label": "Rank agreement between detectors" });
  const curves = h("div", { class: "jad-chart jad-curves", role: "img",
                            "aria-label": "ROC and precision-recall curves" });
  const root = h("div", { class: "jad-root", role: "region",
                          "aria-label": "Detector comparison panel" }, [
    title, note, status, error, tableBox, h("div", { class: "jad-charts" }, [bars, agreement]),
    curves,
  ]);
  el.appendChild(root);
  const keys = keyRouter(root);
  keys.on((t) => t instanceof Element && t.matches("tr.jad-row"), (event) => {
    if (!plainKey(event, ["Enter", " ", "ArrowDown", "ArrowUp"])) return false;
    event.preventDefault();
    const tr = event.target;
    if (event.key === "Enter" || event.key === " ") select(tr.dataset.detector);
    else {
      const next = event.key === "ArrowDown" ? tr.nextElementSibling : tr.previousElementSibling;
      if (next) {
        tr.tabIndex = -1;
        next.tabIndex = 0;
        next.focus();
      }
    }
    return true;
  });
  keys.on((t) => t instanceof Element && t.matches("button"),
          (event) => plainKey(event, ["Enter", " "]));

  const select = (name) => {
    model.set("selected", model.get("selected") === name ? "" : name);
    model.save_changes();
  };

  const drawHeader = () => {
    title.textContent = model.get("title");
    note.textContent = model.get("note");
    note.hidden = !model.get("note");
    status.textContent = model.get("status");
    error.textContent = model.get("error");
  };

  const drawTable = () => {
    const columns = model.get("columns") || [];
    const selected = model.get("selected");
    const hadFocus = table.contains(document.activeElement);
    const rows = sortRows(model.get("rows") || [], state.sortKey, state.sortAscending);
    const head = h("tr", {}, columns.map((col) =>
      sortHeader(col, state, drawTable, (key) => key === "detector")));
    const body = rows.map((r, i) => {
      const tr = h("tr", {
        class: "jad-row jad-leaderboard-row", "data-detector": r.detector,
        tabindex: (selected ? r.detector === selected : i === 0) ? "0" : "-1",
        "aria-selected": r.detector === selected ? "true" : "false",
        onclick: () => select(r.detector),
      }, columns.map((col) => h("td", {
        class: col.key === "detector" ? "jad-detector" : "jad-num",
        text: formatValue(r[col.key], col.format),
      })));
      return tr;
    });
    table.replaceChildren(
      h("caption", { class: "jad-sr-only", text: "Leaderboard of the detectors" }),
      h("thead", {}, head), h("tbody", {}, body));
    if (hadFocus) {
      const again = table.querySelector(`tr[data-detector="${CSS.escape(selected || "")}"]`)
        || table.querySelector("tr.jad-row");
      if (again) again.focus();
    }
  };

  async function drawChart(name, target, spec) {
    const view = await charts.draw(name, target, spec);
    if (view && name === "bars") {
      view.addEventListener("click", (_event, item) => {
        const datum = item && item.datum;
        if (datum && typeof datum.detector === "string") select(datum.detector);
      });
    }
  }

  const drawCharts = () => {
    drawChart("bars", bars, model.get("bars_spec"));
    drawChart("agreement", agreement, model.get("agreement_spec"));
    drawChart("curves", curves, model.get("curves_spec"));
  };

  const themeObserver = new MutationObserver(drawCharts);
  themeObserver.observe(document.body, { attributes: true,
                                         attributeFilter: ["data-jp-theme-light"] });
  const handlers = [
    ["change:title change:note change:status change:error", drawHeader],
    ["change:rows change:columns change:selected", drawTable],
    ["change:bars_spec change:agreement_spec change:curves_spec change:runtime", drawCharts],
  ];
  for (const [events, fn] of handlers) for (const ev of events.split(" ")) model.on(ev, fn);
  drawHeader(); drawTable(); drawCharts();

  return () => {
    keys.dispose();
    themeObserver.disconnect();
    for (const [events, fn] of handlers) for (const ev of events.split(" ")) model.off(ev, fn);
    charts.dispose();
  };
}

export default { render };
