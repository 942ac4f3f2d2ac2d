// The dashboard's browser-side callbacks (registered in app/web/callbacks.py through
// ClientsideFunction('geotimeline', name)). Ids are the constants of app/web/ids.py: a test
// checks that every id named here exists there.
window.dash_clientside = window.dash_clientside || {};
(function () {
  'use strict';
  var GRID = 'event-grid';

  // the table's selectedRows for the selection store's value
  function selectedRows(selected) {
    return selected ? [{event_id: selected}] : [];
  }

  window.dash_clientside.geotimeline = {
    // the map has drawn for the first time -> the table mounts (made here, from its props in the
    // grid-spec store). Building the grid costs the browser ~200 ms: done before, it held back
    // the first drawing of both views. The selection of a deep link comes with it.
    mountGrid: function (drawn, selected, mounted, spec) {
      if (mounted || !spec) { return window.dash_clientside.no_update; }
      var grid = JSON.parse(JSON.stringify(spec));
      grid.props.selectedRows = selectedRows(selected);
      // the rows come after the table is made (the infinite row model): the selected one is
      // selected when the first block arrives, if it is in it (asked once: a later selection
      // comes through selectRow below)
      if (selected) {
        window.dash_ag_grid.getApiAsync(GRID).then(function (api) {
          api.addEventListener('modelUpdated', function pick() {
            var first = api.getDisplayedRowAtIndex(0);
            if (api.getDisplayedRowCount() > 0 && !(first && first.data)) { return; }
            api.removeEventListener('modelUpdated', pick);
            var node = api.getRowNode(selected);
            if (node && node.data) { node.setSelected(true); }
          });
        });
      }
      return grid;
    },

    // the table asks for a block of rows (after a refresh, scrolling, sorting). The first block of
    // a view in the default order came with the view (grid-refresh-store): answered here. Any
    // other block goes to the server (also one asked before the first view arrived). Every
    // request gets an answer: the table asks one block at a time, so one left unanswered would
    // hold back every later one.
    answerRows: function (request, refresh) {
      var nu = window.dash_clientside.no_update;
      if (!request) { return [nu, nu]; }
      if (!refresh) { return [nu, request]; }
      // the table opens sorted by start date, ascending: the order the view comes in
      var sort = request.sortModel || [];
      var asShipped = sort.length === 0 || (sort.length === 1 && sort[0].colId === 'start' &&
                                            sort[0].sort === 'asc');
      var block = refresh.block;
      if (block && asShipped && request.startRow === 0 &&
          (block.length >= request.endRow || block.length === refresh.n)) {
        return [{rowData: block.slice(0, request.endRow), rowCount: refresh.n}, nu];
      }
      return [nu, request];
    },

    // the view changed -> the table drops its rows and asks again (from the top), once the figures
    // that came with the same answer are drawn and painted: the table's layout reads would
    // otherwise fall between the two figures' redraws and hold the map back
    refreshRows: function (refresh) {
      if (refresh && window.dash_ag_grid) {
        requestAnimationFrame(function () {
          setTimeout(function () {
            window.dash_ag_grid.getApiAsync(GRID).then(function (api) {
              api.purgeInfiniteCache();
              api.ensureIndexVisible(0, 'top');
            });
          }, 0);
        });
      }
      return window.dash_clientside.no_update;
    },

    // the selection -> the table's selected row: the table may not be mounted yet (an Output
    // would then be an error); if not, it mounts with the selection (mountGrid)
    selectRow: function (selected) {
      if (document.getElementById(GRID)) {
        window.dash_clientside.set_props(GRID, {selectedRows: selectedRows(selected)});
      }
      return window.dash_clientside.no_update;
    },

    // the printable list has arrived -> the browser's print dialog
    printList: function (children) {
      // one dialog per click: the list may be set twice for one click (its children, then their
      // render), and the second set must not open the dialog again
      var now = Date.now();
      if (children && now - (window.geotimelinePrinted || 0) > 3000) {
        window.geotimelinePrinted = now;
        setTimeout(function () { window.print(); }, 300);
      }
      return window.dash_clientside.no_update;
    },

    // a file picked for "Open your own data" -> the upload store (the server opens it), or a
    // refusal in the report when it is past the limits of the upload limit store (bytes, a text's
    // rows; set from app/limits.py browser_checks): such a file is refused before a byte is sent
    checkUpload: function (contents, filename, limits) {
      var nu = window.dash_clientside.no_update;
      if (!contents) { return [nu, nu]; }
      var comma = contents.indexOf(',');
      var bytes = Math.floor((contents.length - comma - 1) * 3 / 4);
      // the refusals in the server's own words (app/limits.py browser_checks): {name}, {what} filled
      // in one pass, so a file name holding "{what}" stays as it is
      function refusal(template, what) {
        return template.replace(/\{(name|what)\}/g, function (m, k) { return k === 'name' ? filename : what; });
      }
      if (limits && bytes > limits.bytes) {
        return [nu, refusal(limits.bytesRefusal, (bytes / 1048576).toFixed(1) + ' MB')];
      }
      // a delimited text past the row limit by its lines, counted as the server counts them
      // (limits.text_shape): only when no cell is quoted (a quoted cell may hold a newline) and the
      // text is not UTF-16 (no NUL byte); otherwise the server counts
      if (limits && /\.(csv|tsv|txt)$/i.test(filename || '') && bytes > limits.rows * 2) {
        var text;
        try { text = atob(contents.slice(comma + 1)); } catch (e) { text = null; }
        if (text && text.indexOf('"') === -1 && text.indexOf('\u0000') === -1) {
          var lines = 0;
          for (var at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) { lines += 1; }
          if (text.charAt(text.length - 1) !== '\n') { lines += 1; }
          if (lines - 1 > limits.rows) {
            var what = limits.rowsWhat.replace('{lines}', lines.toLocaleString('en-US'));
            return [nu, refusal(limits.rowsRefusal, what)];
          }
        }
      }
      return [{name: filename, contents: contents}, 'Reading ' + filename + '\u2026'];
    },

    // copy-link / SVG buttons -> browser-only actions (clipboard, Plotly.downloadImage)
    browserAction: function (nLink, nTimeline, nMap) {
      var t = window.dash_clientside.callback_context.triggered_id;
      // (copy link: assets/linking.js, with feedback and a fallback when the clipboard is denied)
      var graphs = {'timeline-svg-button': ['timeline-graph', 'timeline'],
                    'map-svg-button': ['map-graph', 'map']};
      if (graphs[t]) {
        var el = document.getElementById(graphs[t][0]).querySelector('.js-plotly-plot');
        window.Plotly.downloadImage(el, {format: 'svg', width: 1600, height: 900,
                                         filename: window.geotimelineFileName(graphs[t][1])});
      }
      return window.dash_clientside.no_update;
    }
  };
})();
