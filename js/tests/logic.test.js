// The panels' pure logic: slider steps, table sorting and marks, theme colours, the DOM helper.
import { test } from "node:test";
import assert from "node:assert/strict";
import { pageSize, stepAfterKey, stepIndex, stepOfThreshold } from "../src/steps.js";
import { markedPositions, markOf, markSummary, markText, sortRows } from "../src/table.js";
import { chartConfig, isDark, parseColor } from "../src/theme.js";

const steps = [[0, 9.5], [1, 7.2], [2, 5.0], [5, 3.1], [20, 2.0], [100, 1.1], [999, 0.1]];

test("the slider finds the step nearest a count, on a log scale", () => {
  assert.equal(stepIndex(steps, 0), 0);
  assert.equal(stepIndex(steps, 4), 3);
  assert.equal(stepIndex(steps, 60), 5);
  assert.equal(stepIndex(steps, 5000), 6);
  assert.equal(stepIndex([], 3), 0);
  assert.equal(stepOfThreshold(steps, 3.1), 3);
  assert.equal(stepOfThreshold(steps, 3.0), -1);
});

test("keys move the slider by a step, a page or to the ends", () => {
  assert.equal(stepAfterKey(steps, 2, "ArrowRight"), 3);
  assert.equal(stepAfterKey(steps, 2, "ArrowDown"), 1);
  assert.equal(stepAfterKey(steps, 0, "ArrowLeft"), 0);
  assert.equal(stepAfterKey(steps, 6, "ArrowUp"), 6);
  assert.equal(stepAfterKey(steps, 3, "Home"), 0);
  assert.equal(stepAfterKey(steps, 3, "End"), 6);
  assert.equal(pageSize(steps), 1);
  assert.equal(pageSize(new Array(400).fill([0, 0])), 40);
  assert.equal(stepAfterKey(steps, 3, "s"), null);
  assert.equal(stepAfterKey(steps, 3, "Tab"), null);
});

test("sorting keeps missing values last and sorts numbers as numbers", () => {
  const rows = [{ a: 10 }, { a: null }, { a: 9 }, { a: 100 }, { a: undefined }];
  assert.deepEqual(sortRows(rows, "a", true).map((r) => r.a), [9, 10, 100, null, undefined]);
  assert.deepEqual(sortRows(rows, "a", false).map((r) => r.a), [100, 10, 9, null, undefined]);
  const text = [{ c: "b" }, { c: "a10" }, { c: "a9" }];
  assert.deepEqual(sortRows(text, "c", true).map((r) => r.c), ["a9", "a10", "b"]);
  assert.deepEqual(sortRows(rows, null, true), rows);
});

test("marks are looked up by row position (what the rows carry)", () => {
  const feedback = { 12: 1, 40: 0 };
  assert.equal(markOf(feedback, { row: 12, index: "txn-9" }), 1);
  assert.equal(markOf(feedback, { row: 40 }), 0);
  assert.equal(markOf(feedback, { row: 7 }), null);
  assert.equal(markOf(undefined, { row: 7 }), null);
  assert.deepEqual(markedPositions({ 3: 1, 1: 1, 2: 0 }), { yes: [1, 3], no: [2] });
  assert.equal(markText(1).text, "✔ anomaly");
  assert.equal(markSummary({ 3: 1, 1: 1, 2: 0 }), "Marked: 2 true anomalies, 1 normal");
  assert.equal(markSummary({}), "");
});

test("theme colours: dark backgrounds get light text in the charts", () => {
  assert.deepEqual(parseColor("#111"), [17, 17, 17]);
  assert.deepEqual(parseColor("#ffffff"), [255, 255, 255]);
  assert.deepEqual(parseColor("rgb(33, 33, 33)"), [33, 33, 33]);
  assert.equal(parseColor("teal"), null);
  assert.equal(isDark("#111111"), true);
  assert.equal(isDark("#ffffff"), false);
  assert.equal(isDark(""), false);
  const config = chartConfig({ text: "#eee", muted: "#aaa", line: "#444" });
  assert.equal(config.axis.labelColor, "#aaa");
  assert.equal(config.title.color, "#eee");
  assert.equal(config.background, null);
});
