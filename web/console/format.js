// Helpers shared by the console's views: building elements, and numbers, durations and times as
// every view writes them. No state and no requests here (those are in api.js).

export const $ = (selector, root = document) => root.querySelector(selector);

// An element: el("td", {class: "num", text: "12"}, child, ...).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "style") node.setAttribute("style", value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function number(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString("en-US");
  if (Math.abs(value) >= 100) digits = Math.min(digits, 1);
  return Number(value.toFixed(digits)).toString();
}

// A number short enough for a chart's axis (about 5 characters): 30000 → "30k", 1250 → "1.25k",
// 2500000 → "2.5M"; below 1000 as number() writes it. The axis has a fixed width, and "30,000"
// does not fit in it: the canvas cut it to "0,000".
export function compact(value, digits = 2) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const size = Math.abs(value);
  if (size >= 999_995) return `${Number((value / 1e6).toFixed(2))}M`;
  if (size >= 1000) return `${Number((value / 1e3).toFixed(2))}k`;
  return number(value, digits);
}

export function ms(value) {
  if (value === null || value === undefined) return "–";
  if (value >= 1000) return number(value / 1000, 2) + " s";
  if (value >= 10) return number(value, 1) + " ms";
  return number(value, 3) + " ms";
}

export function clockTime(msSinceEpoch, withMillis = false) {
  const date = new Date(msSinceEpoch);
  const text = date.toLocaleTimeString("en-GB", {hour12: false});
  return withMillis ? `${text}.${String(date.getMilliseconds()).padStart(3, "0")}` : text;
}

// An RFC 3339 time ("2024-05-01T10:00:00.123Z") as local clock time, with milliseconds when
// the text has them.
export function logTime(text) {
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? text : clockTime(parsed, /T[\d:]+\.\d/.test(text));
}

export function isHex(text, digits) {
  return new RegExp(`^[0-9a-f]{${digits}}$`).test(text);
}

export const MB = 1024 * 1024;

// One palette for the dashboard's charts and the bulk test's, so that they read alike.
export const COLORS = {
  blue: "#2563eb", orange: "#ea580c", red: "#dc2626", green: "#16a34a", purple: "#7c3aed",
  grey: "#6b7280", teal: "#0d9488", pink: "#db2777",
};

// A log line's structured fields as key=value text: the log table and the trace view's log lines
// must show them alike.
export function logFields(log) {
  return Object.entries(log.fields || {})
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
}

// The entries of a <dl class="facts"> from [key, value] pairs, "–" for a missing value.
export function factItems(pairs) {
  return pairs.map(([key, value]) => el("div", {},
      el("dt", {text: key}), el("dd", {text: value ?? "–"})));
}
