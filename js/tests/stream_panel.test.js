// The live stream panel rendered in a DOM (jsdom) against a stand-in model: a row is chosen on
// press, sections the kernel re-sends unchanged are not rebuilt.
import { test, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { FakeModel, installDom } from "./helpers.js";

const window = installDom();
const { default: widget } = await import("../src/stream_panel.js");

const anomaly = (id, score) => ({ event_id: id, score, confidence: 0.9, fields: { amount: score } });

function state(extra = {}) {
  return {
    stats: { status: "running", scored: 1200, anomalies: 2, anomaly_rate: 0.0017 },
    history: [], anomalies: [anomaly("e7", 9.5), anomaly("e3", 8.25)], drift: [],
    drift_sentence: "", alerts: [], events: [], selected: "", explanation: "", error: "",
    ...extra,
  };
}

let el;
let model;
let cleanup;
beforeEach(() => {
  document.body.replaceChildren();
  el = document.createElement("div");
  document.body.appendChild(el);
  model = new FakeModel(state());
  cleanup = widget.render({ model, el });
});

const press = (node, button = 0) =>
  node.dispatchEvent(new window.MouseEvent("pointerdown", { bubbles: true, button }));

test("pressing a row selects its event and saves it to the kernel", () => {
  const row = el.querySelector('tr.jad-anomaly[data-event="e3"]');
  press(row);
  assert.equal(model.get("selected"), "e3");
  assert.equal(model.saves, 1);
  const now = el.querySelector('tr.jad-anomaly[data-event="e3"]');
  assert.ok(now.classList.contains("jad-selected"));
  assert.equal(now.getAttribute("aria-selected"), "true");
});

test("a right press does not select; Enter on a focused row does", () => {
  press(el.querySelector('tr[data-event="e7"]'), 2);
  assert.equal(model.get("selected"), "");
  el.querySelector('tr[data-event="e7"]').dispatchEvent(
    new window.KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
  assert.equal(model.get("selected"), "e7");
});

test("an unchanged anomaly list re-sent by the kernel keeps the same row elements", () => {
  const before = el.querySelector('tr[data-event="e7"]');
  model.set("anomalies", state().anomalies.map((a) => ({ ...a })));
  model.set("stats", { ...state().stats, scored: 1400 });
  assert.equal(el.querySelector('tr[data-event="e7"]'), before);
  assert.equal(el.querySelector('.jad-kpi[data-kpi="scored"] .jad-kpi-value').textContent, "1,400");
  model.set("anomalies", [anomaly("e9", 12), ...state().anomalies]);
  assert.notEqual(el.querySelector('tr[data-event="e7"]'), before);
  assert.equal(el.querySelectorAll("tr.jad-anomaly").length, 3);
});

test("the explanation, drift and error sections show what the kernel sends", () => {
  model.set("explanation", "Event e7: amount is unusually high");
  assert.equal(el.querySelector(".jad-explanation").textContent, "Event e7: amount is unusually high");
  model.set("drift", [{ feature: "latency", drifted: true, psi: 0.41, detail: "mean +2.5" }]);
  model.set("drift_sentence", "1 of 4 features drifted");
  assert.equal(el.querySelector(".jad-drift tr.jad-drifted td").textContent, "latency");
  assert.ok([...el.querySelectorAll(".jad-section")].some(
    (n) => n.textContent.includes("1 of 4 features drifted")));
  assert.equal(el.querySelector(".jad-error"), null);
  model.set("error", "KeyError: 'amount'");
  assert.equal(el.querySelector(".jad-error").textContent, "KeyError: 'amount'");
});

test("a removed view stops listening to the model", () => {
  const before = el.querySelector('.jad-kpi[data-kpi="scored"] .jad-kpi-value').textContent;
  cleanup();
  model.set("stats", { ...state().stats, scored: 9999 });
  assert.equal(el.querySelector('.jad-kpi[data-kpi="scored"] .jad-kpi-value').textContent, before);
  assert.ok([...model.handlers.values()].every((fns) => fns.length === 0));
});
