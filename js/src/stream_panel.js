// Front end of jupyter_ad.widgets.StreamPanel (the anywidget StreamView).
//
// Plain ES module, no dependencies, no network. Python holds the state and refreshes it
// from a thread; this file draws it and reports one action back:
//   press (or Enter on) a row of the latest anomalies -> model "selected" (event id, synced)
// Python answers with "explanation". The anomaly rate over time is a hand-drawn SVG line.

import { h } from "./dom.js";

const fmt = (v, digits = 4) => {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return v.toLocaleString("en-US");
    return Number(v.toPrecision(digits)).toString();
  }
  return String(v);
};

const SVG = "http://www.w3.org/2000/svg";
const s = (tag, attrs = {}) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

function rateChart(history) {
  const W = 420, H = 90, P = 4;
  const svg = s("svg", { width: W, height: H, class: "jad-rate-chart", viewBox: `0 0 ${W} ${H}` });
  svg.appendChild(s("rect", { x: 0, y: 0, width: W, height: H, fill: "#fafafa" }));
  if (history.length < 2) {
    const t = s("text", { x: 8, y: H / 2, "font-size": 11, fill: "#888" });
    t.textContent = "waiting for a few seconds of events";
    svg.appendChild(t);
    return svg;
  }
  const top = Math.max(0.01, ...history.map((p) => p.rate)) * 1.1;
  const t0 = history[0].t, t1 = history[history.length - 1].t;
  const x = (t) => P + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * P);
  const y = (r) => H - P - (r / top) * (H - 2 * P);
  const d = history.map((p, i) => `${i ? "L" : "M"}${x(p.t).toFixed(1)},${y(p.rate).toFixed(1)}`);
  svg.appendChild(s("path", { d: d.join(" "), fill: "none", stroke: "#d62728", "stroke-width": 1.5 }));
  const label = s("text", { x: W - 4, y: 12, "font-size": 10, fill: "#555", "text-anchor": "end" });
  label.textContent = `max ${(top / 1.1 * 100).toFixed(1)}%`;
  svg.appendChild(label);
  return svg;
}

// A row is chosen on pointerdown (or Enter/Space), not on click: the panel redraws while the
// stream runs, and a click whose press and release land on two renderings of the same row is
// never delivered.
function anomalyTable(model) {
  const selected = model.get("selected");
  const choose = (id) => { model.set("selected", id); model.save_changes(); };
  const rows = (model.get("anomalies") || []).map((a) => {
    const fields = Object.entries(a.fields).map(([k, v]) => `${k}=${fmt(v)}`).join(", ");
    return h("tr", {
      class: "jad-anomaly" + (a.event_id === selected ? " jad-selected" : ""),
      "data-event": a.event_id,
      tabindex: 0,
      "aria-selected": a.event_id === selected ? "true" : "false",
      onpointerdown: (e) => { if (e.button === 0) choose(a.event_id); },
      onkeydown: (e) => {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(a.event_id); }
      },
    }, [h("td", { text: a.event_id }), h("td", { text: fmt(a.score) }),
        h("td", { text: fmt(a.confidence, 3) }), h("td", { class: "jad-fields", text: fields })]);
  });
  return h("table", { class: "jad-table" }, [
    h("thead", {}, h("tr", {}, ["event", "score", "confidence", "fields"].map((c) => h("th", { text: c })))),
    h("tbody", {}, rows.length ? rows : [h("tr", {}, h("td", { colspan: 4, text: "no anomaly yet" }))]),
  ]);
}

function kpiTiles(st) {
  const tiles = [
    ["status", st.status],
    ["events/s", fmt(st.events_per_second, 3)],
    ["scored", fmt(st.scored)],
    ["anomalies", `${fmt(st.anomalies)} (${((st.anomaly_rate || 0) * 100).toFixed(2)}%)`],
    ["latency p50 / p99 ms", `${fmt(st.latency_ms_p50, 3)} / ${fmt(st.latency_ms_p99, 3)}`],
    ["dead-lettered", fmt(st.poison)],
    ["sink errors", fmt(st.sink_errors)],
    ["model", st.model_version],
  ];
  return h("div", { class: "jad-kpis" }, tiles.map(([k, v]) =>
    h("div", { class: "jad-kpi", "data-kpi": k }, [
      h("div", { class: "jad-kpi-value", text: v === undefined ? "" : String(v) }),
      h("div", { class: "jad-kpi-label", text: k })])));
}

