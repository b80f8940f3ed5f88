/**
 * The page's one script: draws the figures (data read as JSON, never evaluated) and folds code. Plain ES5
 * with no imports, since the page loads nothing and its CSP runs only scripts carrying the page's nonce.
 */
export const PAGE_SCRIPT = `(function () {
  var figs = JSON.parse(document.getElementById('taco-figures').textContent);
  var els = document.querySelectorAll('.taco-plot[data-figure]');
  for (var i = 0; i < els.length; i++) {
    var el = els[i], f = figs[Number(el.getAttribute('data-figure'))];
    if (!f || !window.Plotly) continue;
    el.innerHTML = '';
    var cfg = Object.assign({ responsive: true, displaylogo: false }, f.config || {});
    window.Plotly.newPlot(el, f.data, f.layout || {}, cfg);
  }
  function fold(open) { var d = document.querySelectorAll('details.src'); for (var i = 0; i < d.length; i++) d[i].open = open; }
  var b1 = document.getElementById('fold-all'), b2 = document.getElementById('unfold-all');
  if (b1) b1.addEventListener('click', function () { fold(false); });
  if (b2) b2.addEventListener('click', function () { fold(true); });
})();`;
