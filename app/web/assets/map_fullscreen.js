// The map's full-screen switch (issue 14): the Fullscreen API where the browser has it, a fixed
// overlay otherwise (iOS Safari on a phone); Esc leaves either. plotly.js follows the new size.
(function () {
  function card() { return document.querySelector('.map-card'); }
  function resized() { window.dispatchEvent(new Event('resize')); }
  function label(full) {
    var b = document.getElementById('map-fullscreen-button');
    if (b) { b.textContent = full ? 'Leave full screen' : 'Full-screen map'; b.setAttribute('aria-pressed', String(full)); }
  }
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('#map-fullscreen-button');
    if (!b) return;
    var c = card();
    if (!c) return;
    if (document.fullscreenElement) { document.exitFullscreen(); return; }
    if (c.classList.contains('map-full')) { c.classList.remove('map-full'); label(false); setTimeout(resized, 50); return; }
    if (c.requestFullscreen) {
      c.requestFullscreen().catch(function () { c.classList.add('map-full'); label(true); setTimeout(resized, 50); });
    } else { c.classList.add('map-full'); label(true); setTimeout(resized, 50); }
  });
  document.addEventListener('fullscreenchange', function () { label(!!document.fullscreenElement); setTimeout(resized, 50); });
  document.addEventListener('keydown', function (ev) {
    var c = card();
    if (ev.key === 'Escape' && c && c.classList.contains('map-full')) { c.classList.remove('map-full'); label(false); setTimeout(resized, 50); }
  });
})();
