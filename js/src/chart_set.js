// Named Vega-Lite charts drawn into a panel with the shared chart library: each draw replaces
// the chart of that name, and a draw that a newer one overtook (a new spec, the library
// arriving, a theme change) is dropped, so two views never end up in one place.

import { embed, loadVega } from "./vega.js";

/** A set of charts for one widget view: {draw(name, target, spec), view(name), dispose()}. */
export function chartSet(model, host) {
  const state = { results: {}, generation: {}, vega: null, disposed: false };

  async function draw(name, target, spec) {
    const generation = (state.generation[name] || 0) + 1;
    state.generation[name] = generation;
    const stale = () => state.disposed || state.generation[name] !== generation;
    if (state.results[name]) {
      state.results[name].finalize();
      delete state.results[name];
    }
    target.replaceChildren();
    if (!spec || !Object.keys(spec).length) return null;
    if (!state.vega) {
      target.textContent = "Drawing charts…";
      const vega = await loadVega(model, host).catch((err) => {
        if (!stale()) target.textContent = `Charts not drawn: ${err.message}`;
        return null;
      });
      if (stale() || !vega) return null; // no library yet: change:runtime draws again
      state.vega = vega;
      target.replaceChildren();
    }
    let result;
    try {
      result = await embed(state.vega, target, spec);
    } catch (err) {
      if (!stale()) target.textContent = `Chart not drawn: ${err.message}`;
      return null;
    }
    if (stale()) {
      result.finalize();
      return null;
    }
    state.results[name] = result;
    return result.view;
  }

  return {
    draw,
    views: () => Object.fromEntries(Object.entries(state.results).map(([k, r]) => [k, r.view])),
    dispose() {
      state.disposed = true;
      for (const result of Object.values(state.results)) result.finalize();
    },
  };
}
