// Ansvarsguiden, progressive enhancement only: the guide works without this file.
(function () {
  "use strict";

  // The Swedish error page of a 400 answer is content to show, not a failure to hide.
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "[23]..", swap: true },
      { code: "400", swap: true, error: false },
      { code: "[45]..", swap: false, error: true },
    ];
  }

  function reveal() {
    document.querySelectorAll("[data-copy][hidden], [data-print][hidden]").forEach(function (el) {
      el.hidden = false;
    });
  }

  function copyLink(button) {
    var input = document.querySelector(button.getAttribute("data-copy"));
    var status = document.querySelector("[data-copy-status]");
    var done = function (ok) {
      if (status) {
        status.textContent = ok ? "Länken är kopierad." : "Markera länken och kopiera den själv.";
      }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(false); });
    } else {
      input.select();
      done(document.execCommand("copy"));
    }
  }

  document.addEventListener("click", function (event) {
    var copy = event.target.closest("[data-copy]");
    if (copy) { copyLink(copy); }
    if (event.target.closest("[data-print]")) { window.print(); }
  });

  document.addEventListener("DOMContentLoaded", reveal);
  document.addEventListener("htmx:afterSettle", function () {
    reveal();
    // Move focus to the new question so keyboard and screen-reader users follow the swap.
    var target = document.querySelector("#guide [data-autofocus]");
    if (target) { target.focus(); }
  });
})();
