// Number formats shared with Python (jupyter_ad/report/_static.py): a value looks the same in
// the panel, its static snapshot, the HTML report and the tables. Both implementations are
// checked against tests/format_cases.json.
//
// A format ("spec") is {kind: "number", decimals, group} (fixed decimals), {kind: "number",
// digits, group} (significant digits), {kind: "bool"} or {kind: "text"}.

const SIGNIFICANT = 6;
const formatters = new Map();

function numberFormat(minDecimals, maxDecimals, group) {
  const key = `${minDecimals}/${maxDecimals}/${group}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.NumberFormat("en-US", {
      minimumFractionDigits: minDecimals,
      maximumFractionDigits: maxDecimals,
      useGrouping: group,
    }));
  }
  return formatters.get(key);
}

// Fixed decimals, rounding half away from zero; never "-0.00".
function fixed(x, decimals, group, strip) {
  let text = numberFormat(strip ? 0 : decimals, decimals, group).format(Math.abs(x));
  if (x < 0 && /[1-9]/.test(text)) text = `-${text}`;
  return text;
}

// Round the shortest decimal form of x > 0 (what JavaScript and Python print) to `digits`
// significant digits, half away from zero: its digit string and decimal exponent.
function roundSignificant(x, digits) {
  const [mantissa, exp] = x.toExponential().split("e");
  let ds = mantissa.replace(".", "");
  let exponent = Number(exp);
  if (ds.length > digits) {
    const up = ds.charCodeAt(digits) >= 53; // the first dropped digit is 5 or more
    const kept = ds.slice(0, digits).split("").map(Number);
    if (up) {
      let i = digits - 1;
      while (i >= 0 && kept[i] === 9) kept[i--] = 0;
      if (i >= 0) kept[i] += 1;
      else {
        kept.unshift(1);
        kept.pop();
        exponent += 1;
      }
    }
    ds = kept.join("");
  }
  return { ds, exponent };
}

function significant(x, digits, group) {
  const { ds, exponent } = roundSignificant(Math.abs(x), digits);
  if (exponent >= -6 && exponent < 15) {
    return fixed(x, Math.max(0, digits - 1 - exponent), group, true);
  }
  const body = ds.replace(/0+$/, "") || "0";
  const m = body.length > 1 ? `${body[0]}.${body.slice(1)}` : body;
  return `${x < 0 ? "-" : ""}${m}e${exponent}`;
}

/** `value` as text in the format `spec` (default: chosen from the value alone). */
export function formatValue(value, spec) {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value !== "number") return String(value);
  if (Number.isNaN(value)) return "";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  let s = spec;
  if (!s || s.kind !== "number") {
    s = Number.isInteger(value)
      ? { kind: "number", decimals: 0, group: false }
      : { kind: "number", digits: SIGNIFICANT, group: false };
  }
  const group = s.group !== false;
  const hasDecimals = s.decimals !== undefined && s.decimals !== null;
  if (value === 0) return hasDecimals ? fixed(0, s.decimals, group, false) : "0";
  if (hasDecimals) return fixed(value, s.decimals, group, false);
  return significant(value, s.digits || SIGNIFICANT, group);
}

/** A count with thousands separators: 20000 -> "20,000". */
export function formatCount(n) {
  return numberFormat(0, 0, true).format(n);
}

/** A share as a percentage with one decimal: 0.0515 -> "5.2%". */
export function formatShare(part, whole) {
  return whole ? `${fixed((100 * part) / whole, 1, true, false)}%` : "0.0%";
}
