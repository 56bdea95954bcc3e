// Navigation: the hash router, which page shows, and the side panel.

import {$, $$} from "./dom.js";
import {state} from "./state.js";
import {parseHash} from "./hash.js";
import {openConversation} from "./chat.js";
import {showSearch} from "./search.js";
import {showDocument} from "./document.js";
import {startJobs, stopJobsPolling} from "./admin.js";

export function setSidebar(open) {
  document.body.classList.toggle("sidebar-open", open);
  $("#menu-toggle").setAttribute("aria-expanded", String(open));
  $("#menu-toggle .visually-hidden").textContent = open ? "Đóng menu" : "Mở menu";
  $("#sidebar-backdrop").hidden = !open;
}

function showPage(name) {
  for (const page of $$(".page")) page.hidden = page.id !== `page-${name}`;
  for (const link of $$("[data-nav]")) {
    if (link.dataset.nav === navOf(name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (state.page !== name && name !== "chat") $("#main").focus({preventScroll: true});
  if (state.page === "admin" && name !== "admin") stopJobsPolling();
  state.page = name;
}

function navOf(page) {
  return {chat: "hoi-dap", search: "tra-cuu", document: "tra-cuu", cases: "an-tuong-tu", admin: "quan-tri"}[page];
}

export function route() {
  if (!state.user) return;
  setSidebar(false);
  const {parts, params} = parseHash();
  switch (parts[0]) {
    case undefined:
    case "hoi-dap":
      showPage("chat");
      openConversation(parts[1] || null);
      break;
    case "tra-cuu":
      showPage("search");
      showSearch(params);
      break;
    case "van-ban":
      showPage("document");
      showDocument(parts[1], parts[2], params);
      break;
    case "an-tuong-tu":
      showPage("cases");
      break;
    case "quan-tri":
      if (state.user.role !== "admin") { showPage("forbidden"); break; }
      showPage("admin");
      startJobs();
      break;
    default:
      location.replace("#/hoi-dap");
  }
}
