import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

// One chart per KPI: the reviewed values over time against the target. The table beside each
// chart carries the same figures for screen readers and for anyone who prefers numbers.
for (const canvas of document.querySelectorAll("canvas[data-kpi]")) {
  const series = JSON.parse(document.getElementById(canvas.dataset.kpi).textContent);
  const labels = series.points.map((point) => point.period);
  new Chart(canvas, {
    type: "line",
    data: {
      labels,
      datasets: [
        {
          label: `${series.metric} (${series.unit})`,
          data: series.points.map((point) => point.value),
          borderColor: "#4a1f5c",
          backgroundColor: "#4a1f5c",
          pointStyle: "circle",
        },
        {
          label: `Target (${series.direction === "higher" ? "at least" : "at most"} ${series.target})`,
          data: labels.map(() => series.target),
          borderColor: "#b35c00",
          borderDash: [6, 4],
          pointStyle: false,
        },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
    },
  });
}

// Report charts: a bar chart of each report table (the table beside it has the same figures).
const PALETTE = ["#4a1f5c", "#b35c00", "#1d6f42", "#0b5394", "#7f1d1d"];
Chart.register(BarController, BarElement);
for (const canvas of document.querySelectorAll("canvas[data-chart]")) {
  const data = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
  data.datasets.forEach((dataset, index) => {
    dataset.backgroundColor = PALETTE[index % PALETTE.length];
  });
  new Chart(canvas, {
    type: "bar",
    data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { position: "bottom" } },
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
    },
  });
}
