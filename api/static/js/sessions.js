// Conversations listed in the side panel.

import {$, h, clear, fill, icon, toast, formatDate} from "./dom.js";
import {api, enc} from "./http.js";
import {state} from "./state.js";

export async function loadSessions() {
  try {
    const data = await api("/v1/sessions");
    state.sessions = data.sessions || [];
  } catch (exc) {
    if (exc.status !== 401) toast(`Không tải được danh sách trò chuyện: ${exc.message}`, "error");
    return;
  }
  renderSessions();
}

export function renderSessions() {
  const list = clear($("#session-list"));
  $("#sessions-empty").hidden = state.sessions.length > 0;
  for (const s of state.sessions) {
    const title = s.title || "Cuộc trò chuyện";
    const current = s.id === state.sessionId;
    const del = h("button", {type: "button", class: "btn btn-icon session-delete", "aria-label": `Xóa cuộc trò chuyện “${title}”`,
      title: "Xóa"}, icon("trash"));
    del.addEventListener("click", () => confirmDelete(del, s));
    list.append(h("li", {class: current ? "session current" : "session"},
      h("a", {href: `#/hoi-dap/${enc(s.id)}`, class: "session-open", "aria-current": current ? "page" : null},
        h("span", {class: "session-title"}, title),
        h("span", {class: "session-meta"}, `${formatDate(s.updated_at || s.created_at)} · ${s.turns ?? 0} lượt`)),
      del));
  }
}

function confirmDelete(button, session) {
  if (button.dataset.confirm !== "1") { // two steps, no blocking dialog
    button.dataset.confirm = "1";
    button.classList.add("confirm");
    fill(button, "Xóa?");
    button.setAttribute("aria-label", `Bấm lần nữa để xóa “${session.title || "cuộc trò chuyện"}”`);
    setTimeout(() => { if (button.isConnected && button.dataset.confirm === "1") renderSessions(); }, 4000);
    return;
  }
  deleteSession(session);
}

async function deleteSession(session) {
  try {
    await api(`/v1/sessions/${enc(session.id)}`, {method: "DELETE"});
  } catch (exc) {
    toast(`Không xóa được: ${exc.message}`, "error");
    return;
  }
  state.sessions = state.sessions.filter((s) => s.id !== session.id);
  toast("Đã xóa cuộc trò chuyện.");
  if (state.sessionId === session.id) location.hash = "#/hoi-dap";
  renderSessions();
}
