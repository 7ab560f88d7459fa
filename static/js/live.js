// Live activity: the socket pushes audit entries with sequence numbers; on reconnect we ask for
// everything after the last number we saw, so nothing is missed while the link was down.
(function () {
  const feed = document.querySelector("[data-live-feed]");
  if (!feed || !("WebSocket" in window)) return;
  const status = document.querySelector("[data-live-status]");
  let lastSeq = parseInt(feed.dataset.seq || "0", 10);
  let delay = 1000;
  let socket;

  function setStatus(text) { if (status) status.textContent = text; }

  function show(event) {
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    const item = document.createElement("li");
    item.dataset.seq = event.seq;
    item.className = "new";
    const time = document.createElement("time");
    time.dateTime = event.at;
    time.textContent = new Date(event.at).toLocaleString();
    item.append(time, " ", event.text);
    feed.prepend(item);
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + feed.dataset.socket + "?after=" + lastSeq);
    socket.onopen = () => { delay = 1000; setStatus("●"); };
    socket.onmessage = (message) => {
      const event = JSON.parse(message.data);
      if (event.type === "event") show(event);
      else if (event.type === "snapshot_required") location.reload();
      else if (event.type === "hello") lastSeq = Math.max(lastSeq, event.seq);
    };
    socket.onclose = (close) => {
      setStatus("○");
      if (close.code === 4403) return;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "sync" }));
  });
  connect();
})();
