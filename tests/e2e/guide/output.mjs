// What a block printed, as the checks read it: the JSON values in it (curl answers, possibly
// several, one after another or between text lines) and a jq-like path into one of them.

// Every top-level JSON object or array that starts a line, in order; text between is skipped.
export function jsonValues(text) {
  const values = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if ((c === "{" || c === "[") && (i === 0 || text[i - 1] === "\n" || /\}\s*$/.test(text.slice(Math.max(0, i - 2), i)))) {
      const end = matchingEnd(text, i);
      if (end > 0) {
        try {
          values.push(JSON.parse(text.slice(i, end + 1)));
          i = end + 1;
          continue;
        } catch { /* not JSON after all: go on */ }
      }
    }
    i++;
  }
  return values;
}

function matchingEnd(text, start) {  // index of the bracket closing text[start], or -1
  let depth = 0, inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") {
      if (--depth === 0) return i;
    }
  }
  return -1;
}

// .a.b[0]."key"[] and an optional "| length"; [] maps the rest of the path over an array.
export function pathGet(value, path) {
  let expr = path.trim(), length = false;
  const pipe = /^(.*?)\s*\|\s*length$/.exec(expr);
  if (pipe) { expr = pipe[1]; length = true; }
  const tokens = [];
  const re = /\.([A-Za-z_][\w]*)|\."((?:\\.|[^"])*)"|\[(\d+)\]|\[\]|(\.)$/gy;
  let m;
  while (re.lastIndex < expr.length && (m = re.exec(expr))) {
    if (m[1] !== undefined) tokens.push({key: m[1]});
    else if (m[2] !== undefined) tokens.push({key: m[2]});
    else if (m[3] !== undefined) tokens.push({index: Number(m[3])});
    else if (m[0] === "[]") tokens.push({all: true});
  }
  if (re.lastIndex !== expr.length && expr !== ".") throw new Error(`bad path ${path}`);
  const walk = (v, k) => {
    if (k === tokens.length) return v;
    const t = tokens[k];
    if (t.all) {
      if (!Array.isArray(v)) throw new Error(`${path}: not an array`);
      return v.map((x) => walk(x, k + 1));
    }
    if (v === null || typeof v !== "object") return undefined;
    const next = t.key !== undefined ? v[t.key] : v[t.index];
    return next === undefined ? undefined : walk(next, k + 1);
  };
  const result = walk(value, 0);
  if (length) return result == null ? 0 : (Array.isArray(result) || typeof result === "string" ? result.length : Object.keys(result).length);
  return result;
}
