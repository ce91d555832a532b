// Typing suggestions for the search box: titles and tags from /search/suggest, in a datalist.
(function () {
  "use strict";
  const input = document.querySelector("input[data-suggest-url]");
  if (!input) return;
  const list = document.getElementById(input.getAttribute("list"));
  let timer = null;
  let controller = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { list.replaceChildren(); return; }
    timer = setTimeout(async function () {
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = input.dataset.suggestUrl + "?q=" + encodeURIComponent(q);
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const data = await response.json();
        const options = [...data.titles, ...data.tags].slice(0, 12).map(function (text) {
          const option = document.createElement("option");
          option.value = text;
          return option;
        });
        list.replaceChildren(...options);
      } catch (error) {
        if (error.name !== "AbortError") console.warn("suggestions failed", error);
      }
    }, 150);
  });
})();
