/* Keeps a live count up to date from its JSON URL ({"present": n}) while the page is open. */
(function () {
  "use strict";

  document.querySelectorAll("[data-count-url]").forEach(function (box) {
    var url = box.getAttribute("data-count-url");
    var figure = box.querySelector("[data-count]");
    var manual = box.querySelector("[data-no-js]");
    if (manual) { manual.hidden = true; }
    var failures = 0;

    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (state) {
          failures = 0;
          var text = Number(state.present).toLocaleString(document.documentElement.lang || undefined);
          if (figure.textContent !== text) { figure.textContent = text; }
          window.setTimeout(poll, 4000);
        })
        .catch(function () {
          failures += 1;
          if (failures < 20) { window.setTimeout(poll, 8000); } else if (manual) { manual.hidden = false; }
        });
    }

    window.setTimeout(poll, 2000);
  });
})();
