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
