// Offline use on a phone. Registers the service worker (static/js/sw.js, served at /sw.js) for a
// signed-in person; says when the link is down and since when; keeps a status change or a
// check-off made meanwhile on the phone; says what became of it once sent. Its words are data
// attributes of <body> (base.html), in the reader's language.
(function () {
  const page = document.body;
  const banner = document.querySelector("[data-offline-banner]");
  if (!banner) return;
  const workerUrl = page.dataset.offlineWorker;
  const workers = workerUrl && "serviceWorker" in navigator ? navigator.serviceWorker : null;
  // A page the worker served (or kept) has a controller; the first page after signing in does not.
  const servedByWorker = Boolean(workers && workers.controller);
  const DOWN_SINCE = "offline-since";
  // While the banner is up on a link the phone thinks is fine, how often to try the server again.
  const RETRY_MS = 15000;
  const ANSWER_MS = 5000;
  const FIRST_RESEND_MS = 3000;
  const LAST_RESEND_MS = 60000;
  let retrying = null;
  let resendMs = FIRST_RESEND_MS;

  const remembered = {
    get: (key) => { try { return localStorage.getItem(key); } catch (error) { return null; } },
    set: (key, value) => { try { localStorage.setItem(key, value); } catch (error) { /* private mode */ } },
    drop: (key) => { try { localStorage.removeItem(key); } catch (error) { /* private mode */ } },
  };

  // "14:02" in the reader's zone, as the pages write times (live.js formatTime); an earlier day
  // comes with its date: "1 Dec 2026, 14:02".
  const zoneParts = (() => {
    const options = { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    let format;
    try { format = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: page.dataset.timeZone || undefined }); }
    catch (error) { format = new Intl.DateTimeFormat("en-GB", options); }
    return (date) => Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
  })();
  function clock(iso) {
    const then = zoneParts(new Date(iso));
    const today = zoneParts(new Date());
    const time = `${then.hour}:${then.minute}`;
    if (then.day === today.day && then.month === today.month && then.year === today.year) return time;
    const month = (page.dataset.months || "").split("|")[parseInt(then.month, 10) - 1] || then.month;
    return `${parseInt(then.day, 10)} ${month} ${then.year}, ${time}`;
  }

  const isDown = () => !banner.hidden;

  function down(since) {
    let start = remembered.get(DOWN_SINCE);
    if (!start) {
      start = since || new Date().toISOString();
      remembered.set(DOWN_SINCE, start);
    }
    banner.textContent = page.dataset.offlineSince.replace("{time}", clock(start));
    banner.hidden = false;
    if (!retrying) retrying = setInterval(tryServer, RETRY_MS);
  }

  function up() {
    remembered.drop(DOWN_SINCE);
    banner.hidden = true;
    clearInterval(retrying);
    retrying = null;
    if (workers) tell({ type: "send" });
  }

  async function tryServer() {
    if (!navigator.onLine) return;
    try {
      await fetch(workerUrl || location.href, { method: "HEAD", cache: "no-store", credentials: "same-origin" });
      up();
    } catch (error) { /* still down */ }
  }

  // Messages as the server shows them, under the banner.
  function say(text, level) {
    let list = document.querySelector("main .messages");
    if (!list) {
      list = document.createElement("ul");
      list.className = "messages";
      list.setAttribute("role", "status");
      banner.after(list);
    }
    const item = document.createElement("li");
    item.className = "message " + level;
    item.textContent = text;
    list.append(item);
  }

  // Where a form posts to (read from its attribute: an input named "action" would hide the property).
  const addressOf = (form) => new URL(form.getAttribute("action") || location.href, location.href).href;

  // The card or form a kept change came from, by the address it posts to (or links to, for a
  // check-off kept from its own page and shown on the board).
  function placeOf(url) {
    const path = new URL(url, location.href).pathname;
    const targets = [
      ...[...document.querySelectorAll("form[method=post]")].map((form) => [form, addressOf(form)]),
      ...[...document.querySelectorAll("a[href]:not([href^='#'])")].map((link) => [link, link.getAttribute("href")]),
    ];
    const found = targets.find(([, address]) => new URL(address, location.href).pathname === path);
    return found && (found[0].closest(".task") || found[0].closest("form"));
  }

  function markKept(urls) {
    let unplaced = false;
    for (const url of urls) {
      const place = placeOf(url);
      if (!place) { unplaced = true; continue; }
      const holder = place.matches("form") ? place.parentElement : place;
      if (holder.querySelector(".offline-note")) continue;
      const note = document.createElement("p");
      note.className = "offline-note";
      note.dataset.offlineKept = new URL(url, location.href).pathname;
      note.textContent = page.dataset.offlineSaved;
      if (place.matches("form")) place.after(note); else place.append(note);
    }
    if (unplaced) say(page.dataset.offlineSaved, "info");
  }

  function showNotes(notes) {
    for (const note of notes) {
      const path = new URL(note.url, location.href).pathname;
      document.querySelectorAll(".offline-note").forEach((kept) => { if (kept.dataset.offlineKept === path) kept.remove(); });
      if (note.kind === "signedOut") say(page.dataset.offlineSignedOut, "error");
      else if (note.kind === "refused") say([page.dataset.offlineRefused, note.text].filter(Boolean).join(" "), "error");
      else say([page.dataset.offlineSent, note.text].filter(Boolean).join(" "), "success");
    }
  }

  window.addEventListener("offline", () => down());
  window.addEventListener("online", up);
  if (page.dataset.offlineCopy !== undefined) down(page.dataset.offlineDown);
  else if (!navigator.onLine) down();
  else remembered.drop(DOWN_SINCE);

  if (!workers) return;

  const registration = new Promise((resolve) => {
    if (document.readyState === "complete") resolve();
    else window.addEventListener("load", resolve, { once: true });
  }).then(() => workers.register(workerUrl, { scope: "/" })).then(() => workers.ready).catch(() => null);

  async function tell(message, transfer) {
    const ready = await registration;
    const worker = workers.controller || (ready && ready.active);
    if (worker) worker.postMessage(message, transfer || []);
    return Boolean(worker);
  }

  // The worker's answer, or null when there is no worker or it does not answer in time.
  function ask(message) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      tell(message, [channel.port2]).then((told) => { if (!told) resolve(null); });
      setTimeout(() => resolve(null), ANSWER_MS);
    });
  }

  workers.addEventListener("message", (event) => {
    const message = event.data || {};
    if (message.type === "state") {
      markKept(message.kept);
      showNotes(message.notes);
      if (message.kept.length && !isDown()) tell({ type: "send" });
    } else if (message.type === "notes") {
      resendMs = FIRST_RESEND_MS;
      showNotes(message.notes);
    } else if (message.offline) {
      // The phone said the link was back before it could carry a post: try again, less and less often.
      setTimeout(() => tell({ type: "send" }), resendMs);
      resendMs = Math.min(resendMs * 2, LAST_RESEND_MS);
    }
  });
  workers.startMessages();
  tell({ type: "hello", uncontrolled: !servedByWorker, url: location.href });

  // Offline, a form that carries an idempotency key is kept on the phone rather than lost; the
  // worker also keeps one whose post fails on the way (a link the phone thinks is up).
  document.addEventListener("submit", (event) => {
    const form = event.target;
    const key = form.querySelector("input[name=idempotency_key]");
    if (!key || event.defaultPrevented || !(isDown() || !navigator.onLine)) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form)).toString();
    ask({ type: "keep", url: addressOf(form), body }).then((answer) => {
      if (!answer || !answer.kept) { form.submit(); return; }
      // A second change from the same form is another change, not the first sent again.
      key.value = self.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
      markKept([addressOf(form)]);
      down();
    });
  });
})();
