// The revision simulation's form, progressive enhancement only: without this file every
// field is shown and each says in its help which question it belongs to (issue 13).
(function () {
  "use strict";

  function show(op) {
    document.querySelectorAll("[data-questions]").forEach(function (group) {
      var questions = group.getAttribute("data-questions").split(" ");
      group.hidden = questions.indexOf(op) === -1;
    });
  }

  function start() {
    var op = document.getElementById("id_op");
    if (!op) {
      return;
    }
    show(op.value);
    op.addEventListener("change", function () { show(op.value); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
