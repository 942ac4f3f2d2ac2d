// Presentation keys: → / PageDown / Space = next step, ← / PageUp = previous, Esc = leave.
// (Presentation clickers send PageDown/PageUp.) Only while the page is in presentation mode.
document.addEventListener('keydown', function (event) {
  var page = document.getElementById('page-root');
  if (!page || !page.classList.contains('presenting')) { return; }
  var target = event.target;
  if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable)) { return; }
  var map = {ArrowRight: 'present-next-button', PageDown: 'present-next-button', ' ': 'present-next-button',
             ArrowLeft: 'present-prev-button', PageUp: 'present-prev-button', Escape: 'present-exit-button'};
  var id = map[event.key];
  if (!id) { return; }
  var button = document.getElementById(id);
  if (button) { event.preventDefault(); button.click(); }
});
