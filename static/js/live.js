// Live updates. The socket pushes numbered activity entries; on reconnect we ask for everything
// after the last number we saw, so nothing is missed while the link was down.
// - [data-live-feed]: an activity list; new entries are added at the top.
// - [data-live-region]: a part of the page that follows the objects named in its data-live-topics;
//   when an event names one of them, the page is fetched again (the same view, the same access
//   check) and the part replaced; a form the reader is typing in is carried over as it is.
// - [data-live-notice]: a notice that partners changed something, with a link to reload, for
//   changes no part of the page follows.
// - [data-notifications]: the header's link to one's notifications, with the unread count; a page
//   with nothing else live still opens the person's own socket to keep it current.
// Counts the public changes (a petition's signatures) come as unnumbered "tally" messages naming
// topics too: they refresh the parts following them. A lost one is made up for by the next, and
// after a reconnect every part is read again.
(function () {
  const feed = document.querySelector("[data-live-feed]");
  const notice = document.querySelector("[data-live-notice]");
  const notifications = document.querySelector("[data-notifications]");
  const anchor = feed || notice || notifications;
  if (!anchor || !("WebSocket" in window)) return;
  const status = document.querySelector("[data-live-status]");
  const presence = document.querySelector("[data-live-presence]");
  let lastSeq = parseInt(anchor.dataset.seq || "0", 10);
  let delay = 1000;
  let socket;
  let watchdog;
  // The server pings every 20 s (LIVE_HEARTBEAT_SECONDS); silence for three beats means the link
  // is dead even if the browser has not noticed.
  const SILENCE_MS = 65000;
  const regions = () => [...document.querySelectorAll("[data-live-region]")];
  const pending = new Set();
  let refreshTimer;

  // A form someone has typed in keeps what they typed: the part holding it is not replaced.
  document.addEventListener("input", (event) => { if (event.target.form) event.target.form.dataset.dirty = "1"; });
  document.addEventListener("submit", (event) => { delete event.target.dataset.dirty; });
  document.addEventListener("focusout", () => { if (pending.size) scheduleRefresh(); });

  // The forms someone is typing in, and the field they are in, move into the fresh part in place
  // of their fresh copies (same id), keeping what was typed and the cursor. Without a copy to
  // take the place of (its row is gone), the part waits.
  function replaceKeepingTyping(current, replacement) {
    const active = current.contains(document.activeElement) ? document.activeElement : null;
    const kept = new Set(current.querySelectorAll("form[data-dirty]"));
    if (active) kept.add(active.closest("form[id]") || active);
    const twins = [];
    for (const node of kept) {
      const twin = node.id && replacement.querySelector("#" + CSS.escape(node.id));
      if (!twin) return false;
      twins.push([node, twin]);
    }
    const selection = active && "selectionStart" in active ? [active.selectionStart, active.selectionEnd] : null;
    for (const [node, twin] of twins) twin.replaceWith(node);
    // What the reader unfolded stays unfolded.
    for (const details of current.querySelectorAll("details[id]")) {
      const twin = replacement.querySelector("#" + CSS.escape(details.id));
      if (twin) twin.open = details.open;
    }
    current.replaceWith(replacement);
    if (active) {
      active.focus();
      if (selection) try { active.setSelectionRange(...selection); } catch (error) { /* not a text field */ }
    }
    return true;
  }

  function scheduleRefresh(wait = 250) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refresh, wait);  // a burst of events costs one fetch
  }

  async function refresh() {
    let html;
    try {
      const response = await fetch(location.href, { credentials: "same-origin", headers: { "X-Live-Refresh": "1" } });
      if (!response.ok) return;
      html = await response.text();
    } catch (error) {
      return;  // offline: the next event or reconnect tries again
    }
    const fresh = new DOMParser().parseFromString(html, "text/html");
    for (const name of [...pending]) {
      const current = document.querySelector(`[data-live-region="${name}"]`);
      const replacement = fresh.querySelector(`[data-live-region="${name}"]`);
      if (!current || !replacement) { pending.delete(name); continue; }
      if (replaceKeepingTyping(current, document.importNode(replacement, true))) pending.delete(name);
    }
  }

  // True when some part of the page follows what the event touched.
  function follow(event, wait) {
    const topics = new Set(event.topics || []);
    let followed = false;
    for (const region of regions()) {
      if ((region.dataset.liveTopics || "").split(" ").some((topic) => topics.has(topic))) {
        pending.add(region.dataset.liveRegion);
        followed = true;
      }
    }
    if (followed) scheduleRefresh(wait);
    return followed;
  }

  function refreshEveryRegion() {
    for (const region of regions()) pending.add(region.dataset.liveRegion);
    scheduleRefresh();
  }

  // Written as the server writes SHORT_DATETIME_FORMAT ("1 Dec 2026, 14:05"), in the reader's
  // zone and month names (data attributes of <body>), never in the browser's own ordering.
  const page = document.body;
  const months = (page.dataset.months || "").split("|");
  let timeParts;
  try {
    timeParts = new Intl.DateTimeFormat("en-GB", {
      timeZone: page.dataset.timeZone || undefined, year: "numeric", month: "numeric", day: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
  } catch (error) {
    timeParts = new Intl.DateTimeFormat("en-GB", { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }
  function formatTime(iso) {
    const parts = Object.fromEntries(timeParts.formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    const month = months[parseInt(parts.month, 10) - 1] || parts.month;
    return `${parseInt(parts.day, 10)} ${month} ${parts.year}, ${parts.hour}:${parts.minute}`;
  }

  // The dot says the state, its label says it in words (translated in base.html).
  function setStatus(state) {
    if (!status || status.dataset.state === state) return;  // announced once, not at every retry
    status.dataset.state = state;
    status.textContent = document.body.dataset["live" + state[0].toUpperCase() + state.slice(1)];
    status.hidden = false;
  }

  function show(event) {
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    if (feed) {
      const item = document.createElement("li");
      item.dataset.seq = event.seq;
      item.className = "new";
      const time = document.createElement("time");
      time.dateTime = event.at;
      time.textContent = formatTime(event.at);
      item.append(time, " ", event.text);
      feed.prepend(item);
    }
    if (notice && !follow(event)) {
      notice.querySelector("[data-live-text]").textContent = event.text;
      notice.hidden = false;
    }
  }

  // Too far behind to catch up event by event: every part the page follows is fetched afresh
  // (what the reader is typing stays); a page without such parts reloads.
  function snapshot(seq) {
    if (!regions().length) { location.reload(); return; }
    lastSeq = seq;
    refreshEveryRegion();
  }

  // Who else is on this campaign now, by name and organisation (the server never sends addresses).
  function showPresence(people) {
    if (!presence) return;
    presence.textContent = presence.dataset.label + " " + people.map((person) => `${person.name} (${person.organisation})`).join(", ");
    presence.hidden = people.length === 0;
  }

  function showUnread(count) {
    if (!notifications) return;
    const badge = notifications.querySelector("[data-unread-count]");
    const number = badge.querySelector("[data-unread-number]");
    if (number.textContent !== String(count)) follow({ topics: ["notifications"] });
    number.textContent = count;
    badge.hidden = count === 0;
  }

  function listen() {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => socket.close(), SILENCE_MS);
  }

  // Doubling waits, each drawn at random between half and all of it, so that a hundred phones
  // that lost the same link do not all come back in the same second.
  function retry() {
    setTimeout(connect, delay / 2 + Math.random() * delay / 2);
    delay = Math.min(delay * 2, 30000);
  }

  let connectedBefore = false;
  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + anchor.dataset.socket + "?after=" + lastSeq);
    socket.onopen = () => {
      delay = 1000;
      setStatus("on");
      // Numbered events are caught up from the trail; counts that changed while the link was
      // down are read again.
      if (connectedBefore) refreshEveryRegion();
      connectedBefore = true;
      listen();
      if (presence) socket.send(JSON.stringify({ type: "presence", campaign: parseInt(presence.dataset.campaign, 10) }));
      if (notifications) socket.send(JSON.stringify({ type: "unread" }));
    };
    socket.onmessage = (message) => {
      listen();
      const event = JSON.parse(message.data);
      if (event.type === "event") show(event);
      // Spread out, so that the leads watching one petition do not all ask in the same instant.
      else if (event.type === "tally") follow(event, 250 + Math.random() * 250);
      else if (event.type === "snapshot_required") snapshot(event.seq);
      else if (event.type === "hello") lastSeq = Math.max(lastSeq, event.seq);
      else if (event.type === "presence") showPresence(event.people);
      else if (event.type === "notifications") showUnread(event.unread);
    };
    socket.onclose = (close) => {
      clearTimeout(watchdog);
      if (close.code === 4403) { setStatus("ended"); return; }
      setStatus("off");
      retry();
    };
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "sync" }));
  });
  connect();
})();
