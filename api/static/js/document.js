// The document page: the outline and one article.

import {$, h, clear, fill, formatDate, isPhone} from "./dom.js";
import {api, enc, withQuery} from "./http.js";
import {state} from "./state.js";
import {articleBody, statusBadge} from "./article.js";

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

export async function showDocument(documentId, article, params) {
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
  /** Validity timeline: issued, effective, amended, repealed — with links to the other versions in the corpus. */
  function timeline(d) {
    const events = d.timeline || [];
    if (!events.length) return null;
    return h("details", {class: "doc-timeline", open: true}, h("summary", null, "Hiệu lực theo thời gian"),
      h("ol", {class: "timeline"}, events.map((e) => h("li", {class: `tl-${e.event}`},
        h("span", {class: "tl-date"}, e.date ? formatDate(e.date, false) : "—"), " ",
        e.document_id && e.document_id !== d.id
          ? h("a", {href: `#/van-ban/${enc(e.document_id)}${corpus ? `?corpus=${enc(corpus)}` : ""}`}, e.label)
          : h("span", null, e.label)))));
  }
  const header = clear($("#doc-header"));
  header.append(h("h1", {id: "doc-title", class: "page-title"}, doc.title || documentId),
    h("p", {class: "doc-meta"}, doc.type ? h("span", {class: "badge"}, doc.type) : null, statusBadge(doc.status),
      doc.number ? h("span", null, `Số hiệu: ${doc.number}`) : null,
      doc.issued_date ? h("span", null, `Ban hành: ${formatDate(doc.issued_date, false)}`) : null,
      doc.effective_date ? h("span", null, `Hiệu lực: ${formatDate(doc.effective_date, false)}`) : null,
      doc.issuer ? h("span", null, doc.issuer) : null,
      doc.data_until ? h("span", {class: "muted"}, `theo dữ liệu đến ${formatDate(doc.data_until, false)}`) : null),
    timeline(doc));
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
