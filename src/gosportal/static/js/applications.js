// Application form (APP-1, APP-2): autosave of the draft after a pause in typing, and
// file uploads with a progress bar. Without JavaScript the form's buttons do the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var statusLine = form.querySelector("[data-autosave-status]");
  var timer = null;
  var DELAY = 3000;

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fieldsOnly() {
    var data = new FormData(form);
    var keys = [];
    data.forEach(function (_value, key) { keys.push(key); });
    keys.forEach(function (key) {
      if (key.indexOf("files_") === 0) { data.delete(key); }
    });
    return data;
  }

  function autosave() {
    var data = fieldsOnly();
    data.set("action", "autosave");
    fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf(), "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      if (statusLine) { statusLine.textContent = statusLine.dataset.savedText + " " + body.saved_at; }
    }).catch(function () {
      if (statusLine) { statusLine.textContent = statusLine.dataset.failedText; }
    });
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(autosave, DELAY);
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.value || button.value.indexOf("upload:") !== 0) { return; }
    var box = button.closest("[data-upload-box]");
    var input = box && box.querySelector("input[type=file]");
    if (!input || !input.files.length || !window.XMLHttpRequest) { return; }
    event.preventDefault();
    window.clearTimeout(timer);
    var data = fieldsOnly();
    Array.prototype.forEach.call(input.files, function (file) { data.append(input.name, file); });
    data.set("action", button.value);
    var bar = box.querySelector("[data-upload-progress]");
    var request = new XMLHttpRequest();
    request.open("POST", form.dataset.autosaveUrl);
    request.setRequestHeader("X-CSRFToken", csrf());
    request.setRequestHeader("Accept", "application/json");
    if (bar) { bar.hidden = false; bar.value = 0; }
    button.disabled = true;
    request.upload.addEventListener("progress", function (progress) {
      if (bar && progress.lengthComputable) { bar.value = Math.round(progress.loaded * 100 / progress.total); }
    });
    request.addEventListener("load", function () {
      if (request.status === 200) {
        window.location.hash = "documents";
        window.location.reload();
        return;
      }
      var message = statusLine ? statusLine.dataset.uploadFailedText : "";
      try { message = JSON.parse(request.responseText).error || message; } catch (ignored) { /* keep the default */ }
      var error = box.querySelector(".field__error[data-upload-error]");
      if (!error) {
        error = document.createElement("p");
        error.className = "field__error";
        error.setAttribute("data-upload-error", "");
        error.setAttribute("role", "alert");
        box.insertBefore(error, input);
      }
      error.textContent = message;
      if (bar) { bar.hidden = true; }
      button.disabled = false;
    });
    request.addEventListener("error", function () {
      button.disabled = false;
      if (bar) { bar.hidden = true; }
    });
    request.send(data);
  });
})();
