// Presentation mode: B (or .) blanks the screen black, W (or ,) white, as PowerPoint and
// presentation clickers do; any key or click brings the step back. Only while presenting.
(function () {
  var blank = null;
  function lift() { if (blank) { blank.remove(); blank = null; return true; } return false; }
  document.addEventListener('keydown', function (event) {
    if (blank) { event.preventDefault(); event.stopImmediatePropagation(); lift(); return; }
    var page = document.getElementById('page-root');
    if (!page || !page.classList.contains('presenting')) { return; }
    var target = event.target;
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) { return; }
    var key = event.key;
    if (['b', 'B', '.', 'w', 'W', ','].indexOf(key) < 0 || event.ctrlKey || event.metaKey || event.altKey) { return; }
    event.preventDefault();
    blank = document.createElement('div');
    blank.className = 'blank-screen' + ('wW,'.indexOf(key) >= 0 ? ' white' : '');
    blank.setAttribute('role', 'presentation');
    blank.setAttribute('aria-label', 'Screen blanked: press any key to return');
    blank.addEventListener('click', lift);
    document.body.appendChild(blank);
  }, true);
})();
// Entering or leaving presentation mode changes the cards' sizes: the graphs are told (plotly
// resizes a responsive graph on a window resize), so no figure is drawn wider than its card.
(function () {
  function watch() {
    var page = document.getElementById('page-root');
    if (!page) { setTimeout(watch, 200); return; }
    var was = page.classList.contains('presenting');
    new MutationObserver(function () {
      var now = page.classList.contains('presenting');
      if (now === was) { return; }
      was = now;
      // (again while the step's figures arrive and are drawn)
      requestAnimationFrame(function () { window.dispatchEvent(new Event('resize')); });
      [250, 700, 1400, 2500].forEach(function (ms) {
        setTimeout(function () { window.dispatchEvent(new Event('resize')); }, ms);
      });
    }).observe(page, {attributes: true, attributeFilter: ['class']});
  }
  watch();
})();
// Printing: the graphs are drawn at the printed page's width (A4 and Letter landscape both hold
// ~940 px between their margins) without the range slider before the dialog renders the page,
// and given back to the screen after (plotly draws at a fixed pixel size until told otherwise).
(function () {
  var SIZES = {'timeline-graph': [940, 400], 'map-graph': [940, 380]};
  function each(fn) {
    if (!window.Plotly) { return; }
    Object.keys(SIZES).forEach(function (id) {
      var host = document.getElementById(id);
      var gd = host && host.querySelector('.js-plotly-plot');
      if (gd && gd._fullLayout) { try { fn(gd, SIZES[id], id); } catch (e) { /* not drawn yet */ } }
    });
  }
  function forPrint() {
    each(function (gd, size, id) {
      var update = {width: size[0], height: size[1]};
      if (id === 'timeline-graph' && gd._fullLayout.xaxis.rangeslider) { update['xaxis.rangeslider.visible'] = false; }
      gd.__printed = id === 'timeline-graph' && gd._fullLayout.xaxis.rangeslider && gd._fullLayout.xaxis.rangeslider.visible;
      window.Plotly.relayout(gd, update);
    });
  }
  function forScreen() {
    each(function (gd) {
      var update = {width: null, height: null, autosize: true};
      if (gd.__printed) { update['xaxis.rangeslider.visible'] = true; }
      window.Plotly.relayout(gd, update);
    });
  }
  window.geotimelineFitGraphs = forPrint;
  window.geotimelineScreenGraphs = forScreen;
  window.addEventListener('beforeprint', forPrint);
  window.addEventListener('afterprint', function () { setTimeout(forScreen, 0); });
})();
