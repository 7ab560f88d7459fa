// Live updates. The socket pushes numbered activity entries; on reconnect we ask for everything
// after the last number we saw, so nothing is missed while the link was down.
// - [data-live-feed]: an activity list; new entries are added at the top.
// - [data-live-notice]: a notice that partners changed something, with a link to reload.
(function () {
  const feed = document.querySelector("[data-live-feed]");
  const notice = document.querySelector("[data-live-notice]");
  const anchor = feed || notice;
  if (!anchor || !("WebSocket" in window)) return;
  const status = document.querySelector("[data-live-status]");
  let lastSeq = parseInt(anchor.dataset.seq || "0", 10);
  let delay = 1000;
  let socket;

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
    if (notice) {
      notice.querySelector("[data-live-text]").textContent = event.text;
      notice.hidden = false;
    }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + anchor.dataset.socket + "?after=" + lastSeq);
    socket.onopen = () => { delay = 1000; setStatus("on"); };
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "event") show(event);
      else if (event.type === "snapshot_required") location.reload();
      else if (event.type === "hello") lastSeq = Math.max(lastSeq, event.seq);
    };
    socket.onclose = (close) => {
      if (close.code === 4403) { setStatus("ended"); return; }
      setStatus("off");
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "sync" }));
  });
  connect();
})();
