// Draw every chart on the page from its JSON block (CSP forbids inline scripts).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Plotly === "undefined") { return; }
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById("chart-" + element.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    Plotly.newPlot(element, spec.data, spec.layout, {displaylogo: false, responsive: true});
  });
});
