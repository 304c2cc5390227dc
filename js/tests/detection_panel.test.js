// The detection panel rendered in a DOM (jsdom) against a stand-in model: what the user sees
// and what the panel writes back.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { FakeModel, installDom, key } from "./helpers.js";

installDom();
const { default: widget } = await import("../src/detection_panel.js");

const FORMAT = { kind: "number", decimals: 2, group: true };

function state(extra = {}) {
  return {
    title: "jupyter-ad · iforest · 3 rows", summary: "Found 2 anomalies in 3 rows.",
    notes: ["Column 'txn_id' dropped: looks like an ID."], n_rows: 3, threshold: 5.0,
    n_flagged: 2, steps: [[0, 9.0], [1, 7.0], [2, 5.0]],
    score_format: FORMAT,
    columns: [{ name: "row", key: "index", format: { kind: "text" } },
      { name: "score", key: "score", format: FORMAT },
      { name: "amount", key: "amount", format: FORMAT }],
    rows: [{ row: 9, index: "t9", score: 9.0, rank: 1, amount: 11127.91 },
      { row: 4, index: "t4", score: 7.0, rank: 2, amount: 2076 },
      { row: 1, index: "t1", score: 2.0, rank: 3, amount: null }],
    table_note: "Top 3 of 3 rows by score.", selected_row: -1, selected_label: "",
    explanation_text: "", explanation_spec: {}, feedback: { 4: 1 }, histogram_spec: {},
    scatter_spec: {}, brush: {}, code: "res = ad.detect(df)", error: "", status: "",
    runtime: null, ...extra,
  };
}

let el;
let model;
let cleanup;
beforeEach(() => {
  if (cleanup) cleanup();
  document.body.replaceChildren();
  el = document.createElement("div");
  document.body.appendChild(el);
});

function draw(extra) {
  model = new FakeModel(state(extra));
  cleanup = widget.render({ model, el, host: null });
  return el;
}

test("marks show in the table, numbers as the data holds them", () => {
  draw();
  const rows = [...el.querySelectorAll("tr.jad-row")];
  assert.equal(rows.length, 3);
  const marked = el.querySelector('tr.jad-row[data-row="4"]');
  assert.ok(marked.classList.contains("jad-row-fb-yes"));
  assert.equal(marked.querySelector(".jad-mark").textContent, "✔ anomaly");
  assert.equal(el.querySelector('tr.jad-row[data-row="9"] .jad-mark').textContent, "");
  const cells = [...rows[0].querySelectorAll("td")].map((td) => td.textContent);
  assert.deepEqual(cells, ["", "t9", "9.00", "11,127.91"]);
  assert.equal(rows[1].querySelectorAll("td")[3].textContent, "2,076.00");
  assert.ok(rows[0].classList.contains("jad-row-flagged"));
  assert.ok(!rows[2].classList.contains("jad-row-flagged"));
  assert.match(el.querySelector(".jad-marks-line").textContent, /1 true anomaly/);
  assert.equal(el.querySelector(".jad-notes li").textContent,
               "Column 'txn_id' dropped: looks like an ID.");
});

test("the slider flags rows step by step; arrow keys stay in it, Ctrl+S does not", () => {
  draw();
  const slider = el.querySelector("input.jad-threshold");
  assert.equal(slider.value, "2");
  assert.match(el.querySelector(".jad-flagged-count").textContent,
               /^2 of 3 rows flagged \(66\.7%\)$/);
  let reached = 0;
  const listener = () => { reached += 1; };
  document.addEventListener("keydown", listener);
  key(slider, "ArrowLeft");
  assert.equal(reached, 0, "arrow keys must not reach JupyterLab (they move between cells)");
  assert.equal(model.get("threshold"), 7.0);
  assert.equal(slider.value, "1");
  assert.match(el.querySelector(".jad-flagged-count").textContent, /^1 of 3 rows flagged/);
  key(slider, "s", { ctrlKey: true });
  assert.equal(reached, 1, "Ctrl+S must reach JupyterLab (save the notebook)");
  document.removeEventListener("keydown", listener);
  assert.ok(slider.getAttribute("aria-valuetext").includes("threshold 7.00"));
});

