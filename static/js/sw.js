// The service worker. Served from /sw.js by config/offline.py, which writes CONFIG above this file:
// the static address, the shell files, the sign-in page, the header of pages kept offline, and
// the addresses of the forms kept on the phone while the link is down.
// - Pages marked by the server (a member's tasks, boards, check-off forms): from the network when
//   it answers, the latest copy otherwise, with the time it was kept written into <body>.
// - Static files: hashed names never change, so a kept copy is used first; others (tests, a
//   developer's machine) come from the network when it answers.
// - Kept forms: posted while the link is down, they wait in IndexedDB and are sent when it
//   returns (Background Sync where the browser has it, and whenever a page asks). Their
//   idempotency key makes a form that arrives twice count once.
// Sign-out clears all of it (Clear-Site-Data), the worker included.
/* global CONFIG */
"use strict";

const PAGES = "pages";
const STATIC = "static";
const MAX_PAGES = 20;
const MAX_STATIC = 60;
const HASHED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;
// On a link that drops packets, a page that has not come in this long is shown from the phone;
// the answer still replaces the copy when it comes.
const SLOW_PAGE_MS = 10000;
const SLOW_POST_MS = 20000;
const KEPT_FORMS = CONFIG.kept.map((pattern) => new RegExp(pattern));
let linkDownSince = null;
let sending = null;

self.addEventListener("install", (event) => {
  // One by one: a shell file missed on a bad link is fetched with the next page instead.
  event.waitUntil(
    caches.open(STATIC)
      .then((cache) => Promise.allSettled(CONFIG.shell.map(async (url) => (await cache.match(url)) || cache.add(url))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) if (name !== PAGES && name !== STATIC) await caches.delete(name);
    if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && isKeptForm(url)) event.respondWith(postOrKeep(event));
  else if (request.method !== "GET") return;
  else if (request.mode === "navigate") event.respondWith(page(event));
  else if (url.pathname.startsWith(CONFIG.static)) event.respondWith(staticFile(event));
});

self.addEventListener("sync", (event) => {
  if (event.tag === "outbox") event.waitUntil(sendKept());
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  const reply = (answer) => (event.ports[0] || event.source).postMessage(answer);
  if (message.type === "hello") event.waitUntil(hello(message, event.source));
  else if (message.type === "keep") {
    const url = new URL(message.url, location.origin);
    event.waitUntil(isKeptForm(url) ? keep(url.href, message.body).then(() => reply({ kept: true })) : Promise.resolve(reply({ kept: false })));
  } else if (message.type === "send") event.waitUntil(sendKept().catch(() => reply({ offline: true })));
});

function isKeptForm(url) {
  return KEPT_FORMS.some((pattern) => pattern.test(url.pathname));
}

// The promise, or a failure once `ms` have passed without it.
function within(promise, ms) {
  let timer;
  const slow = new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error("slow link")), ms); });
  return Promise.race([promise, slow]).finally(() => clearTimeout(timer));
}

function linkUp() {
  linkDownSince = null;
}

function linkDown() {
  linkDownSince = linkDownSince || new Date().toISOString();
}

// Pages -----------------------------------------------------------------------------------------

async function page(event) {
  const request = event.request;
  const network = (async () => {
    const response = (await event.preloadResponse) || (await fetch(request));
    linkUp();
    return response;
  })();
  const stored = network.then((response) => store(request.url, response.clone()), linkDown);
  event.waitUntil(stored.catch(() => {}));
  const copy = await copyOf(request.url);
  if (!copy) return network;
  try {
    return await within(network, SLOW_PAGE_MS);
  } catch (error) {
    linkDown();
    return offlineCopy(copy);
  }
}

// The latest copy of the page, or of the same page seen another way (the board by target rather
// than by organisation): better than nothing while the link is down.
async function copyOf(url) {
  const cache = await caches.open(PAGES);
  const exact = await cache.match(url, { ignoreVary: true });
  if (exact) return exact;
  const similar = await cache.matchAll(url, { ignoreVary: true, ignoreSearch: true });
  return similar[similar.length - 1];
}

