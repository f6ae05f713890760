// A copy button beside a read-only field. Without this file the button stays hidden and the
// field is selected and copied by hand; with it, one click copies (the Clipboard API, or the
// older copy command where that is not allowed) and says so.
(function () {
  "use strict";
  document.querySelectorAll("[data-copy-field]").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });
  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var id = button.getAttribute("data-copy-from");
    var field = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    if (!field) return;
    button.hidden = false;
    // The page gives the words, in the person's language.
    var copied = (status && status.getAttribute("data-copied")) || "Copied.";
    var byHand = (status && status.getAttribute("data-copy-by-hand")) || "Press Ctrl+C to copy.";
    function say(text) { if (status) status.textContent = text; }
    function fallback() {
      field.focus();
      field.select();
      try {
        say(document.execCommand("copy") ? copied : byHand);
      } catch (error) {
        say(byHand);
      }
    }
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(function () { say(copied); }, fallback);
      } else {
        fallback();
      }
    });
  });
})();
