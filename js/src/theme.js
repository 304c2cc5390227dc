// Colours of the charts from JupyterLab's theme (CSS variables), so they read well in the
// dark theme too.

/** [r, g, b] of "#rgb", "#rrggbb" or "rgb(r, g, b)" / "rgba(...)", else null. */
export function parseColor(text) {
  const value = String(text || "").trim();
  let m = /^#([0-9a-f]{3})$/i.exec(value);
  if (m) return m[1].split("").map((c) => parseInt(c + c, 16));
  m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(value);
  if (m) return [0, 2, 4].map((i) => parseInt(m[1].slice(i, i + 2), 16));
  m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(value);
  if (m) return [m[1], m[2], m[3]].map(Number);
  return null;
}

/** True when the background colour is dark (relative luminance below 0.4). */
export function isDark(background) {
  const rgb = parseColor(background);
  if (!rgb) return false;
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.4;
}

/** A Vega config with the theme's text, line and grid colours (`colors` from CSS variables). */
export function chartConfig(colors) {
  const text = colors.text || "#222";
  const muted = colors.muted || "#555";
  const line = colors.line || "#ccc";
  return {
    background: null,
    view: { stroke: line },
    title: { color: text, subtitleColor: muted },
    axis: {
      labelColor: muted, titleColor: text, gridColor: line, domainColor: muted,
      tickColor: muted,
    },
    legend: { labelColor: muted, titleColor: text },
    header: { labelColor: text, titleColor: text },
    text: { color: text },
    rule: { color: text },
  };
}

/** The theme colours read from the CSS variables around `el`. */
export function themeColors(el) {
  const style = getComputedStyle(el);
  const read = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    background: read("--jp-layout-color0", "#ffffff"),
    text: read("--jp-ui-font-color1", "#222222"),
    muted: read("--jp-ui-font-color2", "#555555"),
    line: read("--jp-border-color2", "#dddddd"),
  };
}
