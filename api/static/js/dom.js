// Shared DOM helpers. Every server string goes into the DOM as text (h() / append()), except the search `highlight`
// field, which the API documents as HTML-safe and which is still rebuilt here keeping only text and <mark>
// (markedFragment()).

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** Create an element; children (strings, numbers, nodes, arrays) are appended as text or nodes — never as HTML. */
export function h(tag, attrs, ...children) {
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

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** Replace an element's children (null/false children are skipped, strings become text). */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

/** The API's `highlight` (HTML-escaped text with <mark>) as a fragment holding only text and <mark> elements. */
export function markedFragment(html) {
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
  file: "M14 2H6c-1.1 0-2 .9-2 2v16c0 1.1.9 2 2 2h12c1.1 0 2-.9 2-2V8l-6-6zm2 16H8v-2h8v2zm0-4H8v-2h8v2zm-3-5V3.5L18.5 9H13z",
  trash: "M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z",
};

/** A decorative inline SVG icon (👍 = "up", 👎 = "down", 🗑 = "trash", 📄 = "file"); the control around it carries the label. */
export function icon(name) {
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

export function toast(message, kind = "info") {
  const el = $("#toast");
  el.textContent = message;
  el.dataset.kind = kind;
  el.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.remove("show"), 4000);
}

export function formatDate(value, withTime = true) {
  if (!value) return "";
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return withTime ? d.toLocaleString("vi-VN", {dateStyle: "short", timeStyle: "short"})
    : d.toLocaleDateString("vi-VN");
}

export const isPhone = () => window.matchMedia("(max-width: 899px)").matches;
