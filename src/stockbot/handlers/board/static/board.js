/* The stock board in the browser: draw the charts from the page's JSON, follow the version
   over server-sent events (or, where they fail, by polling /board/version) and swap in a fresh
   <main> rendered by the server when it changes. No build step, no CDN. */
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  var key = params.get("k") || "";
  var lang = params.get("lang") || document.documentElement.lang;
  var charts = [];
  var shown = null;
  var colors = ["#3b6fd8", "#e0803a", "#2f9e6e", "#b74ac8", "#d04a4a", "#7b8494", "#c7a21b",
                "#1aa3b8", "#8a5cd6", "#5e9e2f", "#d6588f", "#4a5d7e"];

  function draw() {
    charts.forEach(function (c) { c.destroy(); });
    charts = [];
    var el = document.getElementById("board-data");
    if (!el || typeof Chart === "undefined") return;
    var d = JSON.parse(el.textContent);
    var opts = { responsive: true, animation: false, plugins: { legend: { display: false } } };
    function make(id, cfg) {
      var c = document.getElementById(id);
      if (c) charts.push(new Chart(c, cfg));
    }
    make("chart-category", { type: "doughnut", data: { labels: d.category.labels,
      datasets: [{ data: d.category.data, backgroundColor: colors }] },
      options: { responsive: true, animation: false, plugins: { legend: { position: "right" } } } });
    make("chart-warehouse", { type: "bar", data: { labels: d.warehouse.labels,
      datasets: [{ data: d.warehouse.data, backgroundColor: colors[0] }] }, options: opts });
    if (d.trend) {
      make("chart-trend", { type: "line", data: { labels: d.trend.labels, datasets: [
        { label: d.trend.names[0], data: d.trend["in"], borderColor: colors[2], pointRadius: 0 },
        { label: d.trend.names[1], data: d.trend.out, borderColor: colors[1], pointRadius: 0 }] },
        options: { responsive: true, animation: false, interaction: { mode: "index", intersect: false } } });
    }
    make("chart-suppliers", { type: "bar", data: { labels: d.suppliers.labels, datasets: [
      { label: d.suppliers.names[0], data: d.suppliers.on_time, backgroundColor: colors[0] },
      { label: d.suppliers.names[1], data: d.suppliers.qc_pass, backgroundColor: colors[2] }] },
      options: { responsive: true, animation: false, scales: { y: { min: 0, max: 100 } } } });
  }

  function url(path, extra) {
    var q = new URLSearchParams({ k: key });
    if (lang) q.set("lang", lang);
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    return path + "?" + q.toString();
  }

  function refresh() {
    return fetch(url("/board", { partial: "1" }), { cache: "no-store" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.text();
    }).then(function (html) {
      document.getElementById("board").innerHTML = html;
      var main = document.querySelector("#board main");
      shown = main ? main.getAttribute("data-version") : shown;
      if (main) {
        document.querySelector("header h1").textContent = main.getAttribute("data-title");
        document.title = main.getAttribute("data-title");
      }
      draw();
    });
  }

  function changed(v) {
    if (String(v) !== String(shown)) refresh();
  }

  function poll() {
    fetch(url("/board/version"), { cache: "no-store" }).then(function (r) { return r.json(); })
      .then(function (j) { changed(j.version); })
      .catch(function () {})
      .then(function () { setTimeout(poll, 3000); });
  }

  function follow() {
    if (!window.EventSource) return poll();
    var es = new EventSource(url("/board/events"));
    var failures = 0;
    es.addEventListener("version", function (e) {
      failures = 0;
      document.documentElement.setAttribute("data-live", "1");
      changed(e.data);
    });
    es.onerror = function () {
      var live = document.getElementById("live");
      if (live) live.classList.add("stale");
      if (++failures >= 3) { es.close(); poll(); }
    };
  }

  document.addEventListener("click", function (e) {
    var a = e.target.closest ? e.target.closest("a[data-lang]") : null;
    if (!a) return;
    e.preventDefault();
    lang = a.getAttribute("data-lang");
    document.documentElement.lang = lang;
    var q = new URLSearchParams(location.search);
    q.set("lang", lang);
    history.replaceState(null, "", location.pathname + "?" + q.toString());
    document.querySelectorAll("a[data-lang]").forEach(function (x) {
      x.classList.toggle("on", x === a);
    });
    refresh();
  });

  document.addEventListener("DOMContentLoaded", function () {
    var main = document.querySelector("#board main");
    shown = main ? main.getAttribute("data-version") : null;
    draw();
    follow();
  });
})();
