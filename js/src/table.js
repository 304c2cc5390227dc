// Pure logic of the panels' tables: sorting, feedback marks, row state.

/** Rows sorted by `key` (stable; missing values last in both directions). */
export function sortRows(rows, key, ascending) {
  if (key === null || key === undefined) return rows.slice();
  const missing = (v) => v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
  return rows
    .map((row, i) => [row, i])
    .sort(([a, i], [b, j]) => {
      const x = a[key];
      const y = b[key];
      if (missing(x) || missing(y)) return missing(x) === missing(y) ? i - j : missing(x) ? 1 : -1;
      let c = 0;
      if (typeof x === "number" && typeof y === "number") c = x - y;
      else c = String(x).localeCompare(String(y), "en", { numeric: true });
      if (c === 0) return i - j;
      return ascending ? c : -c;
    })
    .map(([row]) => row);
}

/** The mark on a row: 1 (true anomaly), 0 (normal) or null. Feedback is keyed by position. */
export function markOf(feedback, row) {
  const value = feedback ? feedback[String(row.row)] : undefined;
  return value === 0 || value === 1 ? value : null;
}

/** Text and accessible label of a mark. */
export function markText(mark) {
  if (mark === 1) return { text: "✔ anomaly", label: "marked as a true anomaly" };
  if (mark === 0) return { text: "✘ normal", label: "marked as normal" };
  return { text: "", label: "not marked" };
}

/** Positions of the rows marked 1 and 0, for the scatter's rings. */
export function markedPositions(feedback) {
  const yes = [];
  const no = [];
  for (const [row, value] of Object.entries(feedback || {})) {
    if (value === 1) yes.push(Number(row));
    else if (value === 0) no.push(Number(row));
  }
  return { yes: yes.sort((a, b) => a - b), no: no.sort((a, b) => a - b) };
}

/** How many rows are marked each way: "2 true anomalies, 1 normal". */
export function markSummary(feedback) {
  const { yes, no } = markedPositions(feedback);
  if (!yes.length && !no.length) return "";
  const parts = [];
  if (yes.length) parts.push(`${yes.length} true ${yes.length === 1 ? "anomaly" : "anomalies"}`);
  if (no.length) parts.push(`${no.length} normal`);
  return `Marked: ${parts.join(", ")}`;
}