test("typing a threshold sets it exactly", () => {
  draw();
  const box = el.querySelector("input.jad-threshold-input");
  assert.equal(box.value, "5.00");
  box.focus();
  box.value = "6,000.5";
  key(box, "Enter");
  assert.equal(model.get("threshold"), 6000.5);
  box.value = "abc";
  key(box, "Enter");
  assert.match(model.get("error"), /Not a number/);
});

test("Enter on a row selects it; the detail with the mark buttons sits right under it", () => {
  draw();
  const row = el.querySelector('tr.jad-row[data-row="4"]');
  row.focus();
  key(row, "Enter");
  assert.equal(model.get("selected_row"), 4);
  model.set("selected_label", "t4");
  model.set("explanation_text", "Score 7.00 (flagged). amount is high.");
  const selected = el.querySelector('tr.jad-row[data-row="4"]');
  assert.ok(selected.classList.contains("jad-row-selected"));
  const detailRow = selected.nextElementSibling;
  assert.ok(detailRow.classList.contains("jad-detail-row"));
  assert.match(detailRow.textContent, /amount is high/);
  const yes = detailRow.querySelector("button.jad-feedback-yes");
  assert.equal(yes.getAttribute("aria-pressed"), "true"); // row 4 is already marked 1
  detailRow.querySelector("button.jad-feedback-no").click();
  assert.deepEqual(model.sent.at(-1), { kind: "feedback", row: 4, value: 0 });
  detailRow.querySelector("button.jad-feedback-clear").click();
  assert.deepEqual(model.sent.at(-1), { kind: "feedback", row: 4, value: null });
});

test("arrow keys move between rows", () => {
  draw();
  const first = el.querySelector('tr.jad-row[data-row="9"]');
  first.focus();
  key(first, "ArrowDown");
  assert.equal(document.activeElement.dataset.row, "4");
  key(document.activeElement, "End");
  assert.equal(document.activeElement.dataset.row, "1");
});

test("a row picked in the scatter but not in the table still gets its detail", () => {
  draw({ selected_row: 77, selected_label: "t77", explanation_text: "far away" });
  assert.match(el.querySelector(".jad-detail-holder").textContent, /far away/);
});

test("headers sort the rows, missing values last", () => {
  draw();
  const amount = [...el.querySelectorAll("button.jad-sort")].find((b) =>
    b.textContent.startsWith("amount"));
  amount.click();
  let order = [...el.querySelectorAll("tr.jad-row")].map((tr) => tr.dataset.row);
  assert.deepEqual(order, ["9", "4", "1"]);
  [...el.querySelectorAll("button.jad-sort")].find((b) => b.textContent.startsWith("amount"))
    .click();
  order = [...el.querySelectorAll("tr.jad-row")].map((tr) => tr.dataset.row);
  assert.deepEqual(order, ["4", "9", "1"]);
});

test("the panel asks whether a kernel answers, and hides the notice when it does", () => {
  draw();
  assert.deepEqual(model.sent[0], { kind: "ping" });
  model.emit("msg:custom", { kind: "pong" });
  assert.ok(el.querySelector(".jad-connection").hidden);
});

test("charts wait for the chart library", () => {
  draw({ histogram_spec: { mark: "bar" } });
  assert.equal(el.querySelector(".jad-histogram").textContent, "Drawing charts…");
});

test("a click outside the panel takes the focus away from its slider", () => {
  const outside = document.createElement("div");
  document.body.appendChild(outside);
  draw();
  const slider = el.querySelector("input.jad-threshold");
  slider.focus();
  assert.equal(document.activeElement, slider);
  outside.dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
  assert.notEqual(document.activeElement, slider);
  slider.focus();
  el.querySelector(".jad-summary").dispatchEvent(new MouseEvent("mousedown", { bubbles: true }));
  assert.equal(document.activeElement, slider); // inside the panel: unchanged
});
