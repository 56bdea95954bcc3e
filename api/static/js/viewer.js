// The article viewer: the dialog that opens from a citation chip.

import {$, h, clear, fill} from "./dom.js";
import {api, enc, withQuery} from "./http.js";
import {state} from "./state.js";
import {articleBody, statusBadge} from "./article.js";

export async function openArticle(documentId, article, {quote, title} = {}) {
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
