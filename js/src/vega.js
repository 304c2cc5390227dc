// Drawing Vega-Lite charts in the panels. The Vega, Vega-Lite and vega-embed JavaScript comes
// from one shared widget per kernel (jupyter_ad.widgets.VegaRuntime, bundled offline by
// vl-convert): a panel holds a reference to it in its "runtime" trait and gets its exports
// through anywidget's host API. One copy of Vega for every chart on the page keeps the ids
// Vega gives SVG gradients unique (two copies both start at "gradient_0", and a legend then
// shows another chart's colours).

import { chartConfig, isDark, themeColors } from "./theme.js";

const WAIT_MS = 15000;

function waitForGlobal() {
  if (globalThis.__jupyterAdVega) return Promise.resolve(globalThis.__jupyterAdVega);
  return new Promise((resolve, reject) => {
    const waiting = (globalThis.__jupyterAdVegaWaiting = globalThis.__jupyterAdVegaWaiting || []);
    const timer = setTimeout(() => reject(new Error("the chart library did not load")), WAIT_MS);
    waiting.push((api) => {
      clearTimeout(timer);
      resolve(api);
    });
  });
}

/** The shared Vega API ({vegaEmbed}), once the model's "runtime" reference is set. */
export async function loadVega(model, host) {
  const ref = model.get("runtime");
  if (!ref) return null;
  if (host && typeof host.getWidget === "function") {
    try {
      const widget = await host.getWidget(ref);
      if (widget && widget.exports && widget.exports.vegaEmbed) return widget.exports;
    } catch (_error) {
      // fall back to the global the runtime sets when it initialises
    }
  }
  return waitForGlobal();
}

/** Embed `spec` in `target` with the theme's colours; returns the vega-embed result. */
export async function embed(api, target, spec, options = {}) {
  const colors = themeColors(target);
  const config = isDark(colors.background) ? chartConfig(colors) : { background: null };
  return api.vegaEmbed(target, spec, {
    renderer: "svg", actions: false, config, ...options,
  });
}

/** Set a signal if the view has it (charts made elsewhere may not). */
export function setSignal(view, name, value) {
  try {
    view.signal(name, value);
    return true;
  } catch (_error) {
    return false;
  }
}
