// Similar cases (án tương tự): the search page and a judgment in the viewer.

import {$, h, clear, fill, formatDate} from "./dom.js";
import {api, enc, withQuery} from "./http.js";
import {state} from "./state.js";
import {openArticle} from "./viewer.js";

const OUTCOME_NAME = {A_WIN: "Nguyên đơn thắng", PARTIAL_A_WIN: "Nguyên đơn thắng một phần", B_WIN: "Bị đơn thắng",
  PARTIAL_B_WIN: "Bị đơn thắng một phần"};

/** A judgment's outcome in words: the server's label, else ours, else the code. */
export function outcomeName(c) {
  return c.outcome_label || OUTCOME_NAME[c.outcome] || c.outcome;
}

/** Whether the case-law endpoints exist on this server (the openapi document lists them). */
export async function probeCases() {
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

export async function onCases(event) {
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
    h("p", {class: "result-meta"}, [c.court, formatDate(c.date, false), outcomeName(c)]
      .filter(Boolean).map((x) => h("span", null, x))),
    c.passage ? h("p", {class: "result-snippet"}, c.passage) : null))));
  const provisions = data.provisions || [];
  if (provisions.length) {
    out.append(h("h2", null, "Điều luật thường được áp dụng"), h("ul", {class: "chips"}, provisions.map((p) => h("li", null,
      h("button", {type: "button", class: "btn btn-chip", onclick: () => openArticle(p.document_id, p.article, {title: p.label})},
        `${p.label || `Điều ${p.article} ${p.document_title || ""}`} (${p.count ?? 0})`)))));
  }
}

export async function openCase(caseId) {
  const dialog = $("#viewer");
  $("#viewer-title").textContent = "Bản án";
  const body = clear($("#viewer-body"));
  body.append(h("p", {class: "muted"}, "Đang tải…"));
  if (!dialog.open) dialog.showModal();
  try {
    const c = await api(withQuery(`/v1/cases/${enc(caseId)}`, {anonymize: "true"}));
    $("#viewer-title").textContent = c.title || c.number || caseId;
    fill(body, 
      h("p", {class: "viewer-doc"}, [c.number, c.court, formatDate(c.date, false), outcomeName(c)]
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
