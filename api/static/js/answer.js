// An answer drawn in its bubble: verdict, text, citation chips, warnings, related judgments, sources, feedback.

import {h, fill, formatDate} from "./dom.js";
import {state} from "./state.js";
import {openArticle} from "./viewer.js";
import {openCase, outcomeName} from "./cases.js";
import {feedbackBox} from "./feedback.js";
import {fileChipsFor} from "./files.js";

function citationLabel(c) {
  const parts = [];
  if (c.point) parts.push(`điểm ${c.point}`);
  if (c.clause) parts.push(`khoản ${c.clause}`);
  parts.push(`Điều ${c.article}`);
  return parts.join(" ") + (c.document_title ? ` ${c.document_title}` : "");
}

export function chipsFor(citations) {
  if (!citations || !citations.length) return null;
  return h("div", {class: "citations"},
    h("p", {class: "label"}, "Trích dẫn:"),
    h("ul", {class: "chips"}, citations.map((c) => h("li", null,
      h("button", {type: "button", class: "btn btn-chip citation-chip", title: c.quote || null,
        onclick: () => openArticle(c.document_id, c.article, {quote: c.quote, clause: c.clause, point: c.point,
          title: citationLabel(c)})},
      citationLabel(c)),
      // only a provision not in force on the date asked carries a note, right next to its citation
      c.validity_note ? h("span", {class: "validity-note", role: "note"}, `⚠ ${c.validity_note}`) : null))));
}

const FORM_LABEL = {true_false: "Đáp án", multiple_choice: "Phương án đúng", short_answer: "Trả lời ngắn"};

/** The direct answer ("15 ngày, kể từ ngày tuyên án", "Có"), said before the quotes that support it. */
export function directLine(text) {
  return h("p", {class: "answer-direct"}, h("span", {class: "answer-value-label"}, "Trả lời: "),
    h("strong", {class: "answer-direct-text"}, text));
}

/** "Độ tin cậy: cao (0.93)": how likely the law found answers the question (the answer's calibrated confidence). */
export function confidenceLine(confidence) {
  if (typeof confidence !== "number" || !(confidence > 0)) return null;
  const level = confidence >= 0.8 ? "cao" : confidence >= 0.5 ? "trung bình" : "thấp";
  return h("p", {class: `answer-confidence small muted confidence-${confidence >= 0.8 ? "high" : confidence >= 0.5 ? "mid" : "low"}`,
    title: "Xác suất cơ sở dữ liệu có quy định trả lời câu hỏi (ước lượng)"},
  `Độ tin cậy: ${level} (${confidence.toFixed(2)})`);
}

/** Draw a complete Answer into a bot bubble (used after streaming ends and for stored conversations). */
export function renderAnswer(bubble, answer) {
  const keep = bubble.firstElementChild; // the visually hidden "ThuKy trả lời:"
  fill(bubble, keep);
  bubble.classList.toggle("abstained", Boolean(answer.abstained));
  if (answer.abstained) {
    // no law answers it; when the case file does, the answer below quotes the file, and the banner says only that
    bubble.append(h("p", {class: "abstain-banner", role: "note"}, h("strong", null, answer.file_citations?.length
      ? "ThuKy không tìm thấy quy định pháp luật để trả lời; dưới đây là phần hồ sơ liên quan."
      : "ThuKy không đủ căn cứ để trả lời câu hỏi này.")));
  } else if (answer.value && FORM_LABEL[answer.form]) {
    bubble.append(h("p", {class: "answer-value"}, h("span", {class: "answer-value-label"}, `${FORM_LABEL[answer.form]}: `),
      h("strong", {class: "answer-value-text"}, answer.value)));
  } else if (answer.direct) {
    bubble.append(directLine(answer.direct));
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
    const sure = confidenceLine(answer.confidence);
    if (sure) bubble.append(sure);
  }
  const fileChips = fileChipsFor(answer.file_citations, answer.session_id || state.sessionId);
  if (fileChips) bubble.append(fileChips);
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
        h("span", {class: "small muted"}, ` — ${[c.court, formatDate(c.date, false), outcomeName(c)]
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
