// Front end of jupyter_ad.widgets.DetectionPanel (an anywidget).
//
// Python holds the state (traitlets); this module draws it and reports the user's actions:
//   slider / threshold box         -> model "threshold"      (synced traitlet)
//   click or Enter on a table row  -> model "selected_row"   (a row position)
//   click on a scatter point       -> model "selected_row"
//   box drawn on the scatter       -> model "brush"          ({x: [lo, hi], y: [lo, hi]})
//   "True anomaly" / "Normal"      -> model.send({kind: "feedback", row, value: 1 | 0 | null})
// and asks {kind: "ping"} to learn whether a kernel answers (a notebook reopened without its
// kernel shows the panel from its saved state: still readable, not computing).
// Everything is drawn from the model, so a panel restored from saved widget state looks as the
// user left it. Nothing is loaded from the network.

import { h, keyRouter, plainKey } from "./dom.js";
import { formatCount, formatShare, formatValue } from "./format.js";
import { stepAfterKey, stepIndex, stepOfThreshold } from "./steps.js";
import { markedPositions, markOf, markSummary, markText } from "./table.js";
import { topRowsTable } from "./top_rows.js";
import { chartSet } from "./chart_set.js";
import { setSignal } from "./vega.js";

const PING_TIMEOUT_MS = 4000;
const SEND_DELAY_MS = 120;
const BRUSH_DELAY_MS = 200;

