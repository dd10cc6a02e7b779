/* /office/indicatori: the charts, drawn by Chart.js (vendored, global `Chart`) from the numbers the
   page carries (#t-indicators-data); the same numbers are in the tables beside each chart. */
const data = JSON.parse(document.getElementById("t-indicators-data").textContent);
const COLOURS = ["#1f5fa8", "#d9822b", "#2e8b57", "#8e44ad", "#c0392b", "#7f8c8d", "#b8860b"];

function draw(id, chart) {
  const canvas = document.getElementById(id);
  if (!canvas || !window.Chart) { return; }
  new window.Chart(canvas, {
    type: chart.type,
    data: {
      labels: chart.labels,
      datasets: chart.series.map((s, i) => ({
        label: s.label, data: s.data, borderColor: COLOURS[i % COLOURS.length],
        backgroundColor: COLOURS[i % COLOURS.length], tension: 0, fill: false,
      })),
    },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
}

draw("chart-use", data.use);
draw("chart-requests", data.requests);
draw("chart-kinds", data.kinds);
