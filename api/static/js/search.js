// Search (clerks): the query and filters, results with highlights, facets and pages.

import {$, $$, h, clear, toast, isPhone, markedFragment, formatDate} from "./dom.js";
import {api, enc, withQuery} from "./http.js";
import {state} from "./state.js";
import {parseHash} from "./hash.js";
import {statusBadge} from "./article.js";

export const FILTER_FIELDS = [["document", "#f-document"], ["type", "#f-type"], ["status", "#f-status"],
  ["as_of", "#f-as-of"], ["date_from", "#f-from"], ["date_to", "#f-to"]];
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

export function searchHash(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of params) if (v) qs.append(k, v);
  return `#/tra-cuu?${qs}`;
}

export function paramsFromForm() {
  const params = new URLSearchParams();
  params.set("q", $("#search-q").value.trim());
  for (const [name, sel] of FILTER_FIELDS) if ($(sel).value) params.set(name, $(sel).value);
  return params;
}

export async function showSearch(params) {
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
  // the statuses shown are those on a date: the one asked, else the data's own ("theo dữ liệu đến …")
  const asOf = params.get("as_of")
    ? ` Tình trạng hiệu lực tại ngày ${formatDate(data.as_of, false)}.`
    : data.data_until ? ` Tình trạng hiệu lực theo dữ liệu đến ${formatDate(data.data_until, false)}.` : "";
  $("#search-summary").textContent = (total
    ? `${total.toLocaleString("vi-VN")} kết quả cho “${data.query ?? params.get("q")}”${took}.`
    : `Không có kết quả cho “${data.query ?? params.get("q")}”.`) + asOf;
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
