// ThuKy web client: plain ES module, no dependencies, nothing fetched from outside this server.
// Every server string goes into the DOM as text (h() / append()), except the search `highlight` field, which the API
// documents as HTML-safe and which is still rebuilt here keeping only text and <mark> (markedFragment()).

"use strict";

// ---------------------------------------------------------------------------------------------------------------
// DOM helpers
// ---------------------------------------------------------------------------------------------------------------

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Create an element; children (strings, numbers, nodes, arrays) are appended as text or nodes — never as HTML. */
function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function clear(el) {
  el.replaceChildren();
  return el;
}

/** Replace an element's children (null/false children are skipped, strings become text). */
function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** The API's `highlight` (HTML-escaped text with <mark>) as a fragment holding only text and <mark> elements. */
function markedFragment(html) {
  const tpl = document.createElement("template"); // inert: nothing in it runs or loads
  tpl.innerHTML = String(html ?? "");
  const out = document.createDocumentFragment();
  const walk = (node, into) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) into.append(child.textContent);
      else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "MARK") into.append(walk(child, document.createElement("mark")));
        else walk(child, into);
      }
    }
    return into;
  };
  return walk(tpl.content, out);
}

const ICONS = {
  up: "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
  trash: "M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z",
};

/** A decorative inline SVG icon (👍 = "up", 👎 = "down", 🗑 = "trash"); the control around it carries the label. */
function icon(name) {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.classList.add("icon");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", ICONS[name === "down" ? "up" : name]);
  path.setAttribute("fill", "currentColor");
  if (name === "down") path.setAttribute("transform", "rotate(180 12 12)");
  svg.append(path);
  return svg;
}

function toast(message, kind = "info") {
  const el = $("#toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("show"), 4000);
}

function formatDate(value, withTime = true) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return withTime ? d.toLocaleString("vi-VN", {dateStyle: "short", timeStyle: "short"})
    : d.toLocaleDateString("vi-VN");
}

const isPhone = () => window.matchMedia("(max-width: 899px)").matches;

// ---------------------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(res) {
  let data = null;
  try { data = await res.json(); } catch { /* not JSON */ }
  const err = (data && data.error) || {};
  let message = err.message;
  if (!message && data && data.detail) message = typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail);
  if (!message) message = res.status === 404 ? "Không tìm thấy." : `Máy chủ trả lỗi (${res.status}).`;
  return new ApiError(res.status, err.code || `http_${res.status}`, message);
}

async function api(path, {method = "GET", body, form, signal} = {}) {
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
    if (res.status === 401 && path !== "/v1/auth/login") sessionExpired();
    throw err;
  }
  if (res.status === 204) return null;
  const type = res.headers.get("content-type") || "";
  return type.includes("json") ? res.json() : res.text();
}

const enc = encodeURIComponent;

function withQuery(path, params) {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    for (const v of [value].flat()) if (v != null && v !== "") qs.append(key, v);
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Server-sent events from a fetch() response (EventSource cannot POST). Yields {event, data}. */
async function* sseEvents(response) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let carriageReturn = false;
  const parse = (block) => {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (!line || line.startsWith(":")) continue;
      const i = line.indexOf(":");
      const field = i < 0 ? line : line.slice(0, i);
      let value = i < 0 ? "" : line.slice(i + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (field === "event") event = value;
      else if (field === "data") data.push(value);
    }
    return data.length ? {event, data: data.join("\n")} : null;
  };
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    let chunk = (carriageReturn ? "\r" : "") + value;
    carriageReturn = chunk.endsWith("\r"); // a CRLF may be split across chunks
    if (carriageReturn) chunk = chunk.slice(0, -1);
    buffer += chunk.replace(/\r\n?/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const ev = parse(buffer.slice(0, cut));
      buffer = buffer.slice(cut + 2);
      if (ev) yield ev;
    }
  }
  const last = parse(buffer + (carriageReturn ? "\n" : ""));
  if (last) yield last;
}

// ---------------------------------------------------------------------------------------------------------------
// State, login, layout
// ---------------------------------------------------------------------------------------------------------------

const USER_HINT = "thuky.user"; // only says "a login cookie probably exists"; the cookie itself is HttpOnly

const state = {
  user: null,
  sessionId: null, // the conversation shown on the chat page
  shownSession: undefined, // which conversation the message list holds (null: a new one)
  corpus: null, // the corpus of the shown conversation, when known
  sessions: [],
  asking: false,
  documents: null, // cached GET /v1/documents
  casesAvailable: null,
  jobsTimer: null,
  page: null,
};

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

function sessionExpired() {
  if (!state.user) return;
  localStorage.removeItem(USER_HINT);
  showLogin("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.");
}

