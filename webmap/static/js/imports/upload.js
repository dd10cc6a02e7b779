/* The surveyor's upload form (/office/imports): drag and drop, progress, then the report page. */

function upload(form) {
  const drop = document.getElementById("u-drop");
  const input = document.getElementById("u-file");
  const statusEl = document.getElementById("u-status");
  const show = (name) => { statusEl.textContent = "Fișier: " + name; };
  ["dragenter", "dragover"].forEach((t) => {
    drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("t-over"); });
  });
  ["dragleave", "drop"].forEach((t) => {
    drop.addEventListener(t, () => { drop.classList.remove("t-over"); });
  });
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; show(input.files[0].name); }
  });
  input.addEventListener("change", () => { if (input.files.length) { show(input.files[0].name); } });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form), xhr = new XMLHttpRequest(), bar = document.getElementById("u-progress");
    bar.hidden = false;
    xhr.upload.addEventListener("progress", (ev) => {
      if (ev.lengthComputable) { bar.value = Math.round(100 * ev.loaded / ev.total); }
    });
    xhr.addEventListener("load", () => {
      let body;
      try { body = JSON.parse(xhr.responseText); } catch { body = { message: xhr.statusText }; }
      if (xhr.status === 202) {
        statusEl.textContent = "Încărcat; se verifică…";
        window.location.href = "/office/imports/" + body.id;
      } else {
        statusEl.textContent = "Eroare: " + (body.message || xhr.status);
      }
    });
    xhr.addEventListener("error", () => { statusEl.textContent = "Încărcarea a eșuat (rețea)."; });
    xhr.open("POST", "/api/imports");
    xhr.setRequestHeader("X-CSRF-Token", data.get("csrf"));
    xhr.send(data);
  });
}

const form = document.getElementById("t-upload");
if (form) { upload(form); }
