// HTTP: JSON calls to the API with its error shape, and URL building.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export async function errorFrom(res) {
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  const err = (data && data.error) || {};
  let message = err.message;
  if (!message && data && data.detail) message = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
  if (!message) message = res.status === 404 ? "Không tìm thấy." : `Máy chủ trả lỗi (${res.status}).`;
  return new ApiError(res.status, err.code || `http_${res.status}`, message);
}

let whenUnauthorized = () => {};

/** Set what a 401 from the API does (the login has expired); main.js sets it once at start-up. */
export function onUnauthorized(handler) {
  whenUnauthorized = handler;
}

/** The API refused this client's login (a 401 on any call but the login itself). */
export function unauthorized() {
  whenUnauthorized();
}

export async function api(path, {method = "GET", body, form, signal} = {}) {
  const init = {method, headers: {Accept: "application/json"}, credentials: "same-origin", signal};
  if (form) init.body = form;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (exc) {
    if (exc.name === "AbortError") throw exc;
    throw new ApiError(0, "network", "Không kết nối được với máy chủ.");
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && path !== "/v1/auth/login") unauthorized();
    throw err;
  }
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  return type.includes("json") ? res.json() : res.text();
}

export const enc = encodeURIComponent;

export function withQuery(path, params) {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [value].flat()) if (v != null && v !== "") qs.append(key, v);
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}
