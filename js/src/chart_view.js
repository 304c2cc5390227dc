// Front end of jupyter_ad.widgets.ChartView: one Vega-Lite chart, drawn with the shared chart
// library (jupyter_ad.widgets.VegaRuntime) in the theme's colours. Used for the Altair charts
// of a notebook once charts.enable_notebook() is on (res.plot(), %ad_explain).

import { h } from "./dom.js";
import { embed, loadVega } from "./vega.js";

function render({ model, el, host }) {
  el.classList.add("jad-chart-view");
  const target = h("div", { class: "jad-chart", role: "img",
                            "aria-label": model.get("description") || "chart" });
  el.appendChild(target);
  const state = { result: null, generation: 0, disposed: false };

  async function draw() {
    const generation = (state.generation += 1);
    const stale = () => state.disposed || generation !== state.generation;
    if (state.result) state.result.finalize();
    state.result = null;
    target.textContent = "Drawing the chart…";
    const vega = await loadVega(model, host).catch((err) => {
      if (!stale()) target.textContent = `Chart not drawn: ${err.message}`;
      return null;
    });
    if (stale() || !vega) return;
    target.replaceChildren();
    try {
      const result = await embed(vega, target, model.get("spec"));
      if (stale()) result.finalize();
      else state.result = result;
    } catch (err) {
      if (!stale()) target.textContent = `Chart not drawn: ${err.message}`;
    }
  }

  const themeObserver = new MutationObserver(draw);
  themeObserver.observe(document.body, { attributes: true,
                                         attributeFilter: ["data-jp-theme-light"] });
  model.on("change:spec", draw);
  model.on("change:runtime", draw);
  draw();
  return () => {
    state.disposed = true;
    themeObserver.disconnect();
    model.off("change:spec", draw);
    model.off("change:runtime", draw);
    if (state.result) state.result.finalize();
  };
}

export default { render };