function render({ model, el, host }) {
  el.classList.add("jad-panel", "jad-detection");
  const state = {
    sortKey: null, sortAscending: false, sendTimer: null, brushTimer: null, connected: null,
    disposed: false,
  };
  const uid = `jad-${Math.random().toString(36).slice(2, 9)}`;
  const charts = chartSet(model, host);

  // -- header ----------------------------------------------------------------------------------
  const title = h("div", { class: "jad-title", role: "heading", "aria-level": "3" });
  const connection = h("div", { class: "jad-connection", role: "status", hidden: true });
  const summary = h("div", { class: "jad-summary" });
  const notes = h("ul", { class: "jad-notes", "aria-label": "Notes about the data" });

  // -- threshold ---------------------------------------------------------------------------------
  const slider = h("input", {
    type: "range", class: "jad-threshold", id: `${uid}-slider`, min: "0", step: "1",
  });
  const count = h("output", { class: "jad-flagged-count", for: `${uid}-slider`,
                              "aria-live": "polite" });
  const thresholdBox = h("input", {
    type: "text", class: "jad-threshold-input", id: `${uid}-threshold`, inputmode: "decimal",
    spellcheck: "false", "aria-describedby": `${uid}-threshold-help`, size: "10",
  });
  const controls = h("div", { class: "jad-controls" }, [
    h("label", { for: `${uid}-slider`, text: "Rows flagged" }),
    slider, count,
    h("label", { for: `${uid}-threshold`, text: "threshold" }), thresholdBox,
    h("span", { id: `${uid}-threshold-help`, class: "jad-sr-only",
                text: "Type a score and press Enter to set the threshold." }),
  ]);
  const marksLine = h("div", { class: "jad-marks-line", "aria-live": "polite" });
  const error = h("div", { class: "jad-error", role: "alert" });
  const status = h("div", { class: "jad-status", role: "status" });

  // -- table and the detail row of the selected row ---------------------------------------------
  const tableNote = h("div", { class: "jad-table-note", id: `${uid}-note` });
  const table = h("table", { class: "jad-table", "aria-describedby": `${uid}-note` });
  const detailHolder = h("div", { class: "jad-detail-holder" });
  const tableBox = h("div", { class: "jad-table-box" }, [tableNote, detailHolder, table]);
  const detailTitle = h("div", { class: "jad-detail-title" });
  const explanation = h("div", { class: "jad-explanation" });
  const explanationChart = h("div", { class: "jad-chart jad-explanation-chart",
                                      role: "img", "aria-label": "Why this row is unusual" });
  const fbState = h("span", { class: "jad-feedback-state", "aria-live": "polite" });
  const sendFeedback = (value) => {
    const row = model.get("selected_row");
    if (row >= 0) model.send({ kind: "feedback", row, value });
  };
  const yes = h("button", { class: "jad-feedback-yes", type: "button", text: "True anomaly",
                            onclick: () => sendFeedback(1) });
  const no = h("button", { class: "jad-feedback-no", type: "button", text: "Normal",
                           onclick: () => sendFeedback(0) });
  const clear = h("button", { class: "jad-feedback-clear", type: "button", text: "Clear mark",
                              onclick: () => sendFeedback(null) });
  const detail = h("div", { class: "jad-detail", role: "region", "aria-label": "Selected row" }, [
    detailTitle, explanation, explanationChart,
    h("div", { class: "jad-feedback", role: "group", "aria-label": "Mark this row" },
      [yes, no, clear, fbState]),
  ]);

  // -- charts ------------------------------------------------------------------------------------
  const histogram = h("div", { class: "jad-chart jad-histogram", role: "img",
                               "aria-label": "Histogram of the anomaly scores" });
  const scatter = h("div", { class: "jad-chart jad-scatter", role: "img",
                             "aria-label": "Scatter of the rows by anomaly score" });
  const chartsRow = h("div", { class: "jad-charts" }, [histogram, scatter]);

  // -- copy as code ------------------------------------------------------------------------------
  const code = h("textarea", { class: "jad-code", readonly: true, rows: "5", spellcheck: "false",
                               "aria-label": "Python code that reproduces this result" });
  const copyStatus = h("span", { class: "jad-copy-status", "aria-live": "polite" });
  const copy = h("button", {
    class: "jad-copy", type: "button", text: "Copy as code",
    onclick: async () => {
      const ok = await copyText(model.get("code"), code);
      copyStatus.textContent = ok ? "copied" : "select the text and copy it";
      setTimeout(() => { copyStatus.textContent = ""; }, 2500);
    },
  });
  const codeBox = h("details", { class: "jad-code-box" }, [
    h("summary", { text: "Python code (threshold and marks included)" }),
    h("div", { class: "jad-code-row" }, [code, h("div", {}, [copy, copyStatus])]),
  ]);

  const root = h("div", { class: "jad-root", role: "region",
                          "aria-label": "Anomaly detection panel" }, [
    title, connection, summary, notes, controls, marksLine, error, status, tableBox,
    chartsRow, codeBox,
  ]);
  el.appendChild(root);
  const keys = keyRouter(root);

  // -- threshold: slider and box -----------------------------------------------------------------
  const steps = () => model.get("steps") || [];
  const scoreFormat = () => model.get("score_format");
  const pushThreshold = (value, immediate) => {
    clearTimeout(state.sendTimer);
    const push = () => {
      state.sendTimer = null;
      model.set("threshold", value);
      model.save_changes();
    };
    if (immediate) push();
    else state.sendTimer = setTimeout(push, SEND_DELAY_MS);
  };
  const showStep = (index) => {
    const step = steps()[index];
    if (!step) return;
    slider.value = String(index);
    describeCount(step[0], step[1]);
  };
  slider.addEventListener("input", () => {
    const step = steps()[Number(slider.value)];
    if (!step) return;
    describeCount(step[0], step[1]);
    pushThreshold(step[1], false);
  });
  slider.addEventListener("change", () => {
    const step = steps()[Number(slider.value)];
    if (step) pushThreshold(step[1], true);
  });
  keys.on((t) => t === slider, (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return false; // Ctrl+S saves
    const next = stepAfterKey(steps(), Number(slider.value), event.key);
    if (next === null) return false;
    event.preventDefault(); // arrows move the slider, not between notebook cells
    showStep(next);
    pushThreshold(steps()[next][1], true);
    return true;
  });
  keys.on((t) => t === thresholdBox, (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    if (event.key === "Enter") {
      const value = Number(thresholdBox.value.replace(/,/g, ""));
      if (Number.isFinite(value) && thresholdBox.value.trim() !== "") pushThreshold(value, true);
      else model.set("error", `Not a number: ${thresholdBox.value}`);
    } else if (event.key === "Escape") {
      thresholdBox.value = formatValue(model.get("threshold"), scoreFormat());
    }
    return true; // typing here is not a notebook shortcut
  });
  keys.on((t) => t === code, (event) => plainKey(event, [
    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown"]));
  keys.on((t) => t instanceof Element && t.matches("button"),
          (event) => plainKey(event, ["Enter", " "]));

  function describeCount(k, threshold) {
    const n = model.get("n_rows");
    const text = `${formatCount(k)} of ${formatCount(n)} rows flagged (${formatShare(k, n)})`;
    count.textContent = text;
    slider.setAttribute("aria-valuetext",
                        `${text}, threshold ${formatValue(threshold, scoreFormat())}`);
    if (document.activeElement !== thresholdBox) {
      thresholdBox.value = formatValue(threshold, scoreFormat());
    }
  }

  // -- drawing -----------------------------------------------------------------------------------
  const drawHeader = () => {
    title.textContent = model.get("title");
    summary.textContent = model.get("summary");
    const items = model.get("notes") || [];
    notes.replaceChildren(...items.map((text) => h("li", { text })));
    notes.hidden = !items.length;
  };

  const drawThreshold = () => {
    const all = steps();
    slider.max = String(Math.max(0, all.length - 1));
    const threshold = model.get("threshold");
    const exact = stepOfThreshold(all, threshold);
    const k = model.get("n_flagged");
    if (state.sendTimer === null) slider.value = String(exact >= 0 ? exact : stepIndex(all, k));
    // a step's count is exact (computed in Python): show it at once, without waiting for the
    // kernel's n_flagged (and without a kernel at all)
    describeCount(exact >= 0 ? all[exact][0] : k, threshold);
  };

  const select = (position) => {
    model.set("selected_row", position);
    model.save_changes();
  };
  const rowsTable = topRowsTable({ model, table, tableNote, detailHolder, detail, select });
  const drawTable = rowsTable.draw;
  keys.on((t) => t instanceof Element && t.matches("tr.jad-row"),
          (event) => rowsTable.onRowKey(event, Number(event.target.dataset.row)));

  const drawDetail = () => {
    const row = model.get("selected_row");
    const label = model.get("selected_label");
    detailTitle.textContent = row < 0 ? "" : `Row ${label}`;
    explanation.textContent = model.get("explanation_text");
    const mark = markOf(model.get("feedback"), { row });
    fbState.textContent = row < 0 ? "" : markText(mark).label;
    yes.setAttribute("aria-pressed", mark === 1 ? "true" : "false");
    no.setAttribute("aria-pressed", mark === 0 ? "true" : "false");
    clear.disabled = mark === null;
    const feedback = model.get("feedback") || {};
    marksLine.textContent = markSummary(feedback);
  };

  const drawCode = () => { code.value = model.get("code"); };
  const drawError = () => { error.textContent = model.get("error"); };
  const drawStatus = () => { status.textContent = model.get("status"); };

  // -- charts ------------------------------------------------------------------------------------
  async function drawChart(name, target, spec) {
    const view = await charts.draw(name, target, spec);
    if (!view) return;
    syncSignals();
    if (name === "scatter") listenToScatter(view);
  }

  function syncSignals() {
    const threshold = model.get("threshold");
    const { yes: marked, no: normal } = markedPositions(model.get("feedback"));
    for (const [name, view] of Object.entries(charts.views())) {
      if (name !== "explanation") setSignal(view, "threshold", threshold);
      if (name === "scatter") {
        setSignal(view, "selected_row", model.get("selected_row"));
        setSignal(view, "marked_anomaly", marked);
        setSignal(view, "marked_normal", normal);
      }
      view.runAsync();
    }
  }

  function listenToScatter(view) {
    view.addEventListener("click", (_event, item) => {
      const datum = item && item.datum;
      if (datum && typeof datum.row === "number") select(datum.row);
    });
    try {
      view.addSignalListener("brush", (_name, value) => {
        clearTimeout(state.brushTimer);
        state.brushTimer = setTimeout(() => {
          model.set("brush", value && Object.keys(value).length ? value : {});
          model.save_changes();
        }, BRUSH_DELAY_MS);
      });
    } catch (_error) {
      // a scatter without a brush
    }
  }

  const drawHistogram = () => drawChart("histogram", histogram, model.get("histogram_spec"));
  const drawScatter = () => drawChart("scatter", scatter, model.get("scatter_spec"));
  const drawExplanation = () => drawChart("explanation", explanationChart,
                                          model.get("explanation_spec"));
  const drawAllCharts = () => { drawHistogram(); drawScatter(); drawExplanation(); };

  // -- is a kernel there? ------------------------------------------------------------------------
  const onMessage = (content) => {
    if (content && content.kind === "pong") {
      state.connected = true;
      connection.hidden = true;
      drawThreshold();
    }
  };
  model.on("msg:custom", onMessage);
  model.send({ kind: "ping" });
  const pingTimer = setTimeout(() => {
    if (state.connected) return;
    state.connected = false;
    connection.hidden = false;
    connection.textContent = "Not connected to a running kernel: this is the panel as it was "
      + "saved. Run the cell again to explore it.";
    drawThreshold();
  }, PING_TIMEOUT_MS);

  // -- theme changes: redraw the charts with the new colours --------------------------------------
  const themeObserver = new MutationObserver(() => drawAllCharts());
  themeObserver.observe(document.body, { attributes: true,
                                         attributeFilter: ["data-jp-theme-light"] });

  const handlers = [
    ["change:title change:summary change:notes", drawHeader],
    ["change:steps change:threshold change:n_flagged change:n_rows change:score_format",
     drawThreshold],
    ["change:rows change:columns change:threshold change:selected_row change:feedback "
     + "change:table_note", drawTable],
    ["change:selected_row change:selected_label change:explanation_text change:feedback",
     drawDetail],
    ["change:threshold change:feedback change:selected_row", syncSignals],
    ["change:histogram_spec", drawHistogram],
    ["change:scatter_spec", drawScatter],
    ["change:explanation_spec", drawExplanation],
    ["change:runtime", drawAllCharts],
    ["change:code", drawCode],
    ["change:error", drawError],
    ["change:status", drawStatus],
  ];
  for (const [events, fn] of handlers) for (const ev of events.split(" ")) model.on(ev, fn);
  drawHeader(); drawThreshold(); drawTable(); drawDetail(); drawCode(); drawError(); drawStatus();
  drawAllCharts();

  return () => {
    state.disposed = true;
    keys.dispose();
    clearTimeout(state.sendTimer);
    clearTimeout(state.brushTimer);
    clearTimeout(pingTimer);
    themeObserver.disconnect();
    model.off("msg:custom", onMessage);
    for (const [events, fn] of handlers) for (const ev of events.split(" ")) model.off(ev, fn);
    charts.dispose();
  };
}

async function copyText(text, textarea) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_error) {
    // denied: fall back to selecting the text
  }
  textarea.focus();
  textarea.select();
  try {
    return document.execCommand("copy");
  } catch (_error) {
    return false;
  }
}

export default { render };
