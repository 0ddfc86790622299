// Security keys and passkeys (AUTH-3, AUTH-6): the browser half of the WebAuthn
// ceremonies. The server gives the options (POST, JSON), the browser asks the key,
// and the answer goes back to the server, which checks everything. Blocks marked
// data-webauthn stay hidden where the browser has no WebAuthn, and the other ways in
// keep working.
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-webauthn]");
  if (!blocks.length) {
    return;
  }
  if (!window.PublicKeyCredential || !navigator.credentials || !window.fetch) {
    return;
  }

  function toBytes(value) {
    var text = value.replace(/-/g, "+").replace(/_/g, "/");
    while (text.length % 4) {
      text += "=";
    }
    var raw = atob(text);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) {
      bytes[i] = raw.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) {
      raw += String.fromCharCode(bytes[i]);
    }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return options;
  }

  function common(credential) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults
        ? credential.getClientExtensionResults()
        : {},
    };
  }

  function attestationJson(credential) {
    var result = common(credential);
    var response = credential.response;
    result.response = {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    };
    return result;
  }

  function assertionJson(credential) {
    var result = common(credential);
    var response = credential.response;
    result.response = {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null,
    };
    return result;
  }

  function csrfToken(block) {
    var input = block.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // POST JSON; resolves with {ok, status, data}. A page instead of JSON (the
  // re-authentication redirect) reloads, so the server can say what it wants.
  function post(block, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(block) },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") !== 0) {
        window.location.reload();
        return new Promise(function () {});
      }
      return response.json().then(function (data) {
        return { ok: response.ok, status: response.status, data: data };
      });
    });
  }

  function showError(block, text) {
    var box = block.querySelector("[data-webauthn-error]");
    if (box) {
      box.textContent = text;
      box.hidden = false;
    }
  }

  function clearError(block) {
    var box = block.querySelector("[data-webauthn-error]");
    if (box) {
      box.textContent = "";
      box.hidden = true;
    }
  }

  // The browser's own refusal (cancelled, timed out, no key) in the page's words.
  function browserError(block, error) {
    var text = block.getAttribute("data-cancelled") || "";
    if (error && error.name === "InvalidStateError") {
      text = block.getAttribute("data-duplicate") || text;
    }
    showError(block, text);
  }

  function nextUrl(block) {
    var input = block.querySelector("input[name=next]");
    return input ? input.value : block.getAttribute("data-next") || "";
  }

  function register(block) {
    var form = block.tagName === "FORM" ? block : block.querySelector("form");
    var button = block.querySelector("[data-webauthn-start]");
    form.addEventListener("submit", function (event) {
      var answer = form.querySelector("input[name=credential]");
      if (answer.value) {
        return; // the key has answered: the form goes to the server
      }
      event.preventDefault();
      clearError(block);
      button.disabled = true;
      post(block, block.getAttribute("data-options-url"), {})
        .then(function (result) {
          if (!result.ok) {
            throw { server: result.data.error };
          }
          return navigator.credentials.create({ publicKey: creationOptions(result.data) });
        })
        .then(function (credential) {
          answer.value = JSON.stringify(attestationJson(credential));
          form.submit();
        })
        .catch(function (error) {
          button.disabled = false;
          if (error && error.server) {
            showError(block, error.server);
          } else {
            browserError(block, error);
          }
        });
    });
  }

  function authenticate(block) {
    var button = block.querySelector("[data-webauthn-start]");
    button.addEventListener("click", function () {
      clearError(block);
      button.disabled = true;
      post(block, block.getAttribute("data-options-url"), {})
        .then(function (result) {
          if (!result.ok) {
            throw { server: result.data.error, redirect: result.data.redirect };
          }
          return navigator.credentials.get({ publicKey: requestOptions(result.data) });
        })
        .then(function (credential) {
          return post(block, block.getAttribute("data-url"), {
            credential: assertionJson(credential),
            next: nextUrl(block),
          });
        })
        .then(function (result) {
          if (!result.ok) {
            throw { server: result.data.error, redirect: result.data.redirect };
          }
          window.location.assign(result.data.redirect || "/");
        })
        .catch(function (error) {
          button.disabled = false;
          if (error && error.redirect) {
            window.location.assign(error.redirect);
          } else if (error && error.server) {
            showError(block, error.server);
          } else {
            browserError(block, error);
          }
        });
    });
  }

  Array.prototype.forEach.call(blocks, function (block) {
    block.hidden = false;
    var fallback = document.querySelector("[data-webauthn-unsupported]");
    if (fallback) {
      fallback.hidden = true;
    }
    if (block.getAttribute("data-webauthn") === "register") {
      register(block);
    } else {
      authenticate(block);
    }
  });
})();
