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

  // the detail panel names the selected event and its row in the table's default order: the
  // table scrolls there (its rows come a block at a time, so again as blocks arrive) and selects it
  var following = 0;
  function follow(tries) {
    var marker = document.querySelector('#detail-panel .detail-row');
    if (!marker) { return; }
    if (!window.dash_ag_grid || !document.getElementById('event-grid')) {
      if ((tries || 0) < 40) { setTimeout(function () { follow((tries || 0) + 1); }, 250); }  // not mounted yet
      return;
    }
    var id = marker.getAttribute('data-event');
    var row = Number(marker.getAttribute('data-row'));
    var mine = ++following;
    window.dash_ag_grid.getApiAsync('event-grid').then(function (api) {
      var done = false;
      var attempt = function () {
        if (done || mine !== following) { api.removeEventListener('modelUpdated', attempt); return; }
        var node = api.getRowNode(id);
        if (node && node.data && node.rowIndex !== null && node.rowIndex !== undefined) {
          done = true;
          api.removeEventListener('modelUpdated', attempt);
          api.ensureIndexVisible(node.rowIndex, 'middle');
          node.setSelected(true);
          return;
        }
        var sorted = (api.getColumnState() || []).filter(function (c) { return c.sort; });
        var asShipped = sorted.length === 0 ||
          (sorted.length === 1 && sorted[0].colId === 'start' && sorted[0].sort === 'asc');
        if (asShipped && row >= 0 && row < api.getDisplayedRowCount()) { api.ensureIndexVisible(row, 'middle'); }
      };
      api.addEventListener('modelUpdated', attempt);
      setTimeout(function () { api.removeEventListener('modelUpdated', attempt); }, 10000);
      attempt();
    });
  }
  function watch() {
    var panel = document.getElementById('detail-panel');
    if (!panel) { setTimeout(watch, 200); return; }
    new MutationObserver(function () { setTimeout(function () { follow(0); }, 0); }).observe(panel, {childList: true, subtree: true});
    follow(0);
  }
  watch();
})();
