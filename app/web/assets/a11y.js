// Accessibility repairs of Dash 4's own component markup, and keyboard access to the events.
//
// Dash 4.4's dcc components draw markup that assistive technology misreads (axe-core: serious or
// critical violations on the dashboard):
// - Checklist / RadioItems: a role="listbox" of role="option" labels, each holding a native
//   checkbox or radio (an interactive control nested in another, a listbox with no name).
//   Repaired: the list becomes a named group / radiogroup of its native inputs (which keyboards and
//   screen readers already know), the option roles go.
// - DatePickerSingle: aria-expanded / aria-haspopup on a plain <div>. Repaired: they move to the
//   text input, which becomes the combobox that opens the calendar dialog, named by its label.
// - Dropdown: an aria-hidden "focus trampoline" <input> that takes the Tab stop and hands focus to
//   the dropdown's button. Repaired: it is no longer hidden but named like its control, and the
//   button is named "<label>: <value>".
// Dash re-renders these components (a new value, the calendar opening): a MutationObserver repairs
// them again each time. Nothing here changes what a control does, only how it is announced.
//
// The events: the table is the plots' accessible equivalent. A skip link leads to it; in it the
// arrow keys move between cells (ag-grid), and Enter or Space on a row selects its event (as a
// click does: the detail panel, the map and the timeline follow).
(function () {
  'use strict';

  function labelOf(el) {
    var control = el.closest('.control');
    var label = control && control.querySelector('.control-label');
    if (!label) { return null; }
    if (!label.id) { label.id = (el.id || 'control') + '-label'; }
    return label;
  }

  function repairLists(root) {
    root.querySelectorAll('.dash-options-list[role="listbox"]').forEach(function (list) {
      var radio = list.classList.contains('dash-radioitems');
      list.setAttribute('role', radio ? 'radiogroup' : 'group');
      var label = labelOf(list);
      if (label) { list.setAttribute('aria-labelledby', label.id); }
    });
    root.querySelectorAll('.dash-options-list-option[role], .dash-options-list-option[aria-selected]')
      .forEach(function (option) {
        option.removeAttribute('role');
        option.removeAttribute('aria-selected');
      });
  }

  function repairDates(root) {
    root.querySelectorAll('.dash-datepicker-input-wrapper').forEach(function (wrapper) {
      var input = wrapper.querySelector('input.dash-datepicker-input');
      if (!input) { return; }
      ['aria-expanded', 'aria-haspopup', 'aria-labelledby'].forEach(function (name) {
        if (wrapper.hasAttribute(name)) { wrapper.removeAttribute(name); }
      });
      var open = wrapper.getAttribute('data-state') === 'open';
      if (input.getAttribute('aria-expanded') !== String(open)) { input.setAttribute('aria-expanded', String(open)); }
      var popup = wrapper.getAttribute('aria-controls');  // an open combobox names the dialog it opened
      if (open && popup && input.getAttribute('aria-controls') !== popup) { input.setAttribute('aria-controls', popup); }
      if (!open && input.hasAttribute('aria-controls')) { input.removeAttribute('aria-controls'); }
      if (input.getAttribute('role') !== 'combobox') {
        input.setAttribute('role', 'combobox');
        input.setAttribute('aria-haspopup', 'dialog');
      }
      var label = labelOf(wrapper);
      if (label && input.getAttribute('aria-labelledby') !== label.id) {
        input.removeAttribute('aria-label');
        input.setAttribute('aria-labelledby', label.id);
      }
    });
  }

  // the calendar a date picker opens: a dialog named after its control, a month dropdown, a year field
  function repairCalendars(root) {
    root.querySelectorAll('.dash-datepicker-content[role="dialog"]').forEach(function (dialog) {
      if (!dialog.hasAttribute('aria-label')) {
        var owner = document.querySelector('[aria-controls="' + dialog.id + '"]');
        var label = owner && labelOf(owner);
        dialog.setAttribute('aria-label', 'Calendar' + (label ? ': ' + label.textContent.trim() : ''));
      }
      dialog.querySelectorAll('.dash-dropdown-focus-target').forEach(function (target) {
        target.removeAttribute('aria-hidden');
        if (target.getAttribute('aria-label') !== 'Month') {
          target.removeAttribute('aria-labelledby');
          target.setAttribute('aria-label', 'Month');
        }
      });
      dialog.querySelectorAll('input:not(.dash-dropdown-focus-target)').forEach(function (input) {
        if (!input.hasAttribute('aria-label') && !(input.labels && input.labels.length)) {
          input.setAttribute('aria-label', input.type === 'number' || /^\d{4}$/.test(input.value) ? 'Year' : 'Date');
        }
      });
    });
  }

  function repairDropdowns(root) {
    root.querySelectorAll('.dash-dropdown-focus-target[aria-hidden]').forEach(function (target) {
      if (target.closest('.dash-datepicker-content')) { return; }  // (repairCalendars)
      target.removeAttribute('aria-hidden');
      var button = target.nextElementSibling;
      var label = labelOf(button || target);
      if (!label) {  // a dropdown with no visible label of its own (the narrative picker): its own words
        var named = target.closest('[aria-label]');
        target.setAttribute('aria-label', (named && named.getAttribute('aria-label')) ||
                                          (button && button.textContent.trim()) || 'choose');
      } else {
        target.setAttribute('aria-labelledby', label.id);
        if (button && button.id) {
          var by = button.getAttribute('aria-labelledby') || '';
          if (by.split(' ').indexOf(label.id) < 0) {
            button.setAttribute('aria-labelledby', (label.id + ' ' + by).trim());
          }
        }
      }
    });
  }

  function repair(root) {
    repairLists(root);
    repairDates(root);
    repairDropdowns(root);
    repairCalendars(root);
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; repair(document); });
  }

  function start() {
    repair(document);
    new MutationObserver(schedule).observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ['role', 'aria-selected', 'aria-expanded', 'aria-haspopup', 'aria-hidden', 'aria-label',
                        'data-state', 'aria-controls']
    });
  }

  // Enter / Space on a focused table cell selects its row's event, as a click does
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Enter' && event.key !== ' ') { return; }
    var cell = event.target && event.target.closest && event.target.closest('#event-grid .ag-cell');
    if (!cell) { return; }
    event.preventDefault();
    cell.click();
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
