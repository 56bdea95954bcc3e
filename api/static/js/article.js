// An article's text, with the quoted passage marked, and a document's validity badge.

import {h} from "./dom.js";
import {findQuote} from "./quote.js";

function articleText(article) {
  if (article.text) return article.text;
  return (article.clauses || []).map((c) => [`${c.number}. ${c.text}`,
    ...(c.points || []).map((p) => `${p.letter}) ${p.text}`)].join("\n")).join("\n");
}

/** The article body with the quoted passage in <mark> (plain text otherwise). */
export function articleBody(article, quote) {
  const text = articleText(article).normalize("NFC");
  const body = h("div", {class: "article-text"});
  const span = quote ? findQuote(text, quote) : null;
  if (span) {
    body.append(text.slice(0, span[0]), h("mark", {class: "quote"}, text.slice(span[0], span[1])), text.slice(span[1]));
  } else body.append(text);
  return {body, found: Boolean(span)};
}

export function statusBadge(status) {
  if (!status) return null;
  const kind = status === "Còn hiệu lực" ? "ok" : status === "Không rõ" ? "unknown" : "warn";
  return h("span", {class: `badge badge-${kind}`}, status);
}
