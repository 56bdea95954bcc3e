// Case files (hồ sơ vụ án) of the current conversation: attach one, watch it being read, open its reading, and open a
// file citation to its passage (page, paragraph) with the quote highlighted.

import {$, h, clear, fill, icon, toast} from "./dom.js";
import {loadSessions} from "./sessions.js";
import {api, enc, withQuery} from "./http.js";
import {state} from "./state.js";

let polling = null;

function viewer(title) {
  const dialog = $("#viewer");
  $("#viewer-title").textContent = title;
  const body = clear($("#viewer-body"));
  body.append(h("p", {class: "muted"}, "Đang tải…"));
  if (!dialog.open) dialog.showModal();
  return body;
}

/** A file citation opened to its passage: the page's paragraphs, the cited one marked. */
export async function openPassage(sessionId, c) {
  const body = viewer(`Tệp: ${c.file_name}, trang ${c.page}, đoạn ${c.paragraph}`);
  try {
    const data = await api(withQuery(`/v1/sessions/${enc(sessionId)}/files/${enc(c.file_id)}/passages`, {page: c.page}));
    fill(body, h("div", {class: "file-page"}, data.passages.map((p) => {
      if (p.passage !== c.passage) return h("p", {class: "file-passage"}, p.text);
      const at = c.quote ? p.text.indexOf(c.quote) : -1;
      return h("p", {class: "file-passage cited", id: "cited-passage"}, at < 0 ? h("mark", null, p.text)
        : [p.text.slice(0, at), h("mark", null, c.quote), p.text.slice(at + c.quote.length)]);
    })));
    $("#cited-passage", body)?.scrollIntoView({block: "center"});
  } catch (exc) {
    fill(body, h("p", {class: "form-error", role: "alert"}, `Không mở được đoạn trích: ${exc.message}`));
  }
}

export function fileChipsFor(citations, sessionId) {
  if (!citations || !citations.length) return null;
  return h("div", {class: "citations file-citations"}, h("p", {class: "label"}, "Trích hồ sơ:"),
    h("ul", {class: "chips"}, citations.map((c) => h("li", null, h("button", {type: "button",
      class: "btn btn-chip file-chip", title: c.quote || null, onclick: () => openPassage(sessionId, c)},
    `Tệp: ${c.file_name}, trang ${c.page}, đoạn ${c.paragraph}`)))));
}

/** "2021-03-15" → "15/03/2021", as dates are written in Vietnamese court documents. */
const dayMonthYear = (iso) => iso.split("-").reverse().join("/");

const STATUS = {ok: "✓", unresolved: "?", no_such_article: "⚠", not_in_force: "⚠"};

/** The reading of a case file: parties, claims, timeline, provisions checked, similar judgments. */
export async function openReading(sessionId, fileId) {
  const body = viewer("Hồ sơ vụ án");
  try {
    const f = await api(`/v1/sessions/${enc(sessionId)}/files/${enc(fileId)}`);
    const r = f.reading;
    $("#viewer-title").textContent = `Hồ sơ: ${f.name}`;
    if (!r) { fill(body, h("p", {class: "muted"}, f.message || "Đang đọc hồ sơ…")); return; }
    const section = (title, items) => items.length ? [h("h3", null, title), h("ul", {class: "reading-list"}, items)] : [];
    fill(body, h("div", {class: "reading"},
      h("p", {class: "muted small"}, [r.number, r.court, r.date && dayMonthYear(r.date), `${f.pages} trang`].filter(Boolean).join(" · ")),
      section("Đương sự", r.parties.map((p) => h("li", null, h("strong", null, `${p.role}: `), p.name))),
      section("Yêu cầu", r.claims.map((c) => h("li", null, c))),
      section("Các mốc thời gian", r.timeline.map((e) => h("li", {class: e.kind === "judgment" ? "timeline-judgment" : null},
        h("strong", null, dayMonthYear(e.date)), " ", e.text))),
      section(`Điều luật được viện dẫn (${r.flagged} cần lưu ý)`, r.provisions.map((p) => h("li",
        {class: `provision provision-${p.status}`}, `${STATUS[p.status] || ""} ${p.label}`,
        p.note ? h("span", {class: "validity-note"}, ` — ${p.note}`) : null))),
      section("Bản án tương tự", r.similar.map((c) => h("li", null, h("strong", null, c.title),
        c.provisions.length ? h("span", {class: "small muted"}, ` — đã áp dụng: ${c.provisions.slice(0, 8).join("; ")}`) : null)))));
  } catch (exc) {
    fill(body, h("p", {class: "form-error", role: "alert"}, `Không mở được hồ sơ: ${exc.message}`));
  }
}

