// Feedback on an answer: 👍 / 👎 and an optional comment.

import {$, h, icon} from "./dom.js";
import {api} from "./http.js";
import {state} from "./state.js";

export function feedbackBox(answer) {
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
