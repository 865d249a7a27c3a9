// kg report: sortable tables and the entity search. No libraries, nothing fetched: the search
// index is assets/search-index.js, which sets window.KG_SEARCH (reading local JSON is refused under file:).
"use strict";

function cellValue(row, index) {
  const cell = row.cells[index];
  const text = cell ? cell.textContent.trim() : "";
  const number = Number(text.replace(/,/g, ""));
  return text !== "" && !Number.isNaN(number) ? number : text.toLowerCase();
}

function sortTable(table, index, header) {
  const body = table.tBodies[0];
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = cellValue(a, index), y = cellValue(b, index);
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return ascending ? order : -order;
  });
  for (const th of table.tHead.rows[0].cells) th.removeAttribute("aria-sort");
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  for (const row of rows) body.appendChild(row);
}

function makeSortable() {
  for (const table of document.querySelectorAll("table.sortable")) {
    if (!table.tHead || !table.tBodies.length) continue;
    Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
      th.addEventListener("click", () => sortTable(table, index, th));
    });
  }
}

function searchEntities(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const hits = [];
  for (const [label, alt, kind, href, facts] of window.KG_SEARCH || []) {
    const haystack = (label + "|" + alt).toLowerCase();
    if (words.every((w) => haystack.includes(w))) {
      const exact = label.toLowerCase().startsWith(words.join(" ")) ? 0 : 1;
      hits.push({ label, alt, kind, href, facts, exact });
    }
  }
  hits.sort((a, b) => a.exact - b.exact || b.facts - a.facts || a.label.localeCompare(b.label));
  return hits;
}

function showResults(query) {
  const list = document.getElementById("search-results");
  const count = document.getElementById("search-count");
  const hits = searchEntities(query);
  list.textContent = "";
  for (const hit of hits.slice(0, 200)) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = hit.href;
    link.textContent = hit.label;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" " + hit.kind + ", " + hit.facts + " facts "));
    if (hit.alt) {
      const alt = document.createElement("span");
      alt.className = "alt";
      alt.textContent = "(also " + hit.alt.split("|").join(", ") + ")";
      item.appendChild(alt);
    }
    list.appendChild(item);
  }
  count.textContent = query.trim() ? hits.length + (hits.length === 1 ? " entity" : " entities") + (hits.length > 200 ? " (first 200 shown)" : "") : "";
}

function startSearch() {
  const box = document.getElementById("search");
  if (!box) return;
  const query = new URLSearchParams(window.location.search).get("q") || "";
  box.value = query;
  box.addEventListener("input", () => showResults(box.value));
  showResults(query);
  box.focus();
}

document.addEventListener("DOMContentLoaded", () => {
  makeSortable();
  startSearch();
});
