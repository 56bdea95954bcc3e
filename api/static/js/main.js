// ThuKy web client: native ES modules, no build step, no dependencies, nothing fetched from outside this server.
// This entry point wires the page's controls to the modules and starts the client.

import {$, $$} from "./dom.js";
import {onUnauthorized} from "./http.js";
import {state} from "./state.js";
import {onLogin, onLogout, resume, sessionExpired} from "./auth.js";
import {route, setSidebar} from "./router.js";
import {onAsk} from "./chat.js";
import {attachFile} from "./files.js";
import {FILTER_FIELDS, paramsFromForm, searchHash} from "./search.js";
import {onCases} from "./cases.js";
import {onUpload, refreshJobs} from "./admin.js";
import {registerServiceWorker, startOfflineState} from "./offline.js";

function boot() {
  onUnauthorized(sessionExpired);
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#menu-toggle").addEventListener("click", () => setSidebar(!document.body.classList.contains("sidebar-open")));
  $("#sidebar-backdrop").addEventListener("click", () => setSidebar(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("sidebar-open")) {
      setSidebar(false);
      $("#menu-toggle").focus();
    }
  });
  $("#new-chat").addEventListener("click", () => {
    state.shownSession = undefined;
    if (location.hash === "#/hoi-dap") route(); else location.hash = "#/hoi-dap";
    $("#question").focus();
  });
  $("#chat-form").addEventListener("submit", onAsk);
  $("#case-file-input").addEventListener("change", (event) => {
    const file = event.target.files[0];
    event.target.value = "";
    if (file) attachFile(file);
  });
  $("#question").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("#chat-form").requestSubmit();
    }
  });
  for (const button of $$(".example")) {
    button.addEventListener("click", () => { $("#question").value = button.textContent; $("#chat-form").requestSubmit(); });
  }
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    if (!$("#search-q").value.trim()) { $("#search-q").focus(); return; }
    location.hash = searchHash(paramsFromForm());
  });
  for (const [, sel] of FILTER_FIELDS) {
    $(sel).addEventListener("change", () => {
      if ($("#search-q").value.trim()) location.hash = searchHash(paramsFromForm());
    });
  }
  $("#filters-clear").addEventListener("click", () => {
    for (const [, sel] of FILTER_FIELDS) $(sel).value = "";
    if ($("#search-q").value.trim()) location.hash = searchHash(paramsFromForm());
  });
  $("#viewer-close").addEventListener("click", () => $("#viewer").close());
  $("#viewer").addEventListener("click", (event) => { if (event.target === $("#viewer")) $("#viewer").close(); });
  $("#cases-form").addEventListener("submit", onCases);
  $("#cases-facts").addEventListener("keydown", (event) => { // several lines of facts: Ctrl/⌘+Enter sends
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); $("#cases-form").requestSubmit(); }
  });
  $("#upload-form").addEventListener("submit", onUpload);
  $("#jobs-refresh").addEventListener("click", refreshJobs);
  window.addEventListener("hashchange", route);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && state.page === "admin" && state.jobsTimer) refreshJobs();
  });

  startOfflineState();
  resume();
  registerServiceWorker();
}

boot();
