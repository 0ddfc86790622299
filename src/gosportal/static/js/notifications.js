// NOT-1: the inbox updates itself from the server's event stream (Server-Sent Events).
// Without JavaScript, or when the stream fails, the page still works by reloading.
(function () {
  "use strict";
  var list = document.getElementById("notification-list");
  if (!list || !list.getAttribute("data-stream-url") || !window.EventSource) {
    return;
  }
  var live = document.getElementById("notification-live");
  var url = list.getAttribute("data-stream-url") + "?after=" + list.getAttribute("data-after");
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

  var source = new EventSource(url);
  source.addEventListener("error", function () {
    if (Date.now() - lastInteraction > idleLimit) {
      source.close();
    }
  });
  source.addEventListener("notification", function (event) {
    var item = JSON.parse(event.data);
    var empty = document.getElementById("notification-empty");
    if (empty) {
      empty.remove();
    }
    list.insertBefore(render(item), list.firstChild);
    if (live) {
      live.textContent = list.getAttribute("data-label-arrived") + ": " + item.title;
    }
  });
  source.addEventListener("unread", function (event) {
    setCounter(JSON.parse(event.data).unread);
  });
  window.addEventListener("pagehide", function () {
    source.close();
  });
})();
