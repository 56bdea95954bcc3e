// Login, logout and the signed-in user.

import {$, clear} from "./dom.js";
import {api} from "./http.js";
import {state} from "./state.js";
import {route} from "./router.js";
import {loadSessions} from "./sessions.js";
import {probeCases} from "./cases.js";
import {stopJobsPolling} from "./admin.js";
import {whenOnline} from "./offline.js";

const USER_HINT = "thuky.user"; // only says "a login cookie probably exists"; the cookie itself is HttpOnly

function showLogin(message) {
  state.user = null;
  $("#app-view").hidden = true;
  $("#login-view").hidden = false;
  const err = $("#login-error");
  err.hidden = !message;
  err.textContent = message || "";
  stopJobsPolling();
  if ($("#viewer").open) $("#viewer").close();
  $("#login-username").focus();
}

export function sessionExpired() {
  if (!state.user) return;
  localStorage.removeItem(USER_HINT);
  showLogin("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.");
}

export async function onLogin(event) {
  event.preventDefault();
  const username = $("#login-username").value.trim();
  const password = $("#login-password").value;
  const err = $("#login-error");
  if (!username || !password) {
    err.textContent = "Vui lòng nhập tên đăng nhập và mật khẩu.";
    err.hidden = false;
    return;
  }
  const button = $("#login-form button[type=submit]");
  button.disabled = true;
  try {
    const data = await api("/v1/auth/login", {method: "POST", body: {username, password}});
    $("#login-password").value = "";
    enterApp(data.user);
  } catch (exc) {
    err.textContent = exc.status === 401 ? "Sai tên đăng nhập hoặc mật khẩu." : exc.message;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

export async function onLogout() {
  try { await api("/v1/auth/logout", {method: "POST"}); } catch { /* the cookie is cleared either way */ }
  localStorage.removeItem(USER_HINT);
  state.sessions = [];
  state.sessionId = null;
  state.shownSession = undefined;
  state.documents = null;
  state.docCache = null;
  state.corpus = null;
  state.page = null;
  clear($("#messages"));
  clear($("#results"));
  clear($("#session-list"));
  showLogin();
  if (location.hash) history.replaceState(null, "", location.pathname);
}

/** At start-up: enter the app if the login cookie still holds, else show the login page. Without a connection
 * the question cannot be asked: the login page shows (with the offline banner), the hint is kept, and the question is
 * asked again when the connection comes back. */
export function resume() {
  if (localStorage.getItem(USER_HINT)) { // a login cookie may exist: ask who it belongs to
    api("/v1/me").then(enterApp, (exc) => {
      if (exc.status === 0) { showLogin(); return; } // no connection: not a sign that the login is gone
      localStorage.removeItem(USER_HINT);
      showLogin();
    });
  } else showLogin();
}

whenOnline(() => { if (!state.user && localStorage.getItem(USER_HINT)) resume(); });

function enterApp(user) {
  state.user = user;
  localStorage.setItem(USER_HINT, user.username);
  $("#login-view").hidden = true;
  $("#app-view").hidden = false;
  $("#user-name").textContent = `${user.username} (${roleName(user.role)})`;
  $("#nav-admin").hidden = user.role !== "admin";
  loadSessions();
  probeCases();
  route();
}

function roleName(role) {
  return {judge: "thẩm phán", clerk: "thư ký", evaluator: "đánh giá viên", admin: "quản trị"}[role] || role;
}