function fileItem(sid, f) {
  const del = h("button", {type: "button", class: "btn btn-icon file-delete", "aria-label": `Xóa ${f.name}`, title: "Xóa"},
    icon("trash"));
  del.addEventListener("click", () => confirmDelete(del, sid, f));
  if (f.status === "done") {
    return h("li", {class: "case-file case-file-done"},
      h("button", {type: "button", class: "btn btn-chip case-file-open", onclick: () => openReading(sid, f.id)},
        icon("file"), f.name), del);
  }
  const failed = f.status === "failed";
  return h("li", {class: `case-file case-file-${f.status}`},
    h("span", {class: "case-file-state"}, icon("file"), ` ${f.name} — `, failed ? h("span", {class: "form-error"}, f.message || "không đọc được")
      : [`đang đọc ${Math.round((f.progress || 0) * 100)}%`, " ",
        h("progress", {max: "100", value: String(Math.round((f.progress || 0) * 100)), "aria-label": `Tiến độ đọc ${f.name}`})]),
    del);
}

function confirmDelete(button, sid, f) {
  if (button.dataset.confirm !== "1") { // two steps, as for a conversation: a slip of the thumb deletes nothing
    button.dataset.confirm = "1";
    button.classList.add("confirm");
    fill(button, "Xóa?");
    button.setAttribute("aria-label", `Bấm lần nữa để xóa ${f.name}`);
    setTimeout(() => { if (button.isConnected && button.dataset.confirm === "1") loadFiles(); }, 4000);
    return;
  }
  deleteFile(sid, f);
}

async function deleteFile(sid, f) {
  try {
    await api(`/v1/sessions/${enc(sid)}/files/${enc(f.id)}`, {method: "DELETE"});
    toast(`Đã xóa ${f.name}.`);
  } catch (exc) {
    toast(`Không xóa được hồ sơ: ${exc.message}`, "error");
  }
  loadFiles();
}

/** The files bar of the current conversation, polled while a file is being read. */
export async function loadFiles() {
  const list = $("#case-files");
  if (!list) return;
  clearTimeout(polling);
  const sid = state.sessionId;
  if (!sid) { clear(list); return; }
  let files;
  try {
    files = (await api(`/v1/sessions/${enc(sid)}/files`)).files;
  } catch (exc) {
    if (exc.status === 404 || exc.status === 401) return;
    polling = setTimeout(loadFiles, 3000); // a lost connection: try again rather than stop following the job
    return;
  }
  if (state.sessionId !== sid) return;
  fill(list, files.map((f) => fileItem(sid, f)));
  if (files.some((f) => f.status === "queued" || f.status === "running")) polling = setTimeout(loadFiles, 1000);
}

/** Attach a file to the current conversation (starting one when there is none). */
export async function attachFile(file) {
  try {
    if (!state.sessionId) {
      const s = await api("/v1/sessions", {method: "POST", body: {title: file.name}});
      state.sessionId = s.id;
      state.shownSession = s.id;
      history.replaceState(null, "", `#/hoi-dap/${enc(s.id)}`);
      loadSessions(); // the new conversation is listed in the side panel
    }
    const form = new FormData();
    form.append("file", file);
    await api(`/v1/sessions/${enc(state.sessionId)}/files`, {method: "POST", form});
    toast(`Đã tải lên ${file.name}; ThuKy đang đọc hồ sơ.`);
  } catch (exc) {
    toast(`Không tải được hồ sơ: ${exc.message}`, "error");
  }
  loadFiles();
}
