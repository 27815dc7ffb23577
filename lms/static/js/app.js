/* Small progressive enhancements; every page works without them. */
(function () {
  "use strict";

  // A "select all" checkbox ticks every checkbox of the given name in the same form.
  document.querySelectorAll("input[data-select-all]").forEach(function (master) {
    var name = master.getAttribute("data-select-all");
    var form = master.form;
    if (!form) { return; }
    master.addEventListener("change", function () {
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = master.checked;
      });
    });
  });

  // A select marked data-autosubmit submits its GET form when changed (the button stays for no-JS use).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) { select.form.submit(); }
    });
  });

  // Phones: an officer's long navigation folds behind its "Menu" button (open without script).
  document.querySelectorAll(".main-nav.collapsible").forEach(function (nav) {
    var toggle = nav.querySelector(".nav-toggle");
    if (!toggle) { return; }
    var narrow = window.matchMedia("(max-width: 39.99rem)");
    function set(open) {
      nav.classList.toggle("folded", !open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }
    nav.classList.add("ready");
    set(!narrow.matches);
    toggle.addEventListener("click", function () { set(nav.classList.contains("folded")); });
    narrow.addEventListener("change", function () { set(!narrow.matches); });
  });
})();
