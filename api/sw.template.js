// ThuKy's service worker (served at /sw.js by api/pwa.py, which fills in the shell's version and list).
//
// It keeps the application shell — the page, its stylesheet and modules, the icons and the manifest — so the client
// opens without a connection and says so. It never stores an API response: answers, documents, conversations and case
// data always go to the network, and without one the client shows "không có kết nối" instead of an old answer.

const VERSION = "__SHELL_VERSION__";
const CACHE = `thuky-shell-${VERSION}`;
const SHELL = __SHELL_URLS__;
const SHELL_PATHS = new Set(SHELL);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, {cache: "reload"}))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n.startsWith("thuky-") && n !== CACHE).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// The network first, so an online client always runs the current release; the cached shell only when it fails.
async function shellFirstFromNetwork(request, cacheKey) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") await cache.put(cacheKey, response.clone());
    return response;
  } catch (exc) {
    const cached = await cache.match(cacheKey);
    if (cached) return cached;
    throw exc;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === "/") {
    event.respondWith(shellFirstFromNetwork(request, "/"));
  } else if (SHELL_PATHS.has(url.pathname) && !url.search) {
    event.respondWith(shellFirstFromNetwork(request, url.pathname));
  }
  // anything else — the API above all — is left to the browser: never answered from, nor put in, a cache
});
