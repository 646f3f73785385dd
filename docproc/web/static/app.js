// docproc page behaviour: job polling, sortable and filterable tables, source highlighting, corrections.
// No libraries, no network but this server.
(function () {
  "use strict";
  const meta = document.querySelector('meta[name="csrf-token"]');
  const csrf = meta ? meta.content : "";
  const STATUS = { queued: "排队中", working: "处理中", done: "完成", failed: "失败" };

  // --- a running upload: poll until every file is done or failed, then say so ----------------------
  const job = document.getElementById("job");
  function showItems(s) {
    const list = document.getElementById("items");
    list.textContent = "";
    for (const item of s.items) {
      const li = document.createElement("li");
      if (item.id) {
        const a = document.createElement("a");
        a.href = "/doc/" + item.id;
        a.textContent = item.name;
        li.appendChild(a);
      } else {
        li.appendChild(document.createTextNode(item.name));
      }
      const st = document.createElement("span");
      st.className = "status " + item.status;
      st.textContent = " " + (STATUS[item.status] || item.status) + " ";
      li.appendChild(st);
      if (item.error) {
        const e = document.createElement("span");
        e.className = "error";
        e.textContent = item.error;
        li.appendChild(e);
      }
      list.appendChild(li);
    }
  }
  if (job) {
    const id = job.dataset.job;
    let failures = 0;
    const poll = async () => {
      let s;
      try {
        const r = await fetch("/api/jobs/" + encodeURIComponent(id));
        if (!r.ok) throw new Error(String(r.status));
        s = await r.json();
      } catch (err) {
        failures += 1;
        document.getElementById("job-summary").textContent = "暂时无法获取进度,正在重试…";
        if (failures < 20) setTimeout(poll, 2000);
        return;
      }
      document.getElementById("progress").value = s.done;
      document.getElementById("job-summary").textContent =
        "共 " + s.total + " 个文件,已完成 " + s.ok + " 个,失败 " + s.failed + " 个";
      showItems(s);
      if (!s.finished) {
        setTimeout(poll, 700);
        return;
      }
      document.getElementById("job-title").textContent = "处理完成";
      document.title = "处理完成 · docproc";
      if (s.ok > 0) document.getElementById("combined").hidden = false;
      if (s.total === 1 && s.ok === 1) window.location.href = "/doc/" + s.items[0].id;
    };
    poll();
  }

  // --- tables: click a header to sort, type in the box above to filter ---------------------------
  function cellKey(cell) {
    const raw = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
    const n = Number(raw);
    return raw !== "" && !Number.isNaN(n) ? { n: n } : { s: raw };
  }
  function compare(a, b) {
    if (a.n !== undefined && b.n !== undefined) return a.n - b.n;
    if (a.n !== undefined) return -1;
    if (b.n !== undefined) return 1;
    return a.s.localeCompare(b.s, "zh-CN");
  }
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th").forEach((th, col) => {
      th.title = "点击排序";
      th.addEventListener("click", () => {
        const dir = th.dataset.dir === "asc" ? "desc" : "asc";
        table.querySelectorAll("thead th").forEach((h) => { delete h.dataset.dir; });
        th.dataset.dir = dir;
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((r1, r2) => {
          const c = compare(cellKey(r1.cells[col] || r1), cellKey(r2.cells[col] || r2));
          return dir === "asc" ? c : -c;
        });
        rows.forEach((r) => body.appendChild(r));
      });
    });
  });
  document.querySelectorAll("input.filter").forEach((box) => {
    const table = document.getElementById(box.dataset.table);
    if (!table) return;
    box.addEventListener("input", () => {
      const words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      Array.from(table.tBodies[0].rows).forEach((row) => {
        const text = row.textContent.toLowerCase();
        row.hidden = !words.every((w) => text.includes(w));
      });
    });
  });

  // --- the text: highlight a span and name its page -------------------------------------------------
  const source = document.getElementById("source");
  const where = document.getElementById("where");
  const fullText = source ? source.textContent : "";
  function highlight(start, end, page) {
    if (!source) return;
    source.textContent = "";
    source.appendChild(document.createTextNode(fullText.slice(0, start)));
    const mark = document.createElement("mark");
    mark.className = "hl";
    mark.textContent = fullText.slice(start, end);
    source.appendChild(mark);
    source.appendChild(document.createTextNode(fullText.slice(end)));
    mark.scrollIntoView({ block: "center" });
    if (where) where.textContent = page ? "第 " + page + " 页" : "";
  }
  if (source) {
    document.querySelectorAll("tr[data-start]").forEach((row) => {
      row.addEventListener("click", (ev) => {
        if (ev.target.classList.contains("edit")) return;
        document.querySelectorAll("tr.selected").forEach((r) => r.classList.remove("selected"));
        row.classList.add("selected");
        highlight(Number(row.dataset.start), Number(row.dataset.end), row.dataset.page);
      });
    });
  }

  // --- corrections: an edited cell is checked by the server and kept beside the extraction ---------
  document.querySelectorAll("td.edit").forEach((cell) => {
    let original = cell.textContent;
    const save = async () => {
      const value = cell.textContent.trim();
      if (value === original.trim()) return;
      const table = cell.closest("table");
      const row = cell.closest("tr");
      cell.classList.remove("saved", "refused");
      let r, body;
      try {
        r = await fetch("/api/doc/" + table.dataset.doc + "/corrections", {
          method: "POST",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
          body: JSON.stringify({ item: row.dataset.item, field: cell.dataset.field, value: value }),
        });
        body = await r.json();
      } catch (err) {
        r = { ok: false };
        body = { error: "未能保存:无法连接服务器" };
      }
      if (r.ok) {
        cell.textContent = body.shown;
        if (body.shown !== undefined && cell.dataset.field === "value") cell.dataset.sort = body.value;
        original = cell.textContent;
        cell.classList.add("saved", "corrected");
        cell.title = "已保存";
      } else {
        cell.classList.add("refused");
        cell.title = body.error || "未能保存";
        const note = document.getElementById("corrections");
        if (note) note.textContent = body.error || "未能保存";
      }
    };
    cell.addEventListener("blur", save);
    cell.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") { ev.preventDefault(); cell.blur(); }
      if (ev.key === "Escape") { cell.textContent = original; cell.blur(); }
    });
  });
})();
