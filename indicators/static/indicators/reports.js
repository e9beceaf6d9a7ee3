// Reports: a print button and hover tooltips for chart points (their <title> works without this).
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  var tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.hidden = true;
  document.body.appendChild(tip);
  document.querySelectorAll("svg.chart .pt").forEach(function (point) {
    var title = point.querySelector("title");
    if (!title) { return; }
    point.addEventListener("mouseenter", function () {
      var box = point.getBoundingClientRect();
      tip.textContent = title.textContent;
      tip.hidden = false;
      tip.style.left = (window.scrollX + box.left + 8) + "px";
      tip.style.top = (window.scrollY + box.top - 28) + "px";
    });
    point.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
})();
