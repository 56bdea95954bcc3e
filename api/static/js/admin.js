// Admin: upload a document and follow its ingest job.

import {$, h, clear, toast, formatDate} from "./dom.js";
import {api} from "./http.js";
import {state} from "./state.js";

const JOB_STATUS = {queued: "Đang chờ", running: "Đang chạy", done: "Hoàn tất", failed: "Lỗi"};

export async function onUpload(event) {
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

export function startJobs() {
  refreshJobs();
}

export function stopJobsPolling() {
  clearTimeout(state.jobsTimer);
  state.jobsTimer = null;
}

export async function refreshJobs() {
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
