// The installable client: the service worker that keeps the application shell, and the "không có kết nối" state.
// Answers and case data are never kept on the device (see /sw.js): without a connection the client says so.

import {$, $$} from "./dom.js";

const listeners = [];

const isOffline = () => !navigator.onLine;

/** Run ``handler`` whenever the connection comes back (auth.js uses it to resume a login checked while offline). */
export function whenOnline(handler) {
  listeners.push(handler);
}

function show() {
  const offline = isOffline();
  $("#offline-banner").hidden = !offline;
  document.body.classList.toggle("offline", offline);
  // what needs the server cannot be sent: say why on the buttons instead of failing after a tap
  for (const button of $$("form button[type=submit]")) {
    if (offline) {
      button.dataset.offline = "1";
      button.disabled = true;
      button.title = "Không có kết nối mạng";
    } else if (button.dataset.offline) {
      delete button.dataset.offline;
      button.disabled = false;
      button.removeAttribute("title");
    }
  }
}

/** Keep the banner in step with the connection; on a phone, keep the field being typed in above the keyboard. */
export function startOfflineState() {
  window.addEventListener("offline", show);
  window.addEventListener("online", () => {
    show();
    for (const handler of listeners) handler();
  });
  show();
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", () => {
      const field = document.activeElement;
      if (field && field.matches("textarea, input")) field.scrollIntoView({block: "nearest"});
    });
  }
}

/** Register /sw.js where the browser allows it (a secure context: HTTPS, or localhost). */
export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch((exc) => {
    console.warn("ThuKy: the offline shell is not installed:", exc.message); // the client works without it
  });
}
