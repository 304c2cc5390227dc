// Front end of jupyter_ad.widgets.ChartView: one Vega-Lite chart, drawn with the shared chart
// library (jupyter_ad.widgets.VegaRuntime) in the theme's colours. Used for the Altair charts
// of a notebook once charts.enable_notebook() is on (res.plot(), %ad_explain).

import { chartSet } from "./chart_set.js";
import { h } from "./dom.js";

function render({ model, el, host }) {
  el.classList.add("jad-chart-view");
  const target = h("div", { class: "jad-chart", role: "img",
                            "aria-label": model.get("description") || "chart" });
  el.appendChild(target);
  const charts = chartSet(model, host);
  const draw = () => charts.draw("chart", target, model.get("spec"));

  const themeObserver = new MutationObserver(draw);
  themeObserver.observe(document.body, { attributes: true,
                                         attributeFilter: ["data-jp-theme-light"] });
  model.on("change:spec", draw);
  model.on("change:runtime", draw);
  draw();
  return () => {
    themeObserver.disconnect();
    model.off("change:spec", draw);
    model.off("change:runtime", draw);
    charts.dispose();
  };
}

export default { render };
