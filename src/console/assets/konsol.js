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
            backgroundColor: d.small.map(function (s) { return s ? "#d5d8dc" : INK; }),
            borderColor: d.small.map(function (s) { return s ? GREY : INK; }),
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
          return { label: s.label, data: s.values, borderColor: st.color, backgroundColor: st.color, borderDash: st.dash, pointStyle: st.point, pointRadius: 4, spanGaps: true };
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

  // WHO lines of the KMS: −3 and +3 (red), −2 and +2 (orange), the median 0 (green).
  var LINES = { "-3": "#b3261e", "-2": "#e8710a", "0": "#188038", "2": "#e8710a", "3": "#b3261e" };

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
          return { label: s.label, data: s.points, borderColor: st.color, backgroundColor: st.color, pointStyle: st.point, borderDash: st.dash, pointRadius: 4 };
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
              axis.ticks = [-3, -2, 0, 2, 3].map(function (v) { return { value: v }; });
            },
            grid: {
              color: function (c) { return LINES[String(c.tick && c.tick.value)] || "#e0e0e0"; },
              lineWidth: function (c) { return c.tick && c.tick.value === 0 ? 2 : 1.5; },
            },
          },
        },
      },
    });
  }

  function draw() {
    if (!window.Chart) return;
    var kinds = { bars: bars, trend: trend, growth: growth };
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

  document.addEventListener("DOMContentLoaded", function () {
    draw();
    busyButtons();
  });
})();
