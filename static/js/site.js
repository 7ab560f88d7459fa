// Small enhancements; every page works without them.
document.documentElement.classList.add("js");
// A part of a form that matters for one choice only (what a target committed to, for the outcome
// "Committed") hides for the others, unless something is typed in it.
const showWhen = () => document.querySelectorAll("[data-shown-when]").forEach((part) => {
  const [name, value] = part.dataset.shownWhen.split("=");
  const choice = part.form && part.form.elements[name];
  if (!choice) return;
  const typed = [...part.querySelectorAll("input, textarea")].some((field) => field.value);
  part.hidden = choice.value !== value && !typed;
});
document.addEventListener("DOMContentLoaded", showWhen);
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  showWhen();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// Offline use and live updates wait for the page: on a slow link, what is already there comes
// first (a page the phone kept loads at once anyway).
window.addEventListener("load", () => {
  const later = (src) => {
    const script = document.createElement("script");
    script.src = src;
    document.head.append(script);
  };
  later(document.body.dataset.offlineScript);
  if (document.querySelector("[data-live-feed], [data-live-notice], [data-notifications]")) later(document.body.dataset.liveScript);
});
// A phone shows the campaign tabs in one row that scrolls; bring the current one into view.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".campaign-tabs [aria-current=page]");
  if (current) current.parentElement.scrollLeft = current.offsetLeft - current.parentElement.offsetLeft - 16;
});
// The browser knows its own time zone: offer it on sign-up, and tell the server for visitors who
// are not signed in (signed-in people have one in their profile).
(() => {
  let zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  if (!zone) return;
  const select = document.querySelector("select[data-browser-time-zone]");
  if (select && [...select.options].some((option) => option.value === zone)) select.value = zone;
  if (!document.cookie.split("; ").includes("timezone=" + zone)) {
    document.cookie = "timezone=" + zone + "; path=/; max-age=31536000; samesite=lax";
  }
})();
