// The hash URLs of the client: #/hoi-dap[/id], #/tra-cuu?…, #/van-ban/doc[/article], #/an-tuong-tu, #/quan-tri.

export function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [path, query] = raw.split("?");
  const parts = path.split("/").filter(Boolean).map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  return {parts, params: new URLSearchParams(query || "")};
}
