// The number formats agree with Python's (tests/report/test_static.py runs the same cases).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { formatCount, formatShare, formatValue } from "../src/format.js";

const { cases } = JSON.parse(readFileSync(new URL("./format_cases.json", import.meta.url)));

test("shared cases match jupyter_ad.report._static.format_value", () => {
  assert.ok(cases.length > 30);
  for (const c of cases) {
    const value = c.number ? Number(c.value) : c.value;
    assert.equal(formatValue(value, c.spec), c.text, JSON.stringify(c));
  }
});

test("counts and shares", () => {
  assert.equal(formatCount(20000), "20,000");
  assert.equal(formatCount(7), "7");
  assert.equal(formatShare(1031, 20000), "5.2%");
  assert.equal(formatShare(0, 0), "0.0%");
});

test("the same column is grouped the same way whatever the value's type", () => {
  const spec = { kind: "number", decimals: 0, group: true };
  assert.equal(formatValue(2076, spec), "2,076");
  assert.equal(formatValue(2645.0, spec), "2,645");
  assert.equal(formatValue(NaN, spec), "");
});