async function onLogin(event) {
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

async function onLogout() {
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

function setSidebar(open) {
  document.body.classList.toggle("sidebar-open", open);
  $("#menu-toggle").setAttribute("aria-expanded", String(open));
  $("#menu-toggle .visually-hidden").textContent = open ? "Đóng menu" : "Mở menu";
  $("#sidebar-backdrop").hidden = !open;
}

/** Whether the case-law endpoints exist on this server (the openapi document lists them). */
async function probeCases() {
  if (state.casesAvailable === null) {
    try {
      const spec = await api("/openapi.json");
      state.casesAvailable = Boolean(spec && spec.paths && spec.paths["/v1/cases/similar"]);
    } catch {
      state.casesAvailable = true; // unknown: show it; a 404 on use hides it
    }
  }
  $("#nav-cases").hidden = !state.casesAvailable;
}

// ---------------------------------------------------------------------------------------------------------------
// Router (hash based: #/hoi-dap[/id], #/tra-cuu?…, #/van-ban/doc[/article], #/an-tuong-tu, #/quan-tri)
// ---------------------------------------------------------------------------------------------------------------

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  return {parts, params: new URLSearchParams(query || "")};
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

function route() {
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

// ---------------------------------------------------------------------------------------------------------------
// Conversations (side panel)
// ---------------------------------------------------------------------------------------------------------------

async function loadSessions() {
  try {
    const data = await api("/v1/sessions");
    state.sessions = data.sessions || [];
  } catch (exc) {
    if (exc.status !== 401) toast(`Không tải được danh sách trò chuyện: ${exc.message}`, "error");
    return;
  }
  renderSessions();
}

function renderSessions() {
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

// ---------------------------------------------------------------------------------------------------------------
// Chat
// ---------------------------------------------------------------------------------------------------------------

async function openConversation(id) {
  state.sessionId = id;
  renderSessions();
  if (state.shownSession === id) return;
  state.shownSession = id;
  const box = clear($("#messages"));
  $("#chat-intro").hidden = Boolean(id);
  if (!id) {
    state.corpus = null;
    if (!isPhone()) $("#question").focus();
    return;
  }
  box.setAttribute("aria-busy", "true");
  try {
    const data = await api(`/v1/sessions/${enc(id)}`);
    if (state.shownSession !== id) return;
    state.corpus = data.corpus || null;
    for (const turn of data.turns || []) {
      box.append(questionBubble(turn.question));
      const bubble = answerBubble();
      box.append(bubble);
      renderAnswer(bubble, turn.answer || {text: ""});
    }
    box.lastElementChild?.scrollIntoView({block: "start"});
  } catch (exc) {
    if (exc.status === 404) {
      toast("Không tìm thấy cuộc trò chuyện này.", "error");
      state.shownSession = undefined;
      location.replace("#/hoi-dap");
    } else box.append(h("p", {class: "form-error"}, exc.message));
  } finally {
    box.removeAttribute("aria-busy");
  }
}

function questionBubble(text) {
  return h("div", {class: "msg msg-user"}, h("p", {class: "visually-hidden"}, "Bạn hỏi:"), h("div", {class: "msg-text"}, text));
}

function answerBubble() {
  return h("div", {class: "msg msg-bot"}, h("p", {class: "visually-hidden"}, "ThuKy trả lời:"));
}

function citationLabel(c) {
  const parts = [];
  if (c.point) parts.push(`điểm ${c.point}`);
  if (c.clause) parts.push(`khoản ${c.clause}`);
  parts.push(`Điều ${c.article}`);
  return parts.join(" ") + (c.document_title ? ` ${c.document_title}` : "");
}

function chipsFor(citations) {
  if (!citations || !citations.length) return null;
  return h("div", {class: "citations"},
    h("p", {class: "label"}, "Trích dẫn:"),
    h("ul", {class: "chips"}, citations.map((c) => h("li", null,
      h("button", {type: "button", class: "btn btn-chip citation-chip", title: c.quote || null,
        onclick: () => openArticle(c.document_id, c.article, {quote: c.quote, clause: c.clause, point: c.point,
          title: citationLabel(c)})},
      citationLabel(c))))));
}

const FORM_LABEL = {true_false: "Đáp án", multiple_choice: "Phương án đúng", short_answer: "Trả lời ngắn"};

/** Draw a complete Answer into a bot bubble (used after streaming ends and for stored conversations). */
function renderAnswer(bubble, answer) {
  const keep = bubble.firstElementChild; // the visually hidden "ThuKy trả lời:"
  fill(bubble, keep);
  bubble.classList.toggle("abstained", Boolean(answer.abstained));
  if (answer.abstained) {
    bubble.append(h("p", {class: "abstain-banner", role: "note"},
      h("strong", null, "ThuKy không đủ căn cứ để trả lời câu hỏi này.")));
  } else if (answer.value && FORM_LABEL[answer.form]) {
    bubble.append(h("p", {class: "answer-value"}, h("span", {class: "answer-value-label"}, `${FORM_LABEL[answer.form]}: `),
      h("strong", {class: "answer-value-text"}, answer.value)));
  }
  bubble.append(h("div", {class: "msg-text answer-text"}, answer.text || ""));
  if (answer.abstained) {
    const leads = (answer.sources || []).slice(0, 3);
    if (leads.length) {
      bubble.append(h("div", {class: "citations leads"}, h("p", {class: "label"}, "Điều luật gần nhất (chỉ để tham khảo):"),
        h("ul", {class: "chips"}, leads.map((s) => h("li", null, h("button", {type: "button", class: "btn btn-chip lead-chip",
          onclick: () => openArticle(s.document_id, s.article, {title: `Điều ${s.article} ${s.document_title || ""}`})},
        `Điều ${s.article} ${s.document_title || ""}`.trim()))))));
    }
  } else {
    const chips = chipsFor(answer.citations);
    if (chips) bubble.append(chips);
  }
  if (answer.warnings && answer.warnings.length) {
    bubble.append(h("div", {class: "warnings", role: "note"}, h("p", {class: "label"}, h("span", {"aria-hidden": "true"}, "⚠ "), "Lưu ý hiệu lực:"),
      h("ul", null, answer.warnings.map((w) => h("li", null, w)))));
  }
  if (answer.fallback_reason) {
    bubble.append(h("p", {class: "muted small"}, `Đã chuyển sang câu trả lời trích xuất: ${answer.fallback_reason}`));
  }
  const related = answer.related_cases || [];
  if (related.length) {
    bubble.append(h("details", {class: "sources related-cases"},
      h("summary", null, `Bản án tham khảo (${related.length})`),
      h("p", {class: "small muted"}, related[0].note || "Bản án tham khảo — không phải quy định pháp luật"),
      h("ol", null, related.map((c) => h("li", null,
        state.casesAvailable === false ? h("strong", null, c.title || c.case_id)
          : h("button", {type: "button", class: "btn btn-link", onclick: () => openCase(c.case_id)}, c.title || c.case_id),
        h("span", {class: "small muted"}, ` — ${[c.court, formatDate(c.date, false), c.outcome_label || OUTCOME_NAME[c.outcome] || c.outcome]
          .filter(Boolean).join(" · ")}`),
        c.passage ? h("blockquote", {class: "case-passage"}, c.passage) : null)))));
  }
  const sources = answer.sources || [];
  if (sources.length && !answer.abstained) {
    bubble.append(h("details", {class: "sources"}, h("summary", null, `Nguồn đã truy xuất (${sources.length})`),
      h("ol", null, sources.map((s) => h("li", null, h("button", {type: "button", class: "btn btn-link",
        onclick: () => openArticle(s.document_id, s.article, {title: `Điều ${s.article} ${s.document_title || ""}`})},
      `Điều ${s.article}${s.title ? `. ${s.title}` : ""} — ${s.document_title || s.document_id}`))))));
  }
  bubble.append(feedbackBox(answer));
}

function feedbackBox(answer) {
  let rating = null;
  const status = h("p", {class: "small muted feedback-status", role: "status"});
  const comment = h("textarea", {rows: 2, maxlength: 2000, class: "feedback-comment"});
  const commentId = `fb-${Math.random().toString(36).slice(2)}`;
  comment.id = commentId;
  const form = h("form", {class: "feedback-form stack", hidden: true},
    h("label", {for: commentId}, "Góp ý thêm (không bắt buộc)"), comment,
    h("div", null, h("button", {type: "submit", class: "btn btn-primary btn-small"}, "Gửi đánh giá")));
  const up = h("button", {type: "button", class: "btn btn-icon feedback-up", "aria-pressed": "false", "aria-label": "Câu trả lời hữu ích", title: "Hữu ích"},
    icon("up"));
  const down = h("button", {type: "button", class: "btn btn-icon feedback-down", "aria-pressed": "false", "aria-label": "Câu trả lời chưa đúng", title: "Chưa đúng"},
    icon("down"));
  const choose = (value) => {
    rating = value;
    up.setAttribute("aria-pressed", String(value === "up"));
    down.setAttribute("aria-pressed", String(value === "down"));
    form.hidden = false;
    comment.focus();
  };
  up.addEventListener("click", () => choose("up"));
  down.addEventListener("click", () => choose("down"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!rating) return;
    const button = $("button[type=submit]", form);
    button.disabled = true;
    try {
      await api("/v1/feedback", {method: "POST", body: {session_id: answer.session_id || state.sessionId || undefined,
        question: answer.question || "", answer_text: answer.text || "", rating, comment: comment.value.trim() || undefined}});
      form.hidden = true;
      up.disabled = down.disabled = true;
      status.textContent = "Cảm ơn bạn đã đánh giá.";
    } catch (exc) {
      status.textContent = `Không gửi được đánh giá: ${exc.message}`;
      button.disabled = false;
    }
  });
  comment.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  return h("div", {class: "feedback"}, h("div", {class: "feedback-buttons", role: "group", "aria-label": "Đánh giá câu trả lời"},
    h("span", {class: "small muted"}, "Đánh giá:"), up, down), form, status);
}

async function ask(question) {
  if (state.asking) return;
  state.asking = true;
  $("#send").disabled = true;
  $("#chat-intro").hidden = true;
  const box = $("#messages");
  box.append(questionBubble(question));
  const bubble = answerBubble();
  bubble.setAttribute("aria-busy", "true");
  const live = h("div", {class: "msg-text answer-text streaming"});
  const typing = h("span", {class: "typing"}, "ThuKy đang tra cứu…");
  bubble.append(typing, live);
  box.append(bubble);
  bubble.scrollIntoView({block: "nearest"});
  const body = {question};
  if (state.sessionId) body.session_id = state.sessionId;
  let answer = null;
  try {
    const res = await fetch("/v1/chat", {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", Accept: "text/event-stream"}});
    if (!res.ok) {
      const err = await errorFrom(res);
      if (res.status === 401) sessionExpired();
      throw err;
    }
    if ((res.headers.get("content-type") || "").includes("json")) {
      answer = await res.json();
    } else {
      for await (const ev of sseEvents(res)) {
        let data;
        try { data = JSON.parse(ev.data); } catch { continue; }
        if (ev.event === "sources") {
          typing.textContent = `Đã truy xuất ${(data.sources || []).length} điều luật, đang soạn câu trả lời…`;
        } else if (ev.event === "delta") {
          typing.remove();
          live.append(data.text || "");
        } else if (ev.event === "citations") { // the chips show before the whole answer is drawn
          const chips = chipsFor(data.citations);
          if (chips) bubble.append(chips);
        } else if (ev.event === "done") answer = data.answer;
        else if (ev.event === "error") {
          const e = data.error || {};
          throw new ApiError(500, e.code || "error", e.message || "Lỗi khi soạn câu trả lời.");
        }
      }
    }
    if (!answer) throw new ApiError(0, "stream_cut", "kết nối bị ngắt trước khi nhận đủ câu trả lời.");
    renderAnswer(bubble, answer);
    if (bubble.isConnected && answer.session_id && answer.session_id !== state.sessionId) {
      state.sessionId = answer.session_id;
      state.shownSession = answer.session_id; // the list already shows it: the route change must not reload it
      history.replaceState(null, "", `#/hoi-dap/${enc(answer.session_id)}`);
    }
    loadSessions().then(() => {
      const s = state.sessions.find((x) => x.id === state.sessionId);
      if (s && s.corpus) state.corpus = s.corpus;
    });
  } catch (exc) {
    typing.remove();
    bubble.append(h("p", {class: "form-error", role: "alert"}, `Không nhận được câu trả lời: ${exc.message}`));
  } finally {
    bubble.removeAttribute("aria-busy");
    state.asking = false;
    $("#send").disabled = false;
  }
}

function onAsk(event) {
  event.preventDefault();
  const input = $("#question");
  const question = input.value.trim();
  if (!question) { input.focus(); return; }
  input.value = "";
  ask(question);
}

// ---------------------------------------------------------------------------------------------------------------
// Article viewer (the dialog that opens from a citation chip) and quote highlighting
// ---------------------------------------------------------------------------------------------------------------

const TONE_MOVES = [["òa", "oà"], ["óa", "oá"], ["ỏa", "oả"], ["õa", "oã"], ["ọa", "oạ"], ["òe", "oè"], ["óe", "oé"],
  ["ỏe", "oẻ"], ["õe", "oẽ"], ["ọe", "oẹ"], ["ùy", "uỳ"], ["úy", "uý"], ["ủy", "uỷ"], ["ũy", "uỹ"], ["ụy", "uỵ"]];
const QUOTE_CHARS = {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"};

/** The verifier's normalisation (assistant/verify.py) with a map from each normalised character to its source index. */
function normalised(text) {
  let out = "";
  const map = [];
  let space = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      if (!space && out.length) { out += " "; map.push(i); }
      space = true;
      continue;
    }
    space = false;
    const low = (QUOTE_CHARS[ch] || ch).toLowerCase();
    for (const c of low) { out += c; map.push(i); }
  }
  for (const [a, b] of TONE_MOVES) out = out.split(a).join(b); // same length: the map stays valid
  return {text: out, map};
}

/** [start, end) of `quote` in `text` (both NFC), tolerant of case, spacing and typographic quotes; null if absent. */
function findQuote(text, quote) {
  const q = normalised((quote || "").normalize("NFC")).text.replace(/^[\s.;:,…]+|[\s.;:,…]+$/g, "");
  if (!q) return null;
  const t = normalised(text);
  const at = t.text.indexOf(q);
  if (at < 0) return null;
  return [t.map[at], t.map[at + q.length - 1] + 1];
}

function articleText(article) {
  if (article.text) return article.text;
  return (article.clauses || []).map((c) => [`${c.number}. ${c.text}`,
    ...(c.points || []).map((p) => `${p.letter}) ${p.text}`)].join("\n")).join("\n");
}

/** The article body with the quoted passage in <mark> (plain text otherwise). */
function articleBody(article, quote) {
  const text = articleText(article).normalize("NFC");
  const body = h("div", {class: "article-text"});
  const span = quote ? findQuote(text, quote) : null;
  if (span) {
    body.append(text.slice(0, span[0]), h("mark", {class: "quote"}, text.slice(span[0], span[1])), text.slice(span[1]));
  } else body.append(text);
  return {body, found: Boolean(span)};
}

function statusBadge(status) {
  if (!status) return null;
  const kind = status === "Còn hiệu lực" ? "ok" : status === "Không rõ" ? "unknown" : "warn";
  return h("span", {class: `badge badge-${kind}`}, status);
}

async function openArticle(documentId, article, {quote, title} = {}) {
  const dialog = $("#viewer");
  $("#viewer-title").textContent = title || `Điều ${article}`;
  const body = clear($("#viewer-body"));
  body.append(h("p", {class: "muted"}, "Đang tải…"));
  if (!dialog.open) dialog.showModal();
  try {
    const data = await api(withQuery(`/v1/documents/${enc(documentId)}/articles/${enc(article)}`, {corpus: state.corpus}));
    const {body: text, found} = articleBody(data, quote);
    fill(body, 
      h("p", {class: "viewer-doc"}, h("span", null, data.document_title || documentId), " ", statusBadge(data.document_status)),
      h("h3", {class: "article-heading"}, `Điều ${data.article}${data.title ? `. ${data.title}` : ""}`),
      quote && !found ? h("blockquote", {class: "quote-missing"}, h("p", {class: "label"}, "Đoạn được trích:"), h("mark", null, quote)) : null,
      text,
      h("p", {class: "viewer-foot"}, h("a", {href: `#/van-ban/${enc(documentId)}/${enc(data.article)}${state.corpus ? `?corpus=${enc(state.corpus)}` : ""}`, class: "btn btn-ghost",
        onclick: () => dialog.close()}, "Xem trong toàn văn bản →")));
    const mark = $("mark", body);
    if (mark) mark.scrollIntoView({block: "center"});
  } catch (exc) {
    fill(body, h("p", {class: "form-error", role: "alert"}, `Không mở được điều luật: ${exc.message}`));
  }
  body.focus({preventScroll: true});
}

// ---------------------------------------------------------------------------------------------------------------
// Search (clerks)
// ---------------------------------------------------------------------------------------------------------------

const FILTER_FIELDS = [["document", "#f-document"], ["type", "#f-type"], ["status", "#f-status"],
  ["date_from", "#f-from"], ["date_to", "#f-to"]];
const PAGE_SIZE = 10;

async function loadDocuments() {
  if (state.documents) return state.documents;
  try {
    const data = await api("/v1/documents");
    state.documents = data.documents || [];
  } catch (exc) {
    if (exc.status !== 401) toast(`Không tải được danh sách văn bản: ${exc.message}`, "error");
    state.documents = null;
    return [];
  }
  const select = $("#f-document");
  const keep = select.value;
  select.replaceChildren(h("option", {value: ""}, "Tất cả văn bản"),
    ...state.documents.map((d) => h("option", {value: d.id}, d.number && !d.title.includes(d.number) ? `${d.title} (${d.number})` : d.title)));
  select.value = keep;
  return state.documents;
}

function searchHash(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of params) if (v) qs.append(k, v);
  return `#/tra-cuu?${qs}`;
}

function paramsFromForm() {
  const params = new URLSearchParams();
  params.set("q", $("#search-q").value.trim());
  for (const [name, sel] of FILTER_FIELDS) if ($(sel).value) params.set(name, $(sel).value);
  return params;
}

async function showSearch(params) {
  await loadDocuments();
  $("#search-q").value = params.get("q") || "";
  let anyFilter = false;
  for (const [name, sel] of FILTER_FIELDS) {
    const value = params.get(name) || "";
    const input = $(sel);
    if (input.tagName === "SELECT" && value && !$$("option", input).some((o) => o.value === value)) {
      input.append(h("option", {value}, value)); // a value from a facet the list does not hold
    }
    input.value = value;
    anyFilter ||= Boolean(value);
  }
  if (anyFilter) $("#search-filters").open = true;
  const q = params.get("q") || "";
  const results = $("#results");
  if (!q) {
    clear(results);
    clear($("#facets"));
    clear($("#pager"));
    $("#search-summary").textContent = "Nhập từ khóa để tra cứu các điều luật.";
    return;
  }
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  $("#search-summary").textContent = "Đang tìm…";
  const query = {q, page, page_size: PAGE_SIZE};
  for (const [name] of FILTER_FIELDS) query[name] = params.getAll(name);
  let data;
  try {
    data = await api(withQuery("/v1/search", query));
  } catch (exc) {
    clear(results);
    clear($("#facets"));
    clear($("#pager"));
    $("#search-summary").textContent = `Không tìm được: ${exc.message}`;
    return;
  }
  if (parseHash().params.toString() !== params.toString()) return; // a newer search is under way
  renderResults(data, params);
  renderFacets(data.facets || {}, params);
  renderPager(data, params);
}

function renderResults(data, params) {
  const list = clear($("#results"));
  const total = data.total || 0;
  const took = data.took_ms != null ? ` (${Math.round(data.took_ms)} ms)` : "";
  $("#search-summary").textContent = total
    ? `${total.toLocaleString("vi-VN")} kết quả cho “${data.query ?? params.get("q")}”${took}.`
    : `Không có kết quả cho “${data.query ?? params.get("q")}”.`;
  const start = ((data.page || 1) - 1) * (data.page_size || PAGE_SIZE);
  list.start = start + 1;
  for (const r of data.results || []) {
    const href = `#/van-ban/${enc(r.document_id)}/${enc(r.article)}?q=${enc(params.get("q") || "")}`;
    list.append(h("li", {class: "result"},
      h("h2", {class: "result-title"}, h("a", {href}, `Điều ${r.article}${r.title ? `. ${r.title}` : ""}`)),
      h("p", {class: "result-meta"}, h("span", {class: "result-doc"}, r.document_title || r.document_id),
        r.document_type ? h("span", {class: "badge"}, r.document_type) : null, statusBadge(r.status)),
      h("p", {class: "result-snippet"}, r.highlight ? markedFragment(r.highlight) : (r.snippet || ""))));
  }
}

function renderFacets(facets, params) {
  const aside = clear($("#facets"));
  const box = h("details", {class: "facets-box"}, h("summary", null, "Lọc nhanh theo kết quả"));
  box.open = !isPhone() || FILTER_FIELDS.some(([name]) => params.get(name));
  const docTitle = (id) => (state.documents || []).find((d) => d.id === id)?.title;
  const groups = [["documents", "document", "Văn bản", (f) => f.label || docTitle(f.value) || f.value],
    ["types", "type", "Loại văn bản", (f) => f.label || f.value], ["statuses", "status", "Tình trạng", (f) => f.label || f.value]];
  for (const [key, param, heading, label] of groups) {
    const items = facets[key] || [];
    if (!items.length) continue;
    const headingId = `facet-${key}`;
    box.append(h("section", {class: "facet"}, h("h2", {id: headingId}, heading),
      h("ul", null, items.map((f) => {
        const active = params.getAll(param).includes(String(f.value));
        return h("li", null, h("button", {type: "button", class: "facet-item", "aria-pressed": String(active),
          onclick: () => {
            const next = new URLSearchParams(params);
            next.delete(param);
            if (!active) next.set(param, f.value);
            next.delete("page");
            location.hash = searchHash(next);
          }}, h("span", {class: "facet-label"}, label(f)), h("span", {class: "facet-count"}, (f.count ?? 0).toLocaleString("vi-VN"))));
      }))));
  }
  if (box.childElementCount > 1) aside.append(box);
}

function renderPager(data, params) {
  const nav = clear($("#pager"));
  const size = data.page_size || PAGE_SIZE;
  const pages = Math.ceil((data.total || 0) / size);
  const page = data.page || 1;
  if (pages <= 1) return;
  const link = (p, text, label) => {
    const next = new URLSearchParams(params);
    next.set("page", String(p));
    return h("a", {href: searchHash(next), class: "btn btn-ghost", "aria-label": label || `Trang ${p}`,
      "aria-current": p === page ? "page" : null}, text);
  };
  const items = [];
  if (page > 1) items.push(link(page - 1, "‹ Trước", "Trang trước"));
  const first = Math.max(1, page - 2);
  const last = Math.min(pages, page + 2);
  for (let p = first; p <= last; p++) items.push(link(p, String(p)));
  if (page < pages) items.push(link(page + 1, "Sau ›", "Trang sau"));
  nav.append(h("ul", null, items.map((a) => h("li", null, a))), h("p", {class: "small muted"}, `Trang ${page}/${pages}`));
}

// ---------------------------------------------------------------------------------------------------------------
// Document page: outline and one article
// ---------------------------------------------------------------------------------------------------------------

const KIND_NAME = {part: "Phần", chapter: "Chương", section: "Mục", article: "Điều"};

function firstArticle(nodes) {
  for (const n of nodes || []) {
    if (n.kind === "article") return n.number;
    const found = firstArticle(n.children);
    if (found) return found;
  }
  return null;
}

function outlineList(nodes, documentId, current, params) {
  const keep = new URLSearchParams();
  for (const name of ["q", "corpus"]) if (params.get(name)) keep.set(name, params.get(name));
  const suffix = keep.toString() ? `?${keep}` : "";
  return h("ul", null, (nodes || []).map((n) => {
    const name = `${KIND_NAME[n.kind] || ""} ${n.number ?? ""}`.trim() + (n.title ? `. ${n.title}` : "");
    if (n.kind === "article") {
      const href = `#/van-ban/${enc(documentId)}/${enc(n.number)}${suffix}`;
      return h("li", null, h("a", {href, "aria-current": String(n.number) === String(current) ? "true" : null}, name));
    }
    return h("li", null, h("details", {open: true}, h("summary", null, name), outlineList(n.children, documentId, current, params)));
  }));
}

async function showDocument(documentId, article, params) {
  if (!documentId) { location.replace("#/tra-cuu"); return; }
  const query = params.get("q") || "";
  const corpus = params.get("corpus") || null;
  $("#doc-back").href = query ? `#/tra-cuu?q=${enc(query)}` : "#/tra-cuu";
  const nav = $("#doc-outline-nav");
  const pane = $("#doc-article");
  let doc = state.docCache && state.docCache.id === documentId && state.docCacheCorpus === corpus ? state.docCache : null;
  if (!doc) {
    clear(nav);
    fill(pane, h("p", {class: "muted"}, "Đang tải…"));
    try {
      doc = await api(withQuery(`/v1/documents/${enc(documentId)}`, {corpus}));
      state.docCache = doc;
      state.docCacheCorpus = corpus;
    } catch (exc) {
      fill(pane, h("p", {class: "form-error", role: "alert"}, `Không mở được văn bản: ${exc.message}`));
      return;
    }
  }
  const header = clear($("#doc-header"));
  header.append(h("h1", {id: "doc-title", class: "page-title"}, doc.title || documentId),
    h("p", {class: "doc-meta"}, doc.type ? h("span", {class: "badge"}, doc.type) : null, statusBadge(doc.status),
      doc.number ? h("span", null, `Số hiệu: ${doc.number}`) : null,
      doc.issued_date ? h("span", null, `Ban hành: ${formatDate(doc.issued_date, false)}`) : null,
      doc.effective_date ? h("span", null, `Hiệu lực: ${formatDate(doc.effective_date, false)}`) : null,
      doc.issuer ? h("span", null, doc.issuer) : null));
  const current = article || firstArticle(doc.outline);
  fill(nav, outlineList(doc.outline, documentId, current, params));
  $("#doc-outline").open = !isPhone();
  if (!current) { fill(pane, h("p", {class: "muted"}, "Văn bản chưa có điều nào.")); return; }
  fill(pane, h("p", {class: "muted"}, "Đang tải…"));
  try {
    const data = await api(withQuery(`/v1/documents/${enc(documentId)}/articles/${enc(current)}`, {corpus}));
    const {body} = articleBody(data, null);
    fill(pane, h("h2", {class: "article-heading"}, `Điều ${data.article}${data.title ? `. ${data.title}` : ""}`), body);
    const here = $("[aria-current=true]", nav);
    if (here) nav.scrollTop = here.offsetTop - nav.offsetTop - nav.clientHeight / 3; // scroll the outline, not the page
  } catch (exc) {
    fill(pane, h("p", {class: "form-error", role: "alert"}, `Không mở được Điều ${current}: ${exc.message}`));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Similar cases (án tương tự)
// ---------------------------------------------------------------------------------------------------------------

const OUTCOME_NAME = {A_WIN: "Nguyên đơn thắng", PARTIAL_A_WIN: "Nguyên đơn thắng một phần", B_WIN: "Bị đơn thắng",
  PARTIAL_B_WIN: "Bị đơn thắng một phần"};

async function onCases(event) {
  event.preventDefault();
  const facts = $("#cases-facts").value.trim();
  const out = clear($("#cases-result"));
  if (!facts) { $("#cases-facts").focus(); return; }
  const button = $("#cases-form button[type=submit]");
  button.disabled = true;
  out.append(h("p", {class: "muted"}, "Đang tìm…"));
  try {
    const data = await api("/v1/cases/similar", {method: "POST", body: {facts, k: 10}});
    renderCases(out, data);
  } catch (exc) {
    clear(out);
    if (exc.status === 404 && exc.code !== "not_found_case") {
      state.casesAvailable = false;
      $("#nav-cases").hidden = true;
      out.append(h("p", {role: "alert"}, "Chức năng tìm án tương tự chưa được bật trên máy chủ này."));
    } else out.append(h("p", {class: "form-error", role: "alert"}, exc.message));
  } finally {
    button.disabled = false;
  }
}

function renderCases(out, data) {
  clear(out);
  const cases = data.cases || [];
  out.append(h("h2", null, `Bản án tương tự (${cases.length})`));
  if (!cases.length) out.append(h("p", {class: "muted"}, "Không tìm thấy bản án tương tự."));
  out.append(h("ol", {class: "results"}, cases.map((c) => h("li", {class: "result"},
    h("h3", {class: "result-title"}, h("button", {type: "button", class: "btn btn-link", onclick: () => openCase(c.case_id)},
      c.title || c.case_id)),
    h("p", {class: "result-meta"}, [c.court, formatDate(c.date, false), c.outcome_label || OUTCOME_NAME[c.outcome] || c.outcome]
      .filter(Boolean).map((x) => h("span", null, x))),
    c.passage ? h("p", {class: "result-snippet"}, c.passage) : null))));
  const provisions = data.provisions || [];
  if (provisions.length) {
    out.append(h("h2", null, "Điều luật thường được áp dụng"), h("ul", {class: "chips"}, provisions.map((p) => h("li", null,
      h("button", {type: "button", class: "btn btn-chip", onclick: () => openArticle(p.document_id, p.article, {title: p.label})},
        `${p.label || `Điều ${p.article} ${p.document_title || ""}`} (${p.count ?? 0})`)))));
  }
}

async function openCase(caseId) {
  const dialog = $("#viewer");
  $("#viewer-title").textContent = "Bản án";
  const body = clear($("#viewer-body"));
  body.append(h("p", {class: "muted"}, "Đang tải…"));
  if (!dialog.open) dialog.showModal();
  try {
    const c = await api(withQuery(`/v1/cases/${enc(caseId)}`, {anonymize: "true"}));
    $("#viewer-title").textContent = c.title || c.number || caseId;
    fill(body, 
      h("p", {class: "viewer-doc"}, [c.number, c.court, formatDate(c.date, false), c.outcome_label || OUTCOME_NAME[c.outcome] || c.outcome]
        .filter(Boolean).join(" · ")),
      (c.sections || []).map((s) => h("section", {class: "case-section"}, h("h3", null, s.label || s.heading || s.name),
        h("div", {class: "article-text"}, s.text || ""))),
      (c.provisions || []).length ? h("div", {class: "citations"}, h("p", {class: "label"}, "Điều luật được viện dẫn:"),
        h("ul", {class: "chips"}, c.provisions.map((p) => h("li", null, p.resolved
          ? h("button", {type: "button", class: "btn btn-chip", onclick: () => openArticle(p.document_id, p.article, {title: p.label})}, p.label || p.citation)
          : h("span", {class: "chip-static"}, p.citation))))) : null);
  } catch (exc) {
    fill(body, h("p", {class: "form-error", role: "alert"}, exc.message));
  }
  body.focus({preventScroll: true});
}

// ---------------------------------------------------------------------------------------------------------------
// Admin: upload and ingest jobs
// ---------------------------------------------------------------------------------------------------------------

const JOB_STATUS = {queued: "Đang chờ", running: "Đang chạy", done: "Hoàn tất", failed: "Lỗi"};

async function onUpload(event) {
  event.preventDefault();
  const err = $("#upload-error");
  err.hidden = true;
  const file = $("#upload-file").files[0];
  if (!file) { err.textContent = "Hãy chọn một tệp."; err.hidden = false; $("#upload-file").focus(); return; }
  const form = new FormData();
  form.append("file", file);
  const corpus = $("#upload-corpus").value.trim();
  if (corpus) form.append("corpus", corpus);
  const button = $("#upload-form button[type=submit]");
  button.disabled = true;
  try {
    const data = await api("/v1/documents", {method: "POST", form});
    toast(`Đã nhận tệp “${file.name}”; tác vụ ${data.job_id}.`);
    $("#upload-form").reset();
    state.documents = null;
    state.docCache = null;
    await refreshJobs();
  } catch (exc) {
    err.textContent = exc.message;
    err.hidden = false;
  } finally {
    button.disabled = false;
  }
}

function startJobs() {
  refreshJobs();
}

function stopJobsPolling() {
  clearTimeout(state.jobsTimer);
  state.jobsTimer = null;
}

async function refreshJobs() {
  stopJobsPolling();
  let jobs;
  try {
    jobs = (await api("/v1/jobs")).jobs || [];
  } catch (exc) {
    if (exc.status !== 401) toast(`Không tải được tác vụ: ${exc.message}`, "error");
    return;
  }
  if (state.page !== "admin") return;
  const body = clear($("#jobs-body"));
  $("#jobs-empty").hidden = jobs.length > 0;
  $("#jobs-table").hidden = jobs.length === 0;
  for (const j of jobs) {
    const pct = Math.round((j.progress || 0) * 100);
    body.append(h("tr", {class: `job job-${j.status}`},
      h("td", null, j.filename || "", h("br"), h("span", {class: "mono muted", title: "Mã tác vụ"}, j.id)),
      h("td", null, j.corpus || ""),
      h("td", null, h("span", {class: `badge badge-job-${j.status}`}, JOB_STATUS[j.status] || j.status)),
      h("td", null, h("progress", {max: 100, value: pct, "aria-label": `Tiến độ tác vụ ${j.id}`}), ` ${pct}%`),
      h("td", null, j.message || ""),
      h("td", null, (j.documents || []).join(", ")),
      h("td", null, formatDate(j.created_at))));
  }
  if (jobs.some((j) => j.status === "queued" || j.status === "running")) {
    state.jobsTimer = setTimeout(() => { if (!document.hidden && state.page === "admin") refreshJobs(); else startPollingLater(); }, 1500);
  }
}

function startPollingLater() {
  state.jobsTimer = setTimeout(() => { if (state.page === "admin") refreshJobs(); }, 5000);
}

// ---------------------------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------------------------

function boot() {
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

  if (localStorage.getItem(USER_HINT)) { // a login cookie may exist: ask who it belongs to
    api("/v1/me").then(enterApp, () => { localStorage.removeItem(USER_HINT); showLogin(); });
  } else showLogin();
}

boot();
