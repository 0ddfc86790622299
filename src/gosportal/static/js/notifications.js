// NOT-1: the inbox updates itself from the server's event stream (Server-Sent Events).
// Browsers without EventSource, or a stream that keeps failing (a buffering proxy),
// fall back to polling; without JavaScript the page still works by reloading.
(function () {
  "use strict";
  var list = document.getElementById("notification-list");
  if (!list || !list.getAttribute("data-stream-url")) {
    return;
  }
  var live = document.getElementById("notification-live");
  var lastId = parseInt(list.getAttribute("data-after"), 10) || 0;
  var url = list.getAttribute("data-stream-url") + "?after=" + lastId;
  var POLL_MS = parseInt(list.getAttribute("data-poll-ms"), 10) || 15000;
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function setCounter(unread) {
    var counter = document.querySelector("[data-notification-counter]");
    if (!counter) {
      return;
    }
    counter.querySelector("[data-count]").textContent = String(unread);
    counter.hidden = unread === 0;
  }

  function render(item) {
    var li = element("li", "notification" + (item.unread ? " notification--unread" : ""));
    var meta = element("p", "notification__meta");
    meta.appendChild(element("span", "badge badge--info", list.getAttribute("data-label-new")));
    meta.appendChild(document.createTextNode(" " + item.type + " · " + item.created));
    li.appendChild(meta);
    var title = element("h2", "notification__title");
    var link = element("a", "", item.title);
    link.href = item.link;
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(element("p", "", item.text));
    if (csrfInput) {
      var form = element("form", "inline-form");
      form.method = "post";
      form.action = list.getAttribute("data-read-url").replace("/0/", "/" + item.id + "/");
      var token = csrfInput.cloneNode();
      form.appendChild(token);
      var button = element("button", "link-button", list.getAttribute("data-label-read"));
      button.type = "submit";
      button.appendChild(element("span", "visually-hidden", ": " + item.title));
      form.appendChild(button);
      li.appendChild(form);
    }
    return li;
  }

  // The stream's reconnects count as activity on the server, so an idle tab must not
  // keep the session alive: after the idle limit without interaction it stops.
  var banner = document.getElementById("session-warning");
  var idleLimit = (banner ? parseInt(banner.getAttribute("data-warn-after"), 10) : 900) * 1000;
  var lastInteraction = Date.now();
  ["click", "keydown", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, function () {
      lastInteraction = Date.now();
    }, { passive: true });
  });

  function arrived(item) {
    if (item.id <= lastId && document.querySelector("[data-notification-id='" + item.id + "']")) {
      return;
    }
    lastId = Math.max(lastId, item.id);
    var empty = document.getElementById("notification-empty");
    if (empty) {
      empty.remove();
    }
    var node = render(item);
    node.setAttribute("data-notification-id", String(item.id));
    list.insertBefore(node, list.firstChild);
    if (live) {
      live.textContent = list.getAttribute("data-label-arrived") + ": " + item.title;
    }
  }

  var polling = null;
  function poll() {
    if (Date.now() - lastInteraction > idleLimit) {
      window.clearInterval(polling);
      return;
    }
    fetch(list.getAttribute("data-poll-url") + "?after=" + lastId, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          return;
        }
        data.items.forEach(arrived);
        setCounter(data.unread);
      })
      .catch(function () {});
  }
  function startPolling() {
    if (polling === null && list.getAttribute("data-poll-url") && window.fetch) {
      polling = window.setInterval(poll, POLL_MS);
    }
  }

  if (!window.EventSource) {
    startPolling();
    return;
  }
  var source = new EventSource(url);
  var failures = 0;
  source.addEventListener("open", function () {
    failures = 0;
  });
  source.addEventListener("error", function () {
    failures += 1;
    if (Date.now() - lastInteraction > idleLimit) {
      source.close();
    } else if (failures >= 3 || source.readyState === EventSource.CLOSED) {
      source.close();
      startPolling();
    }
  });
  source.addEventListener("notification", function (event) {
    arrived(JSON.parse(event.data));
  });
  source.addEventListener("unread", function (event) {
    setCounter(JSON.parse(event.data).unread);
  });
  window.addEventListener("pagehide", function () {
    source.close();
    if (polling !== null) {
      window.clearInterval(polling);
    }
  });
})();
