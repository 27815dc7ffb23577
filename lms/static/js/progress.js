/* Keeps a progress bar up to date from its JSON status URL and reloads the page when the job ends. */
(function () {
  "use strict";

  document.querySelectorAll("[data-progress-url]").forEach(function (box) {
    var url = box.getAttribute("data-progress-url");
    var bar = box.querySelector("progress");
    var text = box.querySelector("[data-progress-text]");
    var hint = box.querySelector(".no-js-hint");
    if (hint) { hint.hidden = true; }
    var failures = 0;

    function show(state) {
      if (state.total) {
        bar.max = state.total;
        bar.value = Math.min(state.done, state.total);
        text.textContent = text.getAttribute("data-template")
          .replace("{done}", state.done.toLocaleString()).replace("{total}", state.total.toLocaleString());
      } else {
        bar.removeAttribute("value");
        text.textContent = text.getAttribute("data-template-unknown").replace("{done}", state.done.toLocaleString());
      }
    }

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (state) {
          failures = 0;
          show(state);
          if (state.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () {
          failures += 1;
          if (failures < 20) { window.setTimeout(poll, 3000); } else if (hint) { hint.hidden = false; }
        });
    }

    window.setTimeout(poll, 1000);
  });
})();
