// Chat: a conversation's messages, and asking a question with the answer streamed in.

import {$, h, clear, toast, isPhone} from "./dom.js";
import {ApiError, api, enc, errorFrom, unauthorized} from "./http.js";
import {sseEvents} from "./sse.js";
import {state} from "./state.js";
import {loadSessions, renderSessions} from "./sessions.js";
import {chipsFor, directLine, renderAnswer} from "./answer.js";
import {loadFiles} from "./files.js";

export async function openConversation(id) {
  state.sessionId = id;
  renderSessions();
  if (state.shownSession === id) return;
  state.shownSession = id;
  loadFiles();
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
      if (res.status === 401) unauthorized();
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
        } else if (ev.event === "direct") { // the answer itself, before the quotes stream in
          typing.remove();
          live.before(directLine(data.text || ""));
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

export function onAsk(event) {
  event.preventDefault();
  const input = $("#question");
  const question = input.value.trim();
  if (!question) { input.focus(); return; }
  input.value = "";
  ask(question);
}