async function store(url, response) {
  const cache = await caches.open(PAGES);
  if (response.ok && !response.redirected && response.headers.get(CONFIG.readable)) {
    const headers = new Headers(response.headers);
    // The body is stored decoded: its encoding no longer applies.
    headers.delete("Content-Encoding");
    headers.delete("Content-Length");
    headers.set("X-Kept-At", new Date().toISOString());
    const body = await response.blob();
    await cache.delete(url, { ignoreVary: true });
    await cache.put(url, new Response(body, { status: 200, headers }));
    await trim(cache, MAX_PAGES);
  } else if (response.status < 500) {
    // Done, moved (a redirect, status 0 here), no longer allowed, or the person is signed out:
    // the copy is out of date. A server error leaves it for the next time the link drops.
    await cache.delete(url, { ignoreVary: true });
  }
}

async function offlineCopy(copy) {
  const html = await copy.text();
  const keptAt = copy.headers.get("X-Kept-At") || "";
  const since = linkDownSince || new Date().toISOString();
  // Marked in the page itself, so that its script can say it is a copy and since when the link is down.
  const marked = html.replace("<body ", `<body data-offline-copy="${keptAt}" data-offline-down="${since}" `);
  return new Response(marked, { status: 200, headers: copy.headers });
}

async function trim(cache, most) {
  const keys = await cache.keys();
  for (const request of keys.slice(0, Math.max(0, keys.length - most))) await cache.delete(request);
}

async function staticFile(event) {
  const request = event.request;
  const cache = await caches.open(STATIC);
  if (HASHED.test(new URL(request.url).pathname)) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
  }
  try {
    const response = await fetch(request);
    if (response.ok) event.waitUntil(cache.put(request, response.clone()).then(() => trim(cache, MAX_STATIC)));
    return response;
  } catch (error) {
    const kept = await cache.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

// A page opened before the worker took over was not kept: fetch it once more, so that the first
// page after signing in is there when the link drops.
async function hello(message, client) {
  listening.add(client.id);
  const url = message.uncontrolled && message.url && new URL(message.url, location.origin);
  if (url && url.origin === location.origin && !(await (await caches.open(PAGES)).match(url.href, { ignoreVary: true }))) {
    try {
      await store(url.href, await fetch(url.href, { credentials: "same-origin" }));
    } catch (error) {
      linkDown();
    }
  }
  const kept = (await all("outbox")).map((entry) => entry.url);
  const notes = await takeAll("notes");
  client.postMessage({ type: "state", kept, notes });
}

// Forms kept on the phone --------------------------------------------------------------------------

async function postOrKeep(event) {
  const request = event.request;
  const body = await request.clone().text();
  const posting = fetch(request);
  posting.catch(() => {});  // given up on below; its late failure is no news
  try {
    const response = await within(posting, SLOW_POST_MS);
    linkUp();
    return response;
  } catch (error) {
    // Perhaps the server got it and its answer was lost: the form's key makes sending it again safe.
    linkDown();
    await keep(request.url, body, request.headers.get("Content-Type"));
    return Response.redirect(new URL(backTo(request.url, body), location.origin).href, 303);
  }
}

function backTo(url, body) {
  const next = new URLSearchParams(body).get("next") || new URL(url).searchParams.get("next") || "/";
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

const FORM_TYPE = "application/x-www-form-urlencoded";

async function keep(url, body, type) {
  await add("outbox", { url, body, type: type || FORM_TYPE, keptAt: new Date().toISOString() });
  if (self.registration.sync) await self.registration.sync.register("outbox").catch(() => {});
}

// One sending at a time: the online event, Background Sync and a page loading may all ask at once.
function sendKept() {
  sending = sending || sendAll().finally(() => { sending = null; });
  return sending;
}

async function sendAll() {
  const notes = [];
  let down = false;
  for (const entry of await all("outbox")) {
    let response;
    try {
      response = await fetch(entry.url, {
        method: "POST", body: entry.body, credentials: "same-origin", redirect: "follow",
        headers: { "Content-Type": entry.type || FORM_TYPE },
      });
    } catch (error) {
      down = true;
      break;
    }
    if (response.status >= 500) {
      down = true;
      break;
    }
    notes.push(...outcome(entry, response, await response.text()));
    await remove("outbox", entry.id);
  }
  if (down) linkDown();
  else linkUp();
  await tell(notes);
  if (down) throw new Error("the link is still down");
}

// What the server said, as the page it answered with shows it: its messages ("Checked off.", "This
// task has already been checked off.") and a form's errors.
const MESSAGE = /<li class="message ?([^"]*)">([\s\S]*?)<\/li>/g;
const FORM_ERRORS = /<ul class="errorlist[^"]*"[^>]*>([\s\S]*?)<\/ul>/g;
const ITEM = /<li[^>]*>([\s\S]*?)<\/li>/g;
const HEADING = /<h1[^>]*>([\s\S]*?)<\/h1>/;
const ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function plainText(html) {
  return html.replace(/<[^>]*>/g, "").replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] !== "#") return ENTITIES[name.toLowerCase()] || whole;
    return String.fromCodePoint(name[1].toLowerCase() === "x" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
  }).replace(/\s+/g, " ").trim();
}

