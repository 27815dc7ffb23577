/* Upload progress for forms marked data-upload: sends the form with XMLHttpRequest and shows a progress bar.
   Without JavaScript the form posts normally; the server answers either way. */
(function () {
  "use strict";

  function show(box, text, isError) {
    box.hidden = false;
    var message = box.querySelector("[data-upload-message]");
    if (message) {
      message.textContent = text;
      message.className = isError ? "error" : "muted";
    }
  }

  document.querySelectorAll("form[data-upload]").forEach(function (form) {
    if (!window.FormData || !window.XMLHttpRequest) { return; }
    var box = form.querySelector("[data-upload-progress]");
    var bar = box ? box.querySelector("progress") : null;
    var button = form.querySelector('[type="submit"]');
    var maxBytes = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

    form.addEventListener("submit", function (event) {
      if (!box || !bar) { return; }
      var input = form.querySelector('input[type="file"]');
      var file = input && input.files && input.files[0];
      if (file && maxBytes && file.size > maxBytes) {
        event.preventDefault();
        show(box, form.getAttribute("data-too-large") || "", true);
        return;
      }
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open(form.method || "post", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.max = e.total;
          bar.value = e.loaded;
          show(box, Math.floor((100 * e.loaded) / e.total) + "%", false);
        }
      });
      xhr.addEventListener("load", function () {
        var reply = null;
        try { reply = JSON.parse(xhr.responseText); } catch (ignored) { reply = null; }
        if (reply && reply.ok && reply.redirect) {
          window.location.assign(reply.redirect);
          return;
        }
        if (button) { button.disabled = false; }
        var text = form.getAttribute("data-failed") || "";
        if (reply && reply.errors && reply.errors.length) { text = reply.errors.join(" "); }
        else if (reply && reply.error && reply.error.message) { text = reply.error.message; }
        show(box, text, true);
      });
      xhr.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        show(box, form.getAttribute("data-failed") || "", true);
      });
      if (button) { button.disabled = true; }
      bar.value = 0;
      show(box, "0%", false);
      xhr.send(new FormData(form));
    });
  });
})();
