// Password strength meter (AUTH-2): asks the server's password_strength() while the
// person types, and shows the score in a <meter> with a spoken status and hints.
// Without JavaScript the meter stays hidden and the server's checks on submit decide.
(function () {
  "use strict";
  var input = document.querySelector("input[data-password-meter]");
  if (!input || !window.fetch || !window.FormData) {
    return;
  }
  var box = document.getElementById(input.getAttribute("data-password-meter"));
  if (!box) {
    return;
  }
  var meter = box.querySelector("meter");
  var status = document.getElementById("password-meter-status");
  var hintList = document.getElementById("password-meter-hints");
  var form = input.form;
  var tokenInput = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  var emailInput = form && form.querySelector("input[name=email]");
  var prefix = status.getAttribute("data-prefix") || "";
  var timer = null;
  var sequence = 0;

  box.hidden = false;
  input.setAttribute("aria-describedby", [input.getAttribute("aria-describedby"), "password-meter-status"]
    .filter(Boolean).join(" "));

  function show(result) {
    meter.value = result.score;
    meter.textContent = result.score + "/4";
    status.textContent = prefix + " " + result.label + ".";
    hintList.textContent = "";
    (result.hints || []).forEach(function (hint) {
      var item = document.createElement("li");
      item.textContent = hint;
      hintList.appendChild(item);
    });
  }

  function check() {
    var mine = ++sequence;
    var body = new FormData();
    body.append("password", input.value);
    if (emailInput) {
      body.append("email", emailInput.value);
    }
    fetch(box.getAttribute("data-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": tokenInput ? tokenInput.value : "" }
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (result) {
        if (result && mine === sequence) {
          show(result);
        }
      })
      .catch(function () {
        // The meter is advice only; the server still checks the password on submit.
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 250);
  });
  if (input.value) {
    check();
  }
})();
