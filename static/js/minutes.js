// The minutes page, enhanced: a warning before leaving with text not yet saved. The page's
// one form keeps its sections, notes and new action item together; htmx keeps a draft of the
// sections and notes a moment after typing stops (the status line says when), so what is
// left unsaved is what was typed since then, or a new action item not yet added.
(function () {
  "use strict";

  var form = document.querySelector("form[data-unsaved-warning]");
  if (!form) return;
  var unsaved = false;
  var submitting = false;

  function actionRowTyped() {
    return Array.prototype.some.call(
      form.querySelectorAll("[name^='action-']"),
      function (field) { return field.value.trim() !== ""; }
    );
  }

  // Text typed while a draft is on its way is not in that draft.
  var typedDuringDraft = false;
  form.addEventListener("input", function () {
    unsaved = true;
    typedDuringDraft = true;
  });
  form.addEventListener("submit", function () { submitting = true; });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt === form) typedDuringDraft = false;
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    var status = document.getElementById("minutes-draft-status");
    if (status && status.hasAttribute("data-draft-saved") && !typedDuringDraft) unsaved = false;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    if (unsaved || actionRowTyped()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
