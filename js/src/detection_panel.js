// Front end of jupyter_ad.widgets.PanelControls (the anywidget inside DetectionPanel).
//
// Plain ES module, no dependencies, no network: Python holds the state (traitlets), this file
// only draws it and reports the user's actions back:
//   threshold (slider)            -> model "threshold"        (synced traitlet)
//   click on a table row          -> model "selected_row"     (synced traitlet, row position)
//   "true anomaly" / "normal"     -> model.send({kind: "feedback", row, value: 1 | 0})
// Everything else (summary, n_flagged, rows, code, explanation_text, feedback) is read-only here.
// The wheel ships this file as jupyter_ad/widgets/static/detection_panel.js; a source
// checkout reads it from here.

const fmt = (v) => {
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    return Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0)
      ? v.toExponential(3) : Number(v.toPrecision(4)).toString();
  }
  if (v === null || v === undefined) return "";
  return String(v);
};

const h = (tag, attrs = {}, children = []) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of [].concat(children)) if (c) node.appendChild(c);
  return node;
};

async function copyText(text, textarea) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch (_) { /* fall back below */ }
  // Fallback for non-secure contexts or denied permission: select the textarea and copy.
  textarea.focus();
  textarea.select();
  try {
    return document.execCommand("copy");
  } catch (_) {
    return false;
  }
}

