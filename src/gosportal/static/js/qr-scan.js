// Service-centre desk (OFF-4): scan the person's QR code with the camera where the
// browser has BarcodeDetector; the recognised code goes into the code field. Where
// there is no detector or camera the block stays hidden and typing works as always.
// The messages come translated from the page (data-msg-*).
(function () {
  "use strict";
  var block = document.querySelector("[data-qr-scan]");
  if (!block || !("BarcodeDetector" in window) || !navigator.mediaDevices) {
    return;
  }
  var input = document.getElementById(block.getAttribute("data-qr-target"));
  var start = block.querySelector("[data-qr-start]");
  var video = block.querySelector("[data-qr-video]");
  var status = block.querySelector("[data-qr-status]");
  if (!input || !start || !video || !status) {
    return;
  }
  block.hidden = false;

  function stop(stream) {
    stream.getTracks().forEach(function (track) {
      track.stop();
    });
    video.hidden = true;
    start.disabled = false;
  }

  start.addEventListener("click", function () {
    var detector;
    try {
      detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    } catch (error) {
      status.textContent = block.getAttribute("data-msg-unavailable");
      return;
    }
    start.disabled = true;
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" } })
      .then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        status.textContent = block.getAttribute("data-msg-aim");
        return video.play().then(function () {
          function scan() {
            detector
              .detect(video)
              .then(function (codes) {
                if (codes.length) {
                  input.value = codes[0].rawValue.trim();
                  status.textContent = block.getAttribute("data-msg-found");
                  stop(stream);
                  input.focus();
                } else {
                  window.requestAnimationFrame(scan);
                }
              })
              .catch(function () {
                window.requestAnimationFrame(scan);
              });
          }
          scan();
        });
      })
      .catch(function () {
        start.disabled = false;
        status.textContent = block.getAttribute("data-msg-unavailable");
      });
  });
})();
