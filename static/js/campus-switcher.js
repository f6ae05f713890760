// The campus menu is a <details> element and works without this file; this only closes it
// when a person clicks elsewhere or presses Escape, as menus do.
(function () {
  "use strict";
  var menus = document.querySelectorAll("[data-campus-switcher]");
  if (!menus.length) return;
  document.addEventListener("click", function (event) {
    menus.forEach(function (menu) {
      if (menu.open && !menu.contains(event.target)) menu.open = false;
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus.forEach(function (menu) {
      if (menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  });
})();
