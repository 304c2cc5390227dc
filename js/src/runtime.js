// The shared chart library: bundled by vl-convert with Vega, Vega-Lite and vega-embed (which
// provides `vegaEmbed`) into the ES module of jupyter_ad.widgets.VegaRuntime. No imports here:
// the bundler resolves `vegaEmbed`.
const api = { vegaEmbed, version: vegaEmbed.version };

export default {
  initialize() {
    if (!globalThis.__jupyterAdVega) globalThis.__jupyterAdVega = api;
    const waiting = globalThis.__jupyterAdVegaWaiting || [];
    globalThis.__jupyterAdVegaWaiting = [];
    for (const resolve of waiting) resolve(globalThis.__jupyterAdVega);
    return globalThis.__jupyterAdVega;
  },
};
