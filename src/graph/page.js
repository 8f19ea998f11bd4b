// vpclint graph: pan and zoom, details on click, findings that highlight their path.
// Everything is in this page: the layout was computed by vpclint, nothing is loaded.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('vpclint-data').textContent);
  var svg = document.getElementById('graph');
  var viewport = document.getElementById('viewport');
  var canvas = document.getElementById('canvas');
  var details = document.getElementById('details-body');
  var items = Array.prototype.slice.call(document.querySelectorAll('#findings li[data-finding]'));
  var view = { x: 0, y: 0, k: 1 };
  var selectedFinding = null;

  function apply() {
    viewport.setAttribute('transform', 'translate(' + view.x + ',' + view.y + ') scale(' + view.k + ')');
  }

  // Shows the box (in graph coordinates) whole, centred, at most at natural size.
  function fitBox(box, maxScale) {
    var r = canvas.getBoundingClientRect();
    if (!box || box.width <= 0 || r.width <= 0) { return; }
    var margin = 24;
    var k = Math.min((r.width - 2 * margin) / box.width, (r.height - 2 * margin) / box.height, maxScale);
    view.k = Math.max(k, 0.05);
    view.x = (r.width - box.width * view.k) / 2 - box.x * view.k;
    view.y = (r.height - box.height * view.k) / 2 - box.y * view.k;
    apply();
  }

  function fitAll() { fitBox({ x: 0, y: 0, width: data.width, height: data.height }, 1); }

  // Pan by dragging the background, zoom with the wheel around the pointer.
  var drag = null;
  canvas.addEventListener('pointerdown', function (e) {
    if (e.button !== 0 || e.target.closest('.node')) { return; }
    drag = { x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    canvas.classList.add('panning');
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', function (e) {
    if (!drag) { return; }
    view.x = drag.vx + e.clientX - drag.x;
    view.y = drag.vy + e.clientY - drag.y;
    apply();
  });
  function endDrag() { drag = null; canvas.classList.remove('panning'); }
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('wheel', function (e) {
    e.preventDefault();
    var r = canvas.getBoundingClientRect();
    var px = e.clientX - r.left;
    var py = e.clientY - r.top;
    var k = Math.min(Math.max(view.k * Math.exp(-e.deltaY * 0.0015), 0.05), 4);
    view.x = px - (px - view.x) * (k / view.k);
    view.y = py - (py - view.y) * (k / view.k);
    view.k = k;
    apply();
  }, { passive: false });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) { e.textContent = text; }
    if (cls) { e.className = cls; }
    return e;
  }

  function findingItem(index) {
    var f = data.findings[index];
    var li = el('li');
    li.className = 'sev-' + f.severity;
    li.appendChild(el('span', f.rule + ' ', 'rule'));
    li.appendChild(el('span', f.severity, 'sev'));
    li.appendChild(el('div', f.message));
    li.addEventListener('click', function () { selectFinding(index); });
    return li;
  }

  function showNode(id) {
    var n = data.nodes[id];
    if (!n) { return; }
    Array.prototype.forEach.call(document.querySelectorAll('.node.selected'), function (e) { e.classList.remove('selected'); });
    var g = document.getElementById(id);
    if (g) { g.classList.add('selected'); }
    details.textContent = '';
    details.appendChild(el('code', n.address));
    var dl = el('dl');
    function row(k, v) { dl.appendChild(el('dt', k)); var dd = el('dd'); if (typeof v === 'string') { dd.textContent = v; } else { dd.appendChild(v); } dl.appendChild(dd); }
    row('type', n.type);
    if (n.location) { row('at', n.location); }
    if (n.unit) { row('unit', n.unit); }
    details.appendChild(dl);
    function list(title, values) {
      if (!values || !values.length) { return; }
      details.appendChild(el('h2', title));
      var ul = el('ul');
      values.forEach(function (v) { ul.appendChild(el('li', v)); });
      details.appendChild(ul);
    }
    list('Details', n.details);
    list('Also drawn here', n.members);
    list('Not checked', n.unchecked);
    if (n.findings.length) {
      details.appendChild(el('h2', 'Findings'));
      var ol = el('ol');
      ol.id = 'node-findings';
      n.findings.forEach(function (i) { ol.appendChild(findingItem(i)); });
      details.appendChild(ol);
    }
  }

  function clearFinding() {
    selectedFinding = null;
    svg.classList.remove('focused');
    Array.prototype.forEach.call(svg.querySelectorAll('.hl, .hl-parent'), function (e) {
      e.classList.remove('hl', 'hl-parent', 'hl-error', 'hl-warning', 'hl-info');
    });
    items.forEach(function (li) { li.classList.remove('active'); });
  }

  function selectFinding(index) {
    var f = data.findings[index];
    if (!f) { return; }
    clearFinding();
    selectedFinding = index;
    svg.classList.add('focused');
    var box = null;
    f.nodes.forEach(function (id) {
      var g = document.getElementById(id);
      if (!g) { return; }
      // In the colour of this finding's severity, whatever else crosses the node.
      g.classList.add('hl', 'hl-' + f.severity);
      var b = g.getBBox();
      box = box ? {
        x: Math.min(box.x, b.x), y: Math.min(box.y, b.y),
        width: Math.max(box.x + box.width, b.x + b.width) - Math.min(box.x, b.x),
        height: Math.max(box.y + box.height, b.y + b.height) - Math.min(box.y, b.y)
      } : { x: b.x, y: b.y, width: b.width, height: b.height };
      var parent = data.nodes[id] && data.nodes[id].parent;
      while (parent) {
        var p = document.getElementById(parent);
        if (p) { p.classList.add('hl-parent'); }
        parent = data.nodes[parent] && data.nodes[parent].parent;
      }
      var unit = document.querySelector('.unit[data-unit="' + g.getAttribute('data-unit') + '"]');
      if (unit) { unit.classList.add('hl-parent'); }
    });
    f.edges.forEach(function (id) {
      var e = document.getElementById(id);
      if (e) { e.classList.add('hl', 'hl-' + f.severity); }
    });
    items.forEach(function (li) { li.classList.toggle('active', Number(li.dataset.finding) === index); });
    if (box) {
      fitBox({ x: box.x - 40, y: box.y - 40, width: box.width + 80, height: box.height + 80 }, 1.5);
    }
    if (history.replaceState) { history.replaceState(null, '', '#finding-' + index); }
  }

  items.forEach(function (li) {
    li.addEventListener('click', function () {
      var i = Number(li.dataset.finding);
      if (selectedFinding === i) { clearFinding(); fitAll(); } else { selectFinding(i); }
    });
    li.addEventListener('keydown', function (e) { if (e.key === 'Enter') { li.click(); } });
  });
  Array.prototype.forEach.call(document.querySelectorAll('.node'), function (g) {
    g.addEventListener('click', function (e) { e.stopPropagation(); showNode(g.id); });
  });
  document.getElementById('fit').addEventListener('click', function () { fitAll(); });
  document.getElementById('clear').addEventListener('click', function () { clearFinding(); fitAll(); });
  window.addEventListener('resize', function () { if (selectedFinding === null) { fitAll(); } });

  fitAll();
  var hash = /^#(finding|node)-(.+)$/.exec(location.hash);
  if (hash && hash[1] === 'finding') { selectFinding(Number(hash[2])); }
  if (hash && hash[1] === 'node') { showNode(hash[2]); }
  document.documentElement.setAttribute('data-ready', 'true');
})();
