// docproc page behaviour: job polling, source highlighting, corrections. No libraries, no network but this server.
(function () {
  "use strict";

  // --- a running upload: poll until every file is done, then open the result -----------------------
  const job = document.getElementById("job");
  if (job) {
    const id = job.dataset.job;
    const poll = async () => {
      const r = await fetch("/api/jobs/" + encodeURIComponent(id));
      const s = await r.json();
      document.getElementById("progress").value = s.done;
      const list = document.getElementById("items");
      list.textContent = "";
      for (const item of s.items) {
        const li = document.createElement("li");
        if (item.status === "done" && item.id) {
          const a = document.createElement("a");
          a.href = "/doc/" + item.id;
          a.textContent = item.name;
          li.appendChild(a);
        } else {
          li.appendChild(document.createTextNode(item.name));
        }
        const st = document.createElement("span");
        st.className = "status";
        st.textContent = " " + item.status + " ";
        li.appendChild(st);
        if (item.error) {
          const e = document.createElement("span");
          e.className = "error";
          e.textContent = item.error;
          li.appendChild(e);
        }
        list.appendChild(li);
      }
      if (s.done < s.total) {
        setTimeout(poll, 500);
      } else if (s.total === 1 && s.items[0].status === "done") {
        window.location.href = "/doc/" + s.items[0].id;
      }
    };
    poll();
  }

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
  document.querySelectorAll("tr[data-start]").forEach((row) => {
    row.addEventListener("click", (ev) => {
      if (ev.target.classList.contains("edit")) return;
      document.querySelectorAll("tr.selected").forEach((r) => r.classList.remove("selected"));
      row.classList.add("selected");
      highlight(Number(row.dataset.start), Number(row.dataset.end), row.dataset.page);
    });
  });

  // --- corrections: an edited cell is saved beside the extraction -----------------------------------
  document.querySelectorAll("td.edit").forEach((cell) => {
    const original = cell.textContent;
    const save = async () => {
      const value = cell.textContent.trim();
      if (value === original.trim()) return;
      const table = cell.closest("table");
      const row = cell.closest("tr");
      const r = await fetch("/api/doc/" + table.dataset.doc + "/corrections", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ item: row.dataset.item, field: cell.dataset.field, value: value }),
      });
      if (r.ok) cell.classList.add("saved");
    };
    cell.addEventListener("blur", save);
    cell.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") { ev.preventDefault(); cell.blur(); }
    });
  });
})();
