// Behaviour the pages once wrote inline (onclick, onsubmit), moved here so
// the Content-Security-Policy can forbid inline script altogether.
"use strict";

// A button marked data-print prints the page (the month roster).
document.addEventListener("click", function (e) {
  var b = e.target.closest ? e.target.closest("[data-print]") : null;
  if (b) {
    window.print();
  }
});

// A form marked data-confirm asks before it is sent (deleting an absence).
document.addEventListener("submit", function (e) {
  var msg = e.target.getAttribute ? e.target.getAttribute("data-confirm") : null;
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});