function driftTable(model) {
  const driftRows = (model.get("drift") || []).map((f) =>
    h("tr", { class: f.drifted ? "jad-drifted" : "" }, [
      h("td", { text: f.feature }), h("td", { text: f.drifted ? "drifted" : "stable" }),
      h("td", { text: fmt(f.psi, 3) }), h("td", { text: f.detail })]));
  return driftRows.length
    ? h("table", { class: "jad-table jad-drift" }, [
        h("thead", {}, h("tr", {}, ["feature", "status", "PSI", "change"].map((c) => h("th", { text: c })))),
        h("tbody", {}, driftRows)])
    : h("div", { class: "jad-note", text: "no drift check yet" });
}

function alertList(model) {
  const alerts = (model.get("alerts") || []).slice().reverse().map((a) =>
    h("li", { class: "jad-alert" }, [h("strong", { text: a.rule + ": " }),
      h("span", { text: `${a.message} (${a.status})` })]));
  const log = (model.get("events") || []).slice().reverse().map((e) =>
    h("li", { text: `${e.kind}: ${e.text}` }));
  const items = alerts.concat(log);
  return h("ul", { class: "jad-alerts" }, items.length ? items : [h("li", { text: "none" })]);
}

function render({ model, el }) {
  const root = h("div", { class: "jad-stream" });
  el.appendChild(root);

  // One slot per section; a section is redrawn only when the traits it shows changed, so the
  // row under the pointer stays the same element while other numbers move.
  const slot = () => h("div", { class: "jad-slot" });
  const slots = {
    kpis: slot(), rate: slot(), anomalies: slot(), driftTitle: slot(), drift: slot(),
    alerts: slot(), error: slot(),
  };
  const explanation = h("div", { class: "jad-explanation" });
  root.replaceChildren(
    slots.kpis,
    h("div", { class: "jad-section", text: "Anomaly rate per second" }), slots.rate,
    h("div", { class: "jad-section", text: "Latest anomalies (click one for its explanation)" }),
    slots.anomalies, explanation,
    slots.driftTitle, slots.drift,
    h("div", { class: "jad-section", text: "Alerts and events" }), slots.alerts,
    slots.error,
  );

  const sections = [
    [["stats"], () => slots.kpis.replaceChildren(kpiTiles(model.get("stats") || {}))],
    [["history"], () => slots.rate.replaceChildren(rateChart(model.get("history") || []))],
    [["anomalies", "selected"], () => slots.anomalies.replaceChildren(anomalyTable(model))],
    [["explanation"], () => { explanation.textContent = model.get("explanation") || ""; }],
    [["drift_sentence"], () => slots.driftTitle.replaceChildren(h("div", {
      class: "jad-section",
      text: `Drift per feature ${model.get("drift_sentence") ? "- " + model.get("drift_sentence") : ""}`,
    }))],
    [["drift"], () => slots.drift.replaceChildren(driftTable(model))],
    [["alerts", "events"], () => slots.alerts.replaceChildren(alertList(model))],
    [["error"], () => slots.error.replaceChildren(
      ...(model.get("error") ? [h("div", { class: "jad-error", text: model.get("error") })] : []))],
  ];
  const listeners = [];
  for (const [names, draw] of sections) {
    // the kernel re-sends equal values on every refresh; skip those
    let last = null;
    const redraw = () => {
      const now = JSON.stringify(names.map((n) => model.get(n)));
      if (now === last) return;
      last = now;
      draw();
    };
    for (const name of names) listeners.push([`change:${name}`, redraw]);
    redraw();
  }
  for (const [event, fn] of listeners) model.on(event, fn);

  // a view removed (cell cleared, output re-rendered) stops listening, as the other panels do
  return () => { for (const [event, fn] of listeners) model.off(event, fn); };
}

export default { render };
