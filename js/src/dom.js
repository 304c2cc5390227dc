// A tiny DOM builder shared by the panels.

/**
 * Create an element: h("button", {class: "x", text: "Go", onclick: f}, [children]).
 * `text` sets textContent (never innerHTML); `on<event>` attributes add listeners; `false`,
 * `null` and `undefined` attributes are left out.
 */
export function h(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) if (child) node.appendChild(child);
  return node;
}

/**
 * A column heading that sorts the table: a button showing the column's name (with ▲ or ▼ when
 * it is the sort column) in a `th` carrying `aria-sort`. A click on the sort column reverses
 * the order; on another column it sorts by that column, ascending when `ascendingFirst(key)`.
 * `state` holds `sortKey` and `sortAscending`; `redraw` is called after each change.
 */
export function sortHeader(col, state, redraw, ascendingFirst = () => false) {
  const sorted = state.sortKey === col.key;
  const button = h("button", {
    type: "button", class: "jad-sort",
    text: col.name + (sorted ? (state.sortAscending ? " ▲" : " ▼") : ""),
    "aria-label": `sort by ${col.name}`,
    onclick: () => {
      if (state.sortKey === col.key) state.sortAscending = !state.sortAscending;
      else {
        state.sortKey = col.key;
        state.sortAscending = ascendingFirst(col.key);
      }
      redraw();
    },
  });
  return h("th", { scope: "col", "aria-sort": sorted
    ? (state.sortAscending ? "ascending" : "descending") : false }, [button]);
}

/** Whether `event` is one of `keys` pressed without Ctrl, Meta or Alt. */
export function plainKey(event, keys) {
  return !(event.ctrlKey || event.metaKey || event.altKey) && keys.includes(event.key);
}

/**
 * Keyboard routing for a panel. JupyterLab and Notebook 7 run their shortcuts from a keydown
 * listener on the document (Notebook 7 in the capture phase, before any element sees the
 * key), so a panel cannot keep a key by stopping it at its own elements. This listens on the
 * window, in the capture phase, which comes first: a key pressed in `root` goes to the first
 * route whose `matches(target)` holds; when its `handle(event)` returns true the key is the
 * panel's (propagation stops; the element's default action, such as a button's click, still
 * happens). Every other key, Ctrl+S included, goes on to the notebook as usual.
 */
export function keyRouter(root) {
  const routes = [];
  const listener = (event) => {
    const target = event.target;
    if (!(target instanceof Node) || !root.contains(target)) return;
    for (const [matches, handle] of routes) {
      if (matches(target)) {
        if (handle(event)) event.stopPropagation();
        return;
      }
    }
  };
  // A click outside the panel (a cell's prompt, another cell) gives the focus back to the
  // notebook: JupyterLab keeps the focus where it is when it is already inside the notebook.
  const release = (event) => {
    const active = document.activeElement;
    if (active && root.contains(active) && !root.contains(event.target)
        && typeof active.blur === "function") active.blur();
  };
  window.addEventListener("keydown", listener, true);
  window.addEventListener("mousedown", release, true);
  return {
    on(matches, handle) { routes.push([matches, handle]); },
    dispose() {
      window.removeEventListener("keydown", listener, true);
      window.removeEventListener("mousedown", release, true);
    },
  };
}
