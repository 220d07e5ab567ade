// Staff console, progressive enhancement only: every page works without this file. It draws the
// charts from the data each page puts beside its table (data-chart), and marks a submitted form's
// button as busy so a slow line shows that something is happening.
(function () {
  "use strict";

  // Patterns as well as colours, so the charts read without colour (dashes, point shapes).
  var INK = "#1b365d";
  var GREY = "#9aa0a6";
  var REGENCY = "#b3261e";

  function averageLine(value, label) {
    return {
      id: "averageLine",
      afterDatasetsDraw: function (chart) {
        if (value === null || value === undefined) return;
        var x = chart.scales.x.getPixelForValue(value);
        var area = chart.chartArea;
        var ctx = chart.ctx;
        ctx.save();
        ctx.strokeStyle = REGENCY;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(x, area.top);
        ctx.lineTo(x, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = REGENCY;
        ctx.font = "12px sans-serif";
        ctx.textAlign = x > (area.left + area.right) / 2 ? "right" : "left";
        ctx.fillText(label, x + (ctx.textAlign === "right" ? -4 : 4), area.top + 12);
        ctx.restore();
      },
    };
  }

  function bars(canvas, d) {
    var height = Math.max(160, d.labels.length * 34 + 60);
    canvas.parentNode.style.height = height + "px";
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: [
          {
            data: d.values,
            backgroundColor: d.small.map(function (s) {
              return s ? "#d5d8dc" : INK;
            }),
            borderColor: d.small.map(function (s) {
              return s ? GREY : INK;
            }),
            borderWidth: 1,
            borderDash: [4, 2],
          },
        ],
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, title: { display: true, text: d.axis } } },
      },
      plugins: [averageLine(d.average, d.averageLabel)],
    });
  }

  function trend(canvas, d) {
    canvas.parentNode.style.height = "260px";
    var styles = [
      { color: INK, dash: [], point: "circle" },
      { color: REGENCY, dash: [6, 4], point: "triangle" },
    ];
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, i) {
          var st = styles[i % styles.length];
          return {
            label: s.label,
            data: s.values,
            borderColor: st.color,
            backgroundColor: st.color,
            borderDash: st.dash,
            pointStyle: st.point,
            pointRadius: 4,
            spanGaps: true,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true, title: { display: true, text: d.axis } } },
      },
    });
  }

  // SKDN per posyandu: D/S and N/D as paired horizontal bars (solid and hatched-looking outline).
  function skdn(canvas, d) {
    var height = Math.max(160, d.labels.length * 40 + 80);
    canvas.parentNode.style.height = height + "px";
    var styles = [
      { fill: INK, border: INK, dash: [] },
      { fill: "#ffffff", border: REGENCY, dash: [4, 2] },
    ];
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: d.labels,
        datasets: d.series.map(function (s, i) {
          var st = styles[i % styles.length];
          return { label: s.label, data: s.values, backgroundColor: st.fill, borderColor: st.border, borderWidth: 2, borderDash: st.dash };
        }),
      },
      options: {
        indexAxis: "y",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: true } },
        scales: { x: { beginAtZero: true, max: 100, title: { display: true, text: d.axis } } },
      },
    });
  }

  // WHO lines of the KMS: −3 and +3 (red), −2 and +2 (orange), the median 0 (green).
  var LINES = { "-3": "#b3261e", "-2": "#e8710a", 0: "#188038", 2: "#e8710a", 3: "#b3261e" };

  function growth(canvas, d) {
    canvas.parentNode.style.height = "300px";
    var styles = [
      { color: INK, point: "circle", dash: [] },
      { color: "#6a1b9a", point: "rect", dash: [6, 3] },
      { color: "#00695c", point: "triangle", dash: [2, 3] },
    ];
    return new window.Chart(canvas, {
      type: "line",
      data: {
        datasets: d.series.map(function (s, i) {
          var st = styles[i % styles.length];
          return {
            label: s.label,
            data: s.points,
            borderColor: st.color,
            backgroundColor: st.color,
            pointStyle: st.point,
            borderDash: st.dash,
            pointRadius: 4,
          };
        }),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        plugins: { legend: { labels: { usePointStyle: true } } },
        scales: {
          x: { type: "linear", title: { display: true, text: d.axisX } },
          y: {
            min: -4,
            max: 4,
            title: { display: true, text: d.axisY },
            afterBuildTicks: function (axis) {
              axis.ticks = [-3, -2, 0, 2, 3].map(function (v) {
                return { value: v };
              });
            },
            grid: {
              color: function (c) {
                return LINES[String(c.tick && c.tick.value)] || "#e0e0e0";
              },
              lineWidth: function (c) {
                return c.tick && c.tick.value === 0 ? 2 : 1.5;
              },
            },
          },
        },
      },
    });
  }

  function draw() {
    if (!window.Chart) return;
    var kinds = { bars: bars, trend: trend, growth: growth, skdn: skdn };
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      try {
        var d = JSON.parse(canvas.getAttribute("data-chart"));
        if (kinds[d.kind]) kinds[d.kind](canvas, d);
        canvas.setAttribute("data-drawn", "1");
      } catch {
        // The table under the chart still has every number.
      }
    });
  }

  function busyButtons() {
    document.addEventListener("submit", function (ev) {
      var button = ev.target.querySelector("button[data-busy]");
      if (!button) return;
      button.setAttribute("aria-busy", "true");
      button.disabled = true;
      button.textContent = button.getAttribute("data-busy");
    });
  }

  // e-PPGBM import: the file goes to the API as the request body (its own content type, never a
  // cross-site form), first as a dry run; "apply" opens only after a dry run without problems.
  function typeOf(name) {
    if (/\.csv$/i.test(name)) return "text/csv";
    if (/\.xlsx$/i.test(name)) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    if (/\.xls$/i.test(name)) return "application/vnd.ms-excel";
    return "application/octet-stream";
  }

  function el(tag, text) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function importer() {
    var form = document.getElementById("import");
    if (!form) return;
    var texts = JSON.parse(form.getAttribute("data-texts"));
    var input = form.querySelector("input[type=file]");
    var apply = document.getElementById("import-apply");
    var check = form.querySelector("button[type=submit]");
    var progress = document.getElementById("import-progress");
    var result = document.getElementById("import-result");

    function show(plan) {
      result.textContent = "";
      var dl = el("dl");
      dl.className = "facts summary";
      [
        [texts.rows, plan.rows],
        [texts.childrenNew, plan.children.new],
        [texts.childrenMatched, plan.children.matched],
        [texts.measurementsNew, plan.measurements.new],
        [texts.measurementsStored, plan.measurements.alreadyStored],
      ].forEach(function (pair) {
        dl.appendChild(el("dt", pair[0]));
        dl.appendChild(el("dd", String(pair[1])));
      });
      result.appendChild(dl);
      if (!plan.problems.length) {
        result.appendChild(el("p", plan.applied ? texts.applied : texts.noProblems)).className = plan.applied
          ? "flash ok applied"
          : "flash ok";
        return;
      }
      result.appendChild(el("h3", texts.problems));
      var table = el("table");
      table.className = "data problems";
      var head = table.appendChild(el("thead")).appendChild(el("tr"));
      [texts.row, texts.column, texts.reason].forEach(function (h) {
        head.appendChild(el("th", h)).setAttribute("scope", "col");
      });
      var body = table.appendChild(el("tbody"));
      plan.problems.forEach(function (p) {
        var tr = body.appendChild(el("tr"));
        tr.appendChild(el("td", String(p.row)));
        tr.appendChild(el("td", p.column));
        tr.appendChild(el("td", p.reason)); // in Indonesian from the API (its code is p.code)
      });
      result.appendChild(table);
    }

    function send(dryRun) {
      var file = input.files && input.files[0];
      if (!file) return;
      check.disabled = true;
      apply.disabled = true;
      progress.hidden = false;
      progress.querySelector("span").textContent = dryRun ? texts.checking : texts.applying;
      result.textContent = "";
      fetch("/api/v1/reports/imports/eppgbm?dryRun=" + dryRun, {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": typeOf(file.name) },
        body: file,
      })
        .then(function (res) {
          return res.json().then(function (body) {
            return { status: res.status, body: body };
          });
        })
        .then(function (r) {
          if (r.status === 200 || r.status === 422) {
            show(r.body);
            apply.disabled = !(dryRun && r.status === 200 && r.body.problems.length === 0);
          } else {
            result.appendChild(el("p", texts.failed)).className = "flash error";
          }
        })
        .catch(function () {
          result.appendChild(el("p", texts.failed)).className = "flash error";
        })
        .then(function () {
          progress.hidden = true;
          check.disabled = false;
        });
    }

    input.addEventListener("change", function () {
      apply.disabled = true;
      result.textContent = "";
    });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      send(true);
    });
    apply.addEventListener("click", function () {
      send(false);
    });
  }

  // Kampanye: the delivery report updates in place every 5 s while sending (the API's live
  // report), and stops once the campaign is no longer running. Without this the page reloads itself.
  function liveReport() {
    var section = document.querySelector("[data-live]");
    if (!section) return;
    var url = section.getAttribute("data-live");
    var statusTexts = JSON.parse(section.getAttribute("data-texts")).status || {};
    var percent = new Intl.NumberFormat("id-ID", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    function tick() {
      fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } })
        .then(function (res) {
          return res.ok ? res.json() : null;
        })
        .then(function (r) {
          if (!r) return;
          var n = r.totals;
          Object.keys(n).forEach(function (k) {
            var cell = section.querySelector("td[data-field='" + k + "']");
            if (cell) cell.textContent = String(n[k]);
          });
          var done = (n.sent || 0) + (n.failed || 0) + (n.skippedOptedOut || 0) + (n.noTemplate || 0) + (n.cancelled || 0);
          if (n.recipients) {
            var p = (100 * done) / n.recipients;
            document.getElementById("progress").value = Math.round(p);
            section.querySelector("[data-field=progress]").textContent = percent.format(p) + "%";
          }
          var status = document.querySelector("dd[data-field=status]");
          if (status) status.textContent = statusTexts[r.status] || r.status;
          if (r.status === "running") setTimeout(tick, 5000);
        })
        .catch(function () {
          setTimeout(tick, 15000);
        });
    }
    setTimeout(tick, 5000);
  }

  // Kampanye: "count" asks the console for the audience of the form's current filters.
  function audienceCount() {
    var button = document.getElementById("c-count");
    if (!button) return;
    var form = button.form;
    var out = document.getElementById("c-audience");
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      button.textContent = button.getAttribute("data-busy");
      fetch("/konsol/kampanye/hitung", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams(new FormData(form)).toString(),
      })
        .then(function (res) {
          return res.json();
        })
        .then(function (r) {
          out.textContent = r.text;
          out.className = r.ok ? "" : "flash error";
        })
        .catch(function () {
          out.textContent = button.getAttribute("data-failed") || "";
        })
        .then(function () {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          button.textContent = label;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    busyButtons();
    importer();
    liveReport();
    audienceCount();
  });
})();
