// Document page of a document still converting: follow its status, reload when it is ready.
(function () {
  "use strict";
  const article = document.querySelector("[data-status-url]");
  const box = document.getElementById("conversion");
  if (!article || !box) return;
  const url = article.getAttribute("data-status-url");
  function tick() {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        box.querySelector(".state").textContent = s.status_display;
        box.querySelector(".stage").textContent = s.stage || "";
        box.querySelector("progress").value = s.progress;
        if (s.status === "ready" || s.status === "failed") { window.location.reload(); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 1000);
})();
