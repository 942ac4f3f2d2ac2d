// Linking (issue 15): "Copy link to this view" says what it did, with a fallback where the
// clipboard is denied; the table follows every selection (its row scrolled into view and selected).
(function () {
  function say(text) {
    var status = document.getElementById('copy-link-status');
    if (!status) {
      status = document.createElement('span');
      status.id = 'copy-link-status';
      status.className = 'copy-status';
      status.setAttribute('role', 'status');
      status.setAttribute('aria-live', 'polite');
      var button = document.getElementById('copy-link-button');
      if (button && button.parentNode) { button.parentNode.insertBefore(status, button.nextSibling); }
    }
    status.textContent = text;
    return status;
  }
  function fallback(url) {
    // the clipboard is denied (or absent): the link, selected, to copy by hand
    var status = say('');
    var label = document.createElement('label');
    label.textContent = 'Copy this link (Ctrl+C / \u2318C): ';
    var input = document.createElement('input');
    input.type = 'text';
    input.readOnly = true;
    input.value = url;
    input.className = 'copy-fallback';
    input.setAttribute('aria-label', 'Link to this view');
    label.appendChild(input);
    status.appendChild(label);
    input.focus();
    input.select();
  }
  var timer = null;
  document.addEventListener('click', function (event) {
    var button = event.target && event.target.closest && event.target.closest('#copy-link-button');
    if (!button) { return; }
    var url = window.location.href;
    var done = function () {
      say('Link copied \u2713');
      button.classList.add('copied');
      clearTimeout(timer);
      timer = setTimeout(function () { say(''); button.classList.remove('copied'); }, 4000);
    };
    try {
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(url).then(done, function () { fallback(url); });
        return;
      }
    } catch (e) { /* fall through */ }
    fallback(url);
  });

  // the detail panel names the selected event and its row in the table's default order
  function follow() {
    var marker = document.querySelector('#detail-panel .detail-row');
    if (!marker || !window.dash_ag_grid || !document.getElementById('event-grid')) { return; }
    var id = marker.getAttribute('data-event');
    var row = Number(marker.getAttribute('data-row'));
    window.dash_ag_grid.getApiAsync('event-grid').then(function (api) {
      var node = api.getRowNode(id);
      var sorted = (api.getColumnState() || []).filter(function (c) { return c.sort; });
      var asShipped = sorted.length === 0 || (sorted.length === 1 && sorted[0].colId === 'start' && sorted[0].sort === 'asc');
      if (node && node.rowIndex !== null && node.rowIndex !== undefined) {
        api.ensureIndexVisible(node.rowIndex, 'middle');
      } else if (asShipped && row >= 0 && row < api.getDisplayedRowCount()) {
        api.ensureIndexVisible(row, 'middle');
      }
      var pick = function () {
        var n = api.getRowNode(id);
        if (n && n.data) {
          n.setSelected(true);
          api.removeEventListener('modelUpdated', pick);
        }
      };
      pick();
      api.addEventListener('modelUpdated', pick);
      setTimeout(function () { api.removeEventListener('modelUpdated', pick); }, 5000);
    });
  }
  function watch() {
    var panel = document.getElementById('detail-panel');
    if (!panel) { setTimeout(watch, 200); return; }
    new MutationObserver(function () { setTimeout(follow, 0); }).observe(panel, {childList: true, subtree: true});
    follow();
  }
  watch();
})();
