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

  // Mark the fields the server refused (aria-invalid, the message under the field); clear old marks.
  function markFields(form, fields) {
    form.querySelectorAll("[data-upload-field-error]").forEach(function (old) { old.remove(); });
    form.querySelectorAll('[aria-invalid="true"]').forEach(function (input) {
      input.removeAttribute("aria-invalid");
      var holder = input.closest(".field");
      if (holder) { holder.classList.remove("has-error"); }
    });
    var first = null;
    Object.keys(fields || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      if (!input || input.type === "hidden") { return; }
      var note = document.createElement("p");
      note.className = "error";
      note.id = input.id ? input.id + "-upload-error" : "";
      note.setAttribute("data-upload-field-error", "");
      note.textContent = fields[name].join(" ");
      var holder = input.closest(".field");
      if (holder) { holder.classList.add("has-error"); holder.appendChild(note); } else { input.after(note); }
      input.setAttribute("aria-invalid", "true");
      if (note.id) { input.setAttribute("aria-describedby", note.id); }
      if (!first) { first = input; }
    });
    if (first) { first.focus(); }
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
        var refused = {};
        refused[input.name] = [form.getAttribute("data-too-large") || ""];
        bar.value = 0;
        markFields(form, refused);
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
        bar.value = 0;  // the bar starts again from nothing on the next try
        markFields(form, reply && reply.fields);
        var text = form.getAttribute("data-failed") || "";
        if (reply && reply.errors && reply.errors.length) { text = reply.errors.join(" "); }
        else if (reply && reply.error && reply.error.message) { text = reply.error.message; }
        show(box, text, true);
      });
      xhr.addEventListener("error", function () {
        if (button) { button.disabled = false; }
        bar.value = 0;
        show(box, form.getAttribute("data-failed") || "", true);
      });
      if (button) { button.disabled = true; }
      bar.value = 0;
      show(box, "0%", false);
      xhr.send(new FormData(form));
    });
  });
})();
