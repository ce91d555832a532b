// Reader mode: previous/next, go to page, zoom and keyboard, without reloading the page.
// Without JavaScript the same controls are plain links and a GET form.
(() => {
  const root = document.querySelector(".reader");
  if (!root) return;
  const pages = Number(root.dataset.pages);
  const total = Number(root.dataset.total);
  const base = root.dataset.imageBase.replace(/1\.webp$/, "");
  const image = document.getElementById("reader-image");
  const caption = document.getElementById("reader-caption");
  const input = document.getElementById("page-input");
  const prev = document.getElementById("prev");
  const next = document.getElementById("next");
  const level = document.getElementById("zoom-level");
  const title = image.alt.replace(/_第\d+页$/, "");
  let current = Number(input.value);
  let zoom = 100;

  function show(n) {
    n = Math.min(Math.max(n, 1), pages);
    if (n === current) return;
    current = n;
    image.src = `${base}${n}.webp`;
    image.alt = `${title}_第${n}页`;
    caption.textContent = `第${n}页 / 共${total}页`;
    input.value = n;
    prev.setAttribute("aria-disabled", String(n === 1));
    next.setAttribute("aria-disabled", String(n === pages));
    prev.href = `?page=${Math.max(n - 1, 1)}`;
    next.href = `?page=${Math.min(n + 1, pages)}`;
    history.replaceState(null, "", `?page=${n}`);
    document.title = document.title.replace(/^第\d+页/, `第${n}页`);
    if (n < pages) new Image().src = `${base}${n + 1}.webp`; // preload the next page
  }

  function setZoom(z) {
    zoom = Math.min(Math.max(z, 50), 250);
    image.style.width = `${zoom}%`;
    image.style.maxWidth = zoom > 100 ? "none" : "100%";
    level.textContent = `${zoom}%`;
  }

  prev.addEventListener("click", (e) => { e.preventDefault(); show(current - 1); });
  next.addEventListener("click", (e) => { e.preventDefault(); show(current + 1); });
  input.form.addEventListener("submit", (e) => { e.preventDefault(); show(Number(input.value) || 1); });
  document.getElementById("zoom-in").addEventListener("click", () => setZoom(zoom + 25));
  document.getElementById("zoom-out").addEventListener("click", () => setZoom(zoom - 25));
  document.addEventListener("keydown", (e) => {
    if (e.target.closest("input, textarea, select") || e.altKey || e.ctrlKey || e.metaKey) return;
    const keys = {
      ArrowLeft: () => show(current - 1), PageUp: () => show(current - 1),
      ArrowRight: () => show(current + 1), PageDown: () => show(current + 1),
      Home: () => show(1), End: () => show(pages),
      "+": () => setZoom(zoom + 25), "=": () => setZoom(zoom + 25), "-": () => setZoom(zoom - 25),
    };
    if (keys[e.key]) { e.preventDefault(); keys[e.key](); }
  });
  // Swipe on a phone.
  let startX = null;
  image.addEventListener("touchstart", (e) => { startX = e.touches[0].clientX; }, { passive: true });
  image.addEventListener("touchend", (e) => {
    if (startX === null || zoom > 100) return;
    const dx = e.changedTouches[0].clientX - startX;
    if (Math.abs(dx) > 60) show(current + (dx < 0 ? 1 : -1));
    startX = null;
  });
})();
