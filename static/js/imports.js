// Moves the progress bar of an import while it runs; reloads the page when its phase ends.
// Without JavaScript the page refreshes itself (a <noscript> meta refresh) instead.
(() => {
  const section = document.querySelector("[data-import-status]");
  if (!section) return;
  const bar = section.querySelector("[data-import-bar]");
  const count = section.querySelector("[data-import-count]");
  const phase = section.dataset.importPhase;
  const poll = async () => {
    try {
      const response = await fetch(section.dataset.importStatus, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        if (!status.busy || (status.status === "applying") !== (phase === "applying")) {
          window.location.reload();
          return;
        }
        if (status.processed > 0 && status.total > 0) {
          bar.max = status.total;
          bar.value = status.processed;
          if (count) {
            count.textContent = count.dataset.importCount.replace("__done__", status.processed_label);
            count.hidden = false;
          }
        }
      }
    } catch (error) {
      // A dropped connection on a slow link: try again at the next tick.
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
})();
