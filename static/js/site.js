// Small enhancements; every page works without them.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// Live updates wait for the page: on a slow link, what is already there comes first.
window.addEventListener("load", () => {
  if (!document.querySelector("[data-live-feed], [data-live-notice]")) return;
  const script = document.createElement("script");
  script.src = document.body.dataset.liveScript;
  document.head.append(script);
});
// A phone shows the campaign tabs in one row that scrolls; bring the current one into view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".campaign-tabs [aria-current=page]");
  if (current) current.parentElement.scrollLeft = current.offsetLeft - current.parentElement.offsetLeft - 16;
});
