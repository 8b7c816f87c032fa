// Draw every chart on the page from its JSON block (CSP forbids inline scripts).
// Numbers on the axes and in hover labels use the page language's decimal and thousands
// marks. The mode bar is off: its buttons are labelled in English only and it put
// interactive controls inside the chart; hover labels, zoom and legend clicks still work.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Plotly === "undefined") { return; }
  var separators = (function () {
    try {
      var parts = new Intl.NumberFormat(document.documentElement.lang || "en").formatToParts(12345.6);
      var mark = function (type, fallback) {
        var part = parts.find(function (p) { return p.type === type; });
        return part ? part.value : fallback;
      };
      return mark("decimal", ".") + mark("group", ",");
    } catch (error) {
      return ".,";
    }
  })();
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById("chart-" + element.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var layout = Object.assign({separators: separators}, spec.layout);
    Plotly.newPlot(element, spec.data, layout, {displaylogo: false, displayModeBar: false, responsive: true});
    // A bar whose point carries a local address (customdata "/...") opens it on a click:
    // the driver chart leads to the theme's verbatims; the table beside it has the same links.
    element.on("plotly_click", function (event) {
      var link = event && event.points && event.points[0] && event.points[0].customdata;
      if (typeof link === "string" && link.charAt(0) === "/" && link.charAt(1) !== "/") {
        window.location.href = link;
      }
    });
  });
});
