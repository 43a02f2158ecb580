/* Accessibility fix for Django's admin (WCAG 2.1 AA 4.1.2 Name, Role, Value; found by axe in tests/e2e).
 * select2, behind the admin's autocomplete fields, names its combobox only by the chosen value, so an
 * empty field has no name at all, and its search field has none. Name them by the field's label (and
 * then the value), as a screen reader user expects: "Municipality, Groningen". The admin sets select2
 * up when jQuery is ready and again for every inline row added, so this watches the page for it.
 * No inline code: the CSP allows scripts from 'self' only.
 */
(function () {
  "use strict";

  function labelFor(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) {
      label.id = select.id + "_label";
    }
    return label;
  }

  function nameComboboxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var combobox = container && container.querySelector(".select2-selection");
      var label = combobox && labelFor(select);
      if (!label) {
        return;
      }
      var rendered = combobox.querySelector(".select2-selection__rendered");
      if (combobox.getAttribute("role") === "combobox") {
        var ids = rendered && rendered.id ? label.id + " " + rendered.id : label.id;
        if (combobox.getAttribute("aria-labelledby") !== ids) {
          combobox.setAttribute("aria-labelledby", ids);
        }
      }
      if (rendered && rendered.getAttribute("aria-labelledby") !== label.id) {
        rendered.setAttribute("aria-labelledby", label.id);
      }
      combobox.querySelectorAll(".select2-search__field").forEach(function (field) {
        if (field.getAttribute("aria-labelledby") !== label.id) {
          field.setAttribute("aria-labelledby", label.id);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    nameComboboxes();
    new MutationObserver(nameComboboxes).observe(document.body, { childList: true, subtree: true });
  });
})();
