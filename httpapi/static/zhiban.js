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

// In a form marked data-ctrl-enter, Ctrl+Enter (⌘+Enter) in a text area sends
// the form, as Enter does in a one-line field (the desk's 反映事项).
document.addEventListener("keydown", function (e) {
  var t = e.target;
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && t && t.tagName === "TEXTAREA" && t.form &&
      t.form.hasAttribute("data-ctrl-enter")) {
    e.preventDefault();
    if (t.form.requestSubmit) {
      t.form.requestSubmit();
    } else {
      t.form.submit();
    }
  }
});
