// The dashboard folds its details so that a phone shows first what needs action. On a wide
// screen there is room for everything: open the folds marked data-open-wide. Without this
// file every fold opens with one click.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 992px)").matches) return;
  document.querySelectorAll("details[data-open-wide]").forEach(function (fold) {
    fold.open = true;
  });
})();
