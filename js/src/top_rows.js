// The detection panel's table of top rows: sortable columns, flagged rows, marks, the selected
// row's detail right under it, and keyboard moves between rows.

import { h, plainKey, sortHeader } from "./dom.js";
import { formatValue } from "./format.js";
import { markOf, markText, sortRows } from "./table.js";

const columns = (model) => [{ name: "mark", key: "__mark", format: { kind: "text" } },
  ...(model.get("columns") || [])];

/** Draws `model`'s rows into `table`; `detail` goes under the selected row. */
export function topRowsTable({ model, table, tableNote, detailHolder, detail, select }) {
  const state = { sortKey: null, sortAscending: false, focusRow: null };

  function focusRow(position) {
    const row = table.querySelector(`tr.jad-row[data-row="${position}"]`);
    if (row) row.focus();
  }

  function header(cols) {
    return h("tr", {}, cols.map((col) => {
      if (col.key !== "__mark") return sortHeader(col, state, draw);
      return h("th", { scope: "col", text: "mark" });
    }));
  }

  function row(r, cols, { threshold, selected, feedback, focusTarget }) {
    const mark = markOf(feedback, r);
    const classes = ["jad-row"];
    if (r.score > threshold) classes.push("jad-row-flagged");
    if (r.row === selected) classes.push("jad-row-selected");
    if (mark === 1) classes.push("jad-row-fb-yes");
    if (mark === 0) classes.push("jad-row-fb-no");
    return h("tr", {
      class: classes.join(" "), "data-row": String(r.row),
      tabindex: r.row === focusTarget ? "0" : "-1",
      "aria-selected": r.row === selected ? "true" : "false",
      onclick: () => select(r.row),
    }, cols.map((col) => {
      if (col.key === "__mark") {
        const m = markText(mark);
        return h("td", { class: "jad-mark", text: m.text, "aria-label": m.label });
      }
      const number = col.format && col.format.kind === "number";
      return h("td", { class: number ? "jad-num" : "", text: formatValue(r[col.key], col.format) });
    }));
  }

  function draw() {
    const cols = columns(model);
    const selected = model.get("selected_row");
    const hadFocus = table.contains(document.activeElement);
    tableNote.textContent = model.get("table_note");
    const rows = sortRows(model.get("rows") || [], state.sortKey, state.sortAscending);
    const shown = rows.some((r) => r.row === selected);
    const context = {
      threshold: model.get("threshold"), selected, feedback: model.get("feedback") || {},
      focusTarget: selected >= 0 && shown ? selected : (rows[0] ? rows[0].row : -1),
    };
    const body = [];
    for (const r of rows) {
      body.push(row(r, cols, context));
      if (r.row === selected) {
        body.push(h("tr", { class: "jad-detail-row" },
                    [h("td", { colspan: String(cols.length) }, [detail])]));
      }
    }
    // a row picked in the scatter may not be among the rows listed: show it above the table
    if (selected >= 0 && !shown) detailHolder.replaceChildren(detail);
    else detailHolder.replaceChildren();
    table.replaceChildren(
      h("caption", { class: "jad-sr-only", text: "Highest-scoring rows; select one to see why" }),
      h("thead", {}, header(cols)), h("tbody", {}, body));
    if (hadFocus && state.focusRow !== null) focusRow(state.focusRow);
  }

  /** Arrows, Home and End move between rows; Enter and Space select. True if handled. */
  function onRowKey(event, position) {
    const order = [...table.querySelectorAll("tr.jad-row")].map((tr) => Number(tr.dataset.row));
    const at = order.indexOf(position);
    const moves = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: order.length - 1 };
    if (!plainKey(event, ["ArrowDown", "ArrowUp", "Home", "End", "Enter", " "])) return false;
    event.preventDefault();
    if (event.key === "Enter" || event.key === " ") {
      state.focusRow = position;
      select(position);
      return true;
    }
    const target = order[Math.min(order.length - 1, Math.max(0, moves[event.key]))];
    for (const tr of table.querySelectorAll("tr.jad-row")) tr.tabIndex = -1;
    const next = table.querySelector(`tr.jad-row[data-row="${target}"]`);
    if (next) {
      next.tabIndex = 0;
      next.focus();
      state.focusRow = target;
    }
    return true;
  }

  return { draw, onRowKey };
}
