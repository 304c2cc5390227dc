// The comparison panel in a DOM (jsdom): a sortable leaderboard whose rows select a detector.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeModel, installDom, key } from "./helpers.js";

installDom();
const { default: widget } = await import("../src/comparison_panel.js");

const SCORE = { kind: "number", decimals: 4, group: true };

function draw() {
  document.body.replaceChildren();
  const el = document.createElement("div");
  document.body.appendChild(el);
  const model = new FakeModel({
    title: "3 detectors compared", note: "", status: "", error: "", selected: "",
    columns: [{ name: "detector", key: "detector", format: { kind: "text" } },
      { name: "average precision", key: "average_precision", format: SCORE },
      { name: "n flagged", key: "n_flagged", format: { kind: "number", decimals: 0,
                                                          group: true } }],
    rows: [{ detector: "ecod", average_precision: 0.91234, n_flagged: 1200 },
      { detector: "iforest", average_precision: 0.8, n_flagged: 950 },
      { detector: "hbos", average_precision: null, n_flagged: 1000 }],
    bars_spec: {}, agreement_spec: {}, curves_spec: {}, runtime: null,
  });
  const cleanup = widget.render({ model, el, host: null });
  return { el, model, cleanup };
}

test("rows are formatted, sortable, and select a detector by click or Enter", () => {
  const { el, model, cleanup } = draw();
  const cells = [...el.querySelectorAll("tr.jad-row")[0].querySelectorAll("td")]
    .map((td) => td.textContent);
  assert.deepEqual(cells, ["ecod", "0.9123", "1,200"]);
  const nFlagged = [...el.querySelectorAll("button.jad-sort")]
    .find((b) => b.textContent.startsWith("n flagged"));
  nFlagged.click();
  assert.deepEqual([...el.querySelectorAll("tr.jad-row")].map((tr) => tr.dataset.detector),
                   ["ecod", "hbos", "iforest"]);
  el.querySelector('tr[data-detector="iforest"]').click();
  assert.equal(model.get("selected"), "iforest");
  assert.equal(el.querySelector('tr[data-detector="iforest"]').getAttribute("aria-selected"),
               "true");
  const row = el.querySelector('tr[data-detector="hbos"]');
  row.focus();
  key(row, "Enter");
  assert.equal(model.get("selected"), "hbos");
  el.querySelector('tr[data-detector="hbos"]').click(); // a second click closes it
  assert.equal(model.get("selected"), "");
  cleanup();
});
