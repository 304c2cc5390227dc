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

/** Keys a focused control keeps to itself; everything else (Ctrl+S...) reaches JupyterLab. */
export function keepKeys(event, keys) {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if (keys.includes(event.key)) {
    event.stopPropagation();
    return true;
  }
  return false;
}