function render({ model, el }) {
  el.classList.add("jad-panel");
  let sortKey = null;   // null = the order Python sent (score, highest first)
  let sortAsc = false;
  let saveTimer = null;

  // -- header: summary -----------------------------------------------------------------------
  const summary = h("pre", { class: "jad-summary" });

  // -- threshold slider and flagged count ----------------------------------------------------
  const slider = h("input", { type: "range", class: "jad-threshold", "aria-label": "threshold" });
  const thresholdValue = h("span", { class: "jad-threshold-value" });
  const flagged = h("span", { class: "jad-flagged-count" });
  const sendThreshold = (immediate) => {
    clearTimeout(saveTimer);
    const push = () => {
      saveTimer = null;
      model.set("threshold", Number(slider.value));
      model.save_changes();
    };
    if (immediate) push(); else saveTimer = setTimeout(push, 120);
  };
  slider.addEventListener("input", () => {
    thresholdValue.textContent = fmt(Number(slider.value));
    sendThreshold(false);
  });
  slider.addEventListener("change", () => sendThreshold(true));
  // JupyterLab handles keys when they bubble to the document (arrow keys move between cells):
  // keep the slider's own keys (arrows, Home/End, PageUp/PageDown) for the slider.
  slider.addEventListener("keydown", (event) => event.stopPropagation());
  const controls = h("div", { class: "jad-controls" }, [
    h("label", { text: "Threshold " }), slider, thresholdValue, flagged,
  ]);

  // -- table of top anomalies ----------------------------------------------------------------
  const tableNote = h("div", { class: "jad-table-note" });
  const table = h("table", { class: "jad-table" });
  const tableBox = h("div", { class: "jad-table-box" }, [tableNote, table]);

  // -- selected row: explanation and feedback ------------------------------------------------
  const detailTitle = h("div", { class: "jad-detail-title" });
  const explanation = h("div", { class: "jad-explanation" });
  const fbState = h("span", { class: "jad-feedback-state" });
  const sendFeedback = (value) => {
    const row = model.get("selected_row");
    if (row >= 0) model.send({ kind: "feedback", row, value });
  };
  const yes = h("button", { class: "jad-feedback-yes", text: "True anomaly",
                            onclick: () => sendFeedback(1) });
  const no = h("button", { class: "jad-feedback-no", text: "Normal",
                           onclick: () => sendFeedback(0) });
  const detail = h("div", { class: "jad-detail" }, [
    detailTitle, explanation, h("div", { class: "jad-feedback" }, [yes, no, fbState]),
  ]);

  // -- copy as code --------------------------------------------------------------------------
  const code = h("textarea", { class: "jad-code", readonly: "", rows: "4", spellcheck: "false",
                               onkeydown: (event) => event.stopPropagation() });
  const copyStatus = h("span", { class: "jad-copy-status" });
  const copyBtn = h("button", {
    class: "jad-copy", text: "Copy as code",
    onclick: async () => {
      const ok = await copyText(model.get("code"), code);
      copyStatus.textContent = ok ? "copied" : "select the text and copy it";
      setTimeout(() => { copyStatus.textContent = ""; }, 2000);
    },
  });
  const codeBox = h("div", { class: "jad-code-box" }, [
    code, h("div", {}, [copyBtn, copyStatus]),
  ]);
  const error = h("div", { class: "jad-error" });

  el.appendChild(h("div", { class: "jad-root" }, [
    summary, controls, h("div", { class: "jad-body" }, [tableBox, detail]), codeBox, error,
  ]));

  // -- drawing -------------------------------------------------------------------------------
  const drawHeader = () => {
    summary.textContent = model.get("summary");
    const lo = model.get("score_min");
    const hi = model.get("score_max");
    slider.min = String(lo);
    slider.max = String(hi);
    slider.step = String(hi > lo ? (hi - lo) / 1000 : 1);
    if (saveTimer === null) slider.value = String(model.get("threshold"));  // not mid-drag
    thresholdValue.textContent = fmt(model.get("threshold"));
    const n = model.get("n_rows");
    const k = model.get("n_flagged");
    flagged.textContent = `${fmt(k)} of ${fmt(n)} rows flagged (${n ? ((100 * k) / n).toFixed(1) : 0}%)`;
  };

  const drawTable = () => {
    const rows = model.get("rows").slice();
    const columns = model.get("columns");
    const threshold = model.get("threshold");
    const selected = model.get("selected_row");
    const feedback = model.get("feedback");
    tableNote.textContent = model.get("table_note");
    if (sortKey !== null) {
      rows.sort((a, b) => {
        const x = a[sortKey];
        const y = b[sortKey];
        const c = x === y ? 0 : (x === null ? 1 : y === null ? -1 : x < y ? -1 : 1);
        return sortAsc ? c : -c;
      });
    }
    const head = h("tr", {}, columns.map((col) => h("th", {
      text: col + (sortKey === col ? (sortAsc ? " ▲" : " ▼") : ""),
      title: "sort",
      onclick: () => {
        if (sortKey === col) sortAsc = !sortAsc; else { sortKey = col; sortAsc = false; }
        drawTable();
      },
    })));
    const body = rows.map((r) => {
      const cls = ["jad-row"];
      if (r.score > threshold) cls.push("jad-row-flagged");
      if (r.row === selected) cls.push("jad-row-selected");
      const fb = feedback[r.label];
      if (fb === 1) cls.push("jad-row-fb-yes"); else if (fb === 0) cls.push("jad-row-fb-no");
      return h("tr", {
        class: cls.join(" "), "data-row": String(r.row),
        onclick: () => { model.set("selected_row", r.row); model.save_changes(); },
      }, columns.map((col) => h("td", { text: fmt(r[col]) })));
    });
    table.replaceChildren(h("thead", {}, head), h("tbody", {}, body));
  };

  const drawDetail = () => {
    const row = model.get("selected_row");
    const label = model.get("selected_label");
    detail.classList.toggle("jad-detail-empty", row < 0);
    detailTitle.textContent = row < 0 ? "Click a row (or a point in the scatter) to see why it is unusual."
      : `Row ${label}`;
    explanation.textContent = model.get("explanation_text");
    yes.disabled = no.disabled = row < 0;
    const fb = model.get("feedback")[label];
    fbState.textContent = row < 0 || fb === undefined ? ""
      : (fb === 1 ? "marked as a true anomaly" : "marked as normal");
  };

  const drawCode = () => { code.value = model.get("code"); };
  const drawError = () => { error.textContent = model.get("error"); };

  const handlers = {
    "change:summary change:score_min change:score_max change:threshold change:n_flagged change:n_rows": drawHeader,
    "change:rows change:columns change:threshold change:selected_row change:feedback change:table_note": drawTable,
    "change:selected_row change:selected_label change:explanation_text change:feedback": drawDetail,
    "change:code": drawCode,
    "change:error": drawError,
  };
  for (const [events, fn] of Object.entries(handlers)) {
    for (const ev of events.split(" ")) model.on(ev, fn);
  }
  drawHeader(); drawTable(); drawDetail(); drawCode(); drawError();

  return () => {
    clearTimeout(saveTimer);
    for (const [events, fn] of Object.entries(handlers)) {
      for (const ev of events.split(" ")) model.off(ev, fn);
    }
  };
}

export default { render };
