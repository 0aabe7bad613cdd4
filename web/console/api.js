// Talking to the service, for every view: api() for its JSON (with the admin token), pollers, the
// status line where failures are reported, and action() for the admin controls.
import {$} from "./format.js";

const TOKEN_KEY = "sre-lab-admin-token";

const statusLine = $("#status");
let statusTimer = 0;

export function announce(message, kind = "info") {
  clearTimeout(statusTimer);
  statusLine.textContent = message;
  statusLine.className = `status ${kind}`;
  if (kind !== "error") statusTimer = setTimeout(() => {
    statusLine.textContent = "";
    statusLine.className = "status";
  }, 6000);
}

class ApiError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// JSON from the service; a non-2xx answer throws an ApiError whose message carries the
// answer's `detail` (or `error`), which is what the user needs to read.
export async function api(path, {method = "GET", body} = {}) {
  const headers = {Accept: "application/json"};
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError(`${method} ${path}: no answer from the service (${error.message})`, 0);
  }
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const detail = (json && (json.detail || json.error)) || text || response.statusText;
    throw new ApiError(`${method} ${path.split("?")[0]} → ${response.status}: ${detail}`,
                       response.status, json);
  }
  return json;
}

// A form's values as an admin endpoint takes them: numbers as numbers, empty fields left out.
// The forms are novalidate: the service checks the ranges and its 4xx names the field.
export function formBody(form) {
  const body = {};
  for (const input of form.querySelectorAll("input[name], select[name]")) {
    if (input.type === "checkbox") body[input.name] = input.checked;
    else if (input.tagName === "SELECT") body[input.name] = input.value;
    else if (input.value.trim() !== "") {
      const value = Number(input.value);
      body[input.name] = Number.isFinite(value) ? value : input.value;
    }
  }
  return body;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== "") search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

// Repeats `task` every `periodMs` from the start of one run to the start of the next (so a
// 1 s poll stays at 1 s however long the request takes), while `active()` says so and the page
// is visible. A failure is announced once until the next success.
export function poller(name, periodMs, task, active = () => true) {
  let timer = 0;
  let failing = false;
  let running = false;
  let again = false;  // now() was called during a run: run once more right after it
  async function tick() {
    timer = 0;
    if (running) {
      again = true;
      return;
    }
    const started = performance.now();
    if (!document.hidden && active()) {
      running = true;
      try {
        await task();
        if (failing) announce(`${name}: the service answers again`);
        failing = false;
      } catch (error) {
        if (!failing) announce(`${name}: ${error.message}`, "error");
        failing = true;
      } finally {
        running = false;
      }
    }
    const delay = again ? 0 : Math.max(0, periodMs - (performance.now() - started));
    again = false;
    timer = setTimeout(tick, delay);
  }
  return {
    start() { if (!timer && !running) tick(); },
    now() { clearTimeout(timer); timer = 0; tick(); },
  };
}

// Admin token: kept for this browser tab only.
const tokenInput = $("#admin-token");
tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || "";
$("#token-form").addEventListener("submit", (event) => event.preventDefault());
tokenInput.addEventListener("change", () => {
  const token = tokenInput.value.trim();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  announce(token ? "Admin token set for this tab" : "Admin token cleared");
});

function showOutput(output, message, kind) {
  output.textContent = message;
  output.className = `form-output ${kind}`;
  announce(message, kind);
}

// Runs an admin action from a button or form: disables the control while it runs and shows
// the outcome (or the API's detail) beside it and in the status line.
export async function action(control, output, run) {
  control.disabled = true;
  try {
    const message = await run();
    showOutput(output, message, "ok");
  } catch (error) {
    showOutput(output, error.message, "error");
  } finally {
    control.disabled = false;
  }
}
