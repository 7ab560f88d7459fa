// The public petition page: the count refreshes by itself, and the form gets its CSRF token
// (the shared, cached page cannot carry one). Without this script both still work.
(function () {
  "use strict";
  if (!window.fetch || !document.querySelector) return;

  var box = document.querySelector("[data-count-url]");
  if (box) {
    var separator = box.getAttribute("data-separator") || ",";
    var step = box.getAttribute("data-lakh") === "1" ? 2 : 3;
    var format = function (n) {
      var digits = String(n);
      if (digits.length <= 3) return digits;
      var out = digits.slice(-3);
      digits = digits.slice(0, -3);
      while (digits.length > step) {
        out = digits.slice(-step) + separator + out;
        digits = digits.slice(0, -step);
      }
      return digits + separator + out;
    };
    var refresh = function () {
      if (document.hidden) return;
      fetch(box.getAttribute("data-count-url"), { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          ["total", "online", "field", "paper"].forEach(function (key) {
            var shown = box.querySelector('[data-count="' + key + '"]');
            if (shown) shown.textContent = format(data[key]);
          });
          var bar = box.querySelector("progress");
          if (bar) {
            bar.max = data.goal;
            bar.value = Math.min(data.total, data.goal);
          }
        })
        .catch(function () {});
    };
    setInterval(refresh, 10000);
  }

  var form = document.querySelector("form[data-csrf-url]");
  if (form) {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    var pending = null;
    var fetchToken = function () {
      if (!pending) {
        pending = fetch(form.getAttribute("data-csrf-url"), { credentials: "same-origin" })
          .then(function (response) { return response.json(); })
          .then(function (data) { input.value = data.token; })
          .catch(function () { pending = null; });
      }
      return pending;
    };
    // Only visitors who start signing ask for a token, not everyone watching the count.
    form.addEventListener("focusin", fetchToken, { once: true });
    form.addEventListener("submit", function (event) {
      if (input.value) return;
      event.preventDefault();
      var send = function () { form.submit(); };
      (fetchToken() || Promise.resolve()).then(send, send);
    });
  }
})();
