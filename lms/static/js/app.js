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

  // Tables marked "sortable": each column heading becomes a button; a second press reverses the order.
  // Cells give their value in data-value (numbers) or their text; the first column sorts by name.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body || !table.tHead) { return; }
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var template = table.getAttribute("data-sort-label") || "{column}";
    heads.forEach(function (th, column) {
      var text = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = text;
      button.setAttribute("aria-label", template.replace("{column}", text));
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") !== "descending" && column > 0;
        if (column === 0) { descending = th.getAttribute("aria-sort") === "ascending"; }
        heads.forEach(function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var vx = x.getAttribute("data-value"), vy = y.getAttribute("data-value");
          var order = (vx !== null && vy !== null)
            ? parseFloat(vx) - parseFloat(vy)
            : x.textContent.trim().localeCompare(y.textContent.trim(), document.documentElement.lang);
          return descending ? -order : order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  });
})();
