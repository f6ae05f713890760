// The agenda page, enhanced: an item's form shows the topic and facilitator only for a
// training item, and items can be dragged into a new order (the order is then posted by the
// page's own reorder form, which works with or without htmx). Without this file, every field
// is shown with a hint and items move with the Up, Down and Move buttons.
(function () {
  "use strict";

  function fieldBox(element) {
    return element.closest(".mb-3") || element.parentElement;
  }

  function showTrainingFields(form) {
    var kind = form.querySelector("[data-agenda-kind]");
    if (!kind) return;
    var training = kind.value === "training";
    form.querySelectorAll("[data-training-only]").forEach(function (field) {
      fieldBox(field).hidden = !training;
    });
  }

  function enhance(root) {
    root.querySelectorAll("form.agenda-item-form").forEach(showTrainingFields);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-agenda-kind]")) {
      showTrainingFields(event.target.form);
    }
  });

  // --- drag and drop ---------------------------------------------------------------------
  var dragged = null;

  document.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-agenda-sortable] > li[draggable]");
    if (!item) return;
    dragged = item;
    item.classList.add("agenda-item-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.dataset.item);
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = event.target.closest && event.target.closest("[data-agenda-sortable] > li");
    if (!over || over === dragged || over.parentElement !== dragged.parentElement) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentElement.insertBefore(dragged, after ? over.nextSibling : over);
  });

  document.addEventListener("drop", function (event) {
    if (dragged) event.preventDefault();
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return;
    var list = dragged.parentElement;
    dragged.classList.remove("agenda-item-dragging");
    dragged = null;
    var form = list.parentElement.querySelector("form.agenda-reorder-form");
    var order = Array.prototype.map.call(list.children, function (li) {
      return li.dataset.item;
    }).join(",");
    if (!form || form.elements.order.value === order) return;
    form.elements.order.value = order;
    form.requestSubmit();
  });

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    enhance(document);
  });
})();
