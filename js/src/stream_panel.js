// Front end of jupyter_ad.widgets.StreamPanel (the anywidget StreamView).
//
// Plain ES module, no dependencies, no network. Python holds the state and refreshes it
// from a thread; this file draws it and reports one action back:
//   click on a row of the latest anomalies  -> model "selected" (event id, synced traitlet)
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

function render({ model, el }) {
  const root = h("div", { class: "jad-stream" });
  el.appendChild(root);

  const draw = () => {
    const st = model.get("stats") || {};
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
    const kpis = h("div", { class: "jad-kpis" }, tiles.map(([k, v]) =>
      h("div", { class: "jad-kpi", "data-kpi": k }, [
        h("div", { class: "jad-kpi-value", text: v === undefined ? "" : String(v) }),
        h("div", { class: "jad-kpi-label", text: k })])));

    const selected = model.get("selected");
    const rows = (model.get("anomalies") || []).map((a) => {
      const fields = Object.entries(a.fields).map(([k, v]) => `${k}=${fmt(v)}`).join(", ");
      const tr = h("tr", {
        class: "jad-anomaly" + (a.event_id === selected ? " jad-selected" : ""),
        "data-event": a.event_id,
        onclick: () => { model.set("selected", a.event_id); model.save_changes(); },
      }, [h("td", { text: a.event_id }), h("td", { text: fmt(a.score) }),
          h("td", { text: fmt(a.confidence, 3) }), h("td", { class: "jad-fields", text: fields })]);
      return tr;
    });
    const anomalies = h("table", { class: "jad-table" }, [
      h("thead", {}, h("tr", {}, ["event", "score", "confidence", "fields"].map((c) => h("th", { text: c })))),
      h("tbody", {}, rows.length ? rows : [h("tr", {}, h("td", { colspan: 4, text: "no anomaly yet" }))]),
    ]);

    const driftRows = (model.get("drift") || []).map((f) =>
      h("tr", { class: f.drifted ? "jad-drifted" : "" }, [
        h("td", { text: f.feature }), h("td", { text: f.drifted ? "drifted" : "stable" }),
        h("td", { text: fmt(f.psi, 3) }), h("td", { text: f.detail })]));
    const drift = driftRows.length
      ? h("table", { class: "jad-table jad-drift" }, [
          h("thead", {}, h("tr", {}, ["feature", "status", "PSI", "change"].map((c) => h("th", { text: c })))),
          h("tbody", {}, driftRows)])
      : h("div", { class: "jad-note", text: "no drift check yet" });

    const alerts = (model.get("alerts") || []).slice().reverse().map((a) =>
      h("li", { class: "jad-alert" }, [h("strong", { text: a.rule + ": " }),
        h("span", { text: `${a.message} (${a.status})` })]));
    const log = (model.get("events") || []).slice().reverse().map((e) =>
      h("li", { text: `${e.kind}: ${e.text}` }));

    root.replaceChildren(
      kpis,
      h("div", { class: "jad-section", text: "Anomaly rate per second" }), rateChart(model.get("history") || []),
      h("div", { class: "jad-section", text: "Latest anomalies (click one for its explanation)" }), anomalies,
      h("div", { class: "jad-explanation", text: model.get("explanation") || "" }),
      h("div", { class: "jad-section", text: `Drift per feature ${model.get("drift_sentence") ? "- " + model.get("drift_sentence") : ""}` }), drift,
      h("div", { class: "jad-section", text: "Alerts and events" }),
      h("ul", { class: "jad-alerts" }, alerts.concat(log).length ? alerts.concat(log) : [h("li", { text: "none" })]),
      ...(model.get("error") ? [h("div", { class: "jad-error", text: model.get("error") })] : []),
    );
  };
  for (const name of ["stats", "history", "anomalies", "drift", "alerts", "events", "selected", "explanation", "error"]) {
    model.on(`change:${name}`, draw);
  }
  draw();
}

export default { render };
