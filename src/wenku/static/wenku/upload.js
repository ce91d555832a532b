// Upload page: drag and drop, an upload progress bar, then each document's conversion status.
// Without JavaScript the form posts normally and the server lists the results.
(function () {
  "use strict";
  const form = document.getElementById("upload-form");
  if (!form) return;
  const input = document.getElementById("id_files");
  const zone = document.getElementById("dropzone");
  const chosen = document.getElementById("chosen");
  const bar = document.getElementById("upload-progress");
  const percent = document.getElementById("upload-percent");
  const results = document.getElementById("results");
  const submit = document.getElementById("submit");
  let files = [];

  function show() {
    chosen.textContent = "";
    files.forEach(function (f) {
      const li = document.createElement("li");
      li.textContent = f.name + " (" + (f.size / 1024 / 1024).toFixed(2) + " MB)";
      chosen.appendChild(li);
    });
  }
  input.addEventListener("change", function () { files = Array.from(input.files); show(); });
  ["dragenter", "dragover"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (ev) {
    zone.addEventListener(ev, function (e) { e.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (e) { files = files.concat(Array.from(e.dataTransfer.files)); show(); });

  function line(r) {
    const li = document.createElement("li");
    li.className = r.ok ? "ok" : "bad";
    const name = document.createElement("strong");
    name.textContent = r.file + " ";
    li.appendChild(name);
    if (r.url) {
      const a = document.createElement("a");
      a.href = r.url;
      a.textContent = "文档 " + r.id;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" "));
    }
    const state = document.createElement("span");
    state.className = r.ok ? "state" : "error";
    state.textContent = r.ok ? "排队中" : r.error;
    li.appendChild(state);
    if (r.ok) {
      const p = document.createElement("progress");
      p.max = 100; p.value = 0;
      li.appendChild(p);
      poll(r.status_url, state, p);
    }
    results.appendChild(li);
  }

  function poll(url, state, p) {
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (resp) {
        if (!resp.ok || resp.redirected) {
          // Logged out, or the document is gone: polling again cannot help.
          state.className = "error";
          state.textContent = "无法获取转换状态（HTTP " + resp.status + "），请刷新页面。";
          p.remove();
          return null;
        }
        return resp.json();
      })
      .then(function (s) {
        if (!s) return;
        p.value = s.progress;
        if (s.status === "ready") {
          state.textContent = "已就绪，共 " + s.pages + " 页";
          p.remove();
        } else if (s.status === "failed") {
          state.className = "error";
          state.textContent = "转换失败：" + s.error;
          p.remove();
        } else {
          state.textContent = s.status_display + (s.stage ? "：" + s.stage : "") + (s.error ? "（" + s.error + "）" : "");
          setTimeout(function () { poll(url, state, p); }, 1000);
        }
      })
      .catch(function () { setTimeout(function () { poll(url, state, p); }, 3000); });
  }

  form.addEventListener("submit", function (e) {
    if (!files.length) return; // let the server say what is missing
    e.preventDefault();
    const data = new FormData(form);
    data.delete("files");
    files.forEach(function (f) { data.append("files", f, f.name); });
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.setRequestHeader("Accept", "application/json");
    bar.hidden = false; bar.value = 0; submit.disabled = true;
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) {
        bar.value = Math.round((ev.loaded / ev.total) * 100);
        percent.textContent = "已上传 " + bar.value + "%";
      }
    });
    xhr.addEventListener("load", function () {
      submit.disabled = false;
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (err) { body = {}; }
      if (body.results) {
        percent.textContent = "上传完成";
        body.results.forEach(line);
        files = []; show(); input.value = "";
      } else if (body.errors) {
        percent.textContent = Object.values(body.errors).flat().map(function (x) { return x.message; }).join("；");
      } else {
        percent.textContent = "上传失败（HTTP " + xhr.status + "）";
      }
    });
    xhr.addEventListener("error", function () {
      submit.disabled = false;
      percent.textContent = "网络错误，上传未完成，请重试。";
    });
    xhr.send(data);
  });

  results.querySelectorAll("li[data-status-url]").forEach(function (li) {
    const url = li.getAttribute("data-status-url");
    if (!url) return;
    const p = document.createElement("progress");
    p.max = 100; li.appendChild(p);
    poll(url, li.querySelector(".state"), p);
  });
})();
