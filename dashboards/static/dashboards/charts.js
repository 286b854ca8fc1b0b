/* Draws every dashboard figure: the JSON sits in <script type="application/json"> blocks,
   the <div data-figure="id"> says where. No inline code, no network beyond 127.0.0.1: the
   map's world outline (an empty stub) comes from our static files (topojsonURL). */
(function () {
  "use strict";

  function draw(div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source) {
      return;
    }
    var figure = JSON.parse(source.textContent);
    var printable = document.querySelector(".report") !== null;
    var config = {
      responsive: !printable,
      displaylogo: false,
      staticPlot: false,
      topojsonURL: div.getAttribute("data-topojson"),
      modeBarButtonsToRemove: ["sendDataToCloud", "select2d", "lasso2d"]
    };
    window.Plotly.newPlot(div, figure.data, figure.layout, config).then(function () {
      div.setAttribute("data-drawn", "true");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-figure]").forEach(draw);
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