function outcome(entry, response, html) {
  const answered = new URL(response.url || entry.url);
  // Signed out meanwhile: the form's token no longer counts, and signing in again makes a new one.
  if (answered.pathname.startsWith(CONFIG.login)) return [{ kind: "signedOut", url: entry.url }];
  const notes = [];
  for (const [, level, text] of html.matchAll(MESSAGE)) {
    notes.push({ kind: /\berror\b/.test(level) ? "refused" : "sent", text: plainText(text), url: entry.url });
  }
  for (const [, list] of html.matchAll(FORM_ERRORS)) {
    for (const [, item] of list.matchAll(ITEM)) notes.push({ kind: "refused", text: plainText(item), url: entry.url });
  }
  if (!notes.length && !response.ok) {
    // Not allowed any more, or gone: the page's heading says which.
    const heading = html.match(HEADING);
    notes.push({ kind: "refused", text: heading ? plainText(heading[1]) : "", url: entry.url });
  }
  return notes.length ? notes : [{ kind: "sent", text: "", url: entry.url }];
}

// Pages whose script has said hello, and so listens: a page still loading (its script comes
// after its load event) would drop a message, and a worker woken afresh knows of none.
const listening = new Set();

// Every open page shows what happened; with none listening, the next page to open does.
async function tell(notes) {
  if (!notes.length) return;
  const windows = (await self.clients.matchAll({ type: "window", includeUncontrolled: true })).filter((client) => listening.has(client.id));
  if (!windows.length) {
    for (const note of notes) await add("notes", note);
    return;
  }
  for (const client of windows) client.postMessage({ type: "notes", notes });
}

// IndexedDB -----------------------------------------------------------------------------------------

function database() {
  return new Promise((resolve, reject) => {
    const opening = indexedDB.open("offline", 1);
    opening.onupgradeneeded = () => {
      opening.result.createObjectStore("outbox", { keyPath: "id", autoIncrement: true });
      opening.result.createObjectStore("notes", { autoIncrement: true });
    };
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
}

async function inStore(name, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    transaction.oncomplete = () => { db.close(); resolve(request.result); };
    transaction.onerror = () => { db.close(); reject(transaction.error); };
  });
}

const all = (name) => inStore(name, "readonly", (store) => store.getAll());
const add = (name, value) => inStore(name, "readwrite", (store) => store.add(value));
const remove = (name, key) => inStore(name, "readwrite", (store) => store.delete(key));

async function takeAll(name) {
  const taken = await all(name);
  if (taken.length) await inStore(name, "readwrite", (store) => store.clear());
  return taken;
}
