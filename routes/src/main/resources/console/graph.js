// Layered left-to-right graph drawing in plain SVG, for the flow map and the pipeline diagrams. No library:
// layers by longest path (cycles broken at their back edges), order within a layer by a few barycenter sweeps,
// cubic edges from the right side of a node to the left side of the next. All text goes in as text nodes.
'use strict';

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// nodes: [{id, ...}], edges: [{from, to, ...}]; rank(node) optional: a fixed layer for some nodes ('last' = rightmost).
// Returns {layers: Map id -> layer, order: [[id...] per layer], back: Set of edge indexes drawn backwards}.
function layeredLayout(nodes, edges, rank) {
  const ids = new Set(nodes.map(n => n.id));
  const live = edges.map((e, i) => ({ e, i })).filter(x => ids.has(x.e.from) && ids.has(x.e.to) && x.e.from !== x.e.to);
  const out = new Map(nodes.map(n => [n.id, []]));
  live.forEach(x => out.get(x.e.from).push(x));
  // break cycles: depth-first, an edge to a node still on the stack is a back edge
  const back = new Set(), state = new Map();
  const visit = (id) => {
    const stack = [[id, 0]];
    state.set(id, 1);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = out.get(top[0])[top[1]++];
      if (!next) { state.set(top[0], 2); stack.pop(); continue; }
      const s = state.get(next.e.to);
      if (s === 1) back.add(next.i);
      else if (!s) { state.set(next.e.to, 1); stack.push([next.e.to, 0]); }
    }
  };
  const indeg = new Map(nodes.map(n => [n.id, 0]));
  live.forEach(x => indeg.set(x.e.to, indeg.get(x.e.to) + 1));
  nodes.filter(n => indeg.get(n.id) === 0).forEach(n => { if (!state.get(n.id)) visit(n.id); });
  nodes.forEach(n => { if (!state.get(n.id)) visit(n.id); });
  const forward = live.filter(x => !back.has(x.i));
  // longest path layering in topological order
  const fin = new Map(nodes.map(n => [n.id, 0]));
  forward.forEach(x => fin.set(x.e.to, fin.get(x.e.to) + 1));
  const queue = nodes.filter(n => fin.get(n.id) === 0).map(n => n.id);
  const layer = new Map(nodes.map(n => [n.id, 0]));
  const fwdOut = new Map(nodes.map(n => [n.id, []]));
  forward.forEach(x => fwdOut.get(x.e.from).push(x.e.to));
  while (queue.length) {
    const id = queue.shift();
    for (const to of fwdOut.get(id)) {
      layer.set(to, Math.max(layer.get(to), layer.get(id) + 1));
      fin.set(to, fin.get(to) - 1);
      if (fin.get(to) === 0) queue.push(to);
    }
  }
  let max = 0;
  layer.forEach(l => { max = Math.max(max, l); });
  if (rank) {
    nodes.forEach(n => { if (rank(n) === 'last' && fwdOut.get(n.id).length === 0) layer.set(n.id, Math.max(max, layer.get(n.id))); });
  }
  // order within layers: start by input order, then barycenter sweeps
  const order = [];
  nodes.forEach(n => { const l = layer.get(n.id); (order[l] = order[l] || []).push(n.id); });
  for (let i = 0; i < order.length; i++) order[i] = order[i] || [];
  const preds = new Map(nodes.map(n => [n.id, []])), succs = new Map(nodes.map(n => [n.id, []]));
  forward.forEach(x => { preds.get(x.e.to).push(x.e.from); succs.get(x.e.from).push(x.e.to); });
  const position = new Map();
  const index = () => order.forEach(ids2 => ids2.forEach((id, i) => position.set(id, i)));
  index();
  for (let sweep = 0; sweep < 4; sweep++) {
    const down = sweep % 2 === 0;
    for (let k = 0; k < order.length; k++) {
      const l = down ? k : order.length - 1 - k;
      const near = down ? preds : succs;
      const bary = new Map(order[l].map((id, i) => {
        const ns = near.get(id);
        return [id, ns.length ? ns.reduce((s, p) => s + position.get(p), 0) / ns.length : i];
      }));
      order[l].sort((a, b) => bary.get(a) - bary.get(b));
      order[l].forEach((id, i) => position.set(id, i));
    }
  }
  return { layer, order, back };
}

// Draws the graph. opts: nodeWidth, nodeHeight, gapX, gapY, lines(node) -> [title, subtitle], nodeClass(node),
// nodeAttrs(node) -> extra attributes, edgeLabel(edge) -> text or null, edgeClass(edge), onClick(node), rank(node), tooltip(node).
function drawLayered(nodes, edges, opts) {
  const W = opts.nodeWidth || 190, H = opts.nodeHeight || 46, GX = opts.gapX || 110, GY = opts.gapY || 18, PAD = 16;
  const { layer, order, back } = layeredLayout(nodes, edges, opts.rank);
  const tallest = Math.max(1, ...order.map(l => l.length));
  const height = PAD * 2 + tallest * (H + GY) - GY;
  const width = PAD * 2 + order.length * (W + GX) - GX;
  const pos = new Map();
  order.forEach((ids, l) => {
    const offset = (tallest - ids.length) * (H + GY) / 2; // centre short columns
    ids.forEach((id, i) => pos.set(id, { x: PAD + l * (W + GX), y: PAD + offset + i * (H + GY) }));
  });
  const svg = svgEl('svg', { class: 'graph ' + (opts.className || ''), width, height, viewBox: `0 0 ${width} ${height}`,
    'data-nodes': nodes.length, 'data-edges': edges.length });
  svg.append(svgEl('defs', {}, svgEl('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7,
    markerHeight: 7, orient: 'auto-start-reverse' }, svgEl('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }))));
  const edgeLayer = svgEl('g', { class: 'edges' }), labelLayer = svgEl('g', { class: 'edge-labels' }), nodeLayer = svgEl('g', { class: 'nodes' });
  edges.forEach((e, i) => {
    const a = pos.get(e.from), b = pos.get(e.to);
    if (!a || !b) return;
    let d, mx, my;
    if (back.has(i) || b.x <= a.x) {
      // backwards: leave from the bottom, loop under both nodes, come back in from the left
      const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x, y2 = b.y + H / 2, drop = Math.max(a.y, b.y) + H + 30;
      d = `M ${x1} ${y1} C ${x1} ${drop}, ${x2 - 60} ${drop}, ${x2} ${y2}`;
      mx = (x1 + x2) / 2; my = drop - 6;
    } else {
      const x1 = a.x + W, y1 = a.y + H / 2, x2 = b.x, y2 = b.y + H / 2, c = Math.max(40, (x2 - x1) / 2);
      d = `M ${x1} ${y1} C ${x1 + c} ${y1}, ${x2 - c} ${y2}, ${x2} ${y2}`;
      mx = (x1 + x2) / 2; my = (y1 + y2) / 2 - 4;
    }
    const attrs = Object.assign({ d, class: 'edge ' + (opts.edgeClass ? opts.edgeClass(e) : ''), 'marker-end': 'url(#arrow)',
      'data-from': e.from, 'data-to': e.to }, opts.edgeAttrs ? opts.edgeAttrs(e) : {});
    edgeLayer.append(svgEl('path', attrs));
    const text = opts.edgeLabel ? opts.edgeLabel(e) : null;
    if (text) {
      labelLayer.append(svgEl('text', { x: mx, y: my, class: 'edge-label', 'text-anchor': 'middle', 'data-from': e.from, 'data-to': e.to },
        svgEl('title', {}, text), clipText(text, GX + 40)));
    }
  });
  nodes.forEach(n => {
    const p = pos.get(n.id);
    const [title, sub] = opts.lines(n);
    const g = svgEl('g', Object.assign({ class: 'node ' + (opts.nodeClass ? opts.nodeClass(n) : ''), transform: `translate(${p.x},${p.y})`,
      'data-node-id': n.id, tabindex: opts.onClick ? 0 : null, role: opts.onClick ? 'link' : null,
      onclick: opts.onClick ? () => opts.onClick(n) : null }, opts.nodeAttrs ? opts.nodeAttrs(n) : {}),
      svgEl('title', {}, opts.tooltip ? opts.tooltip(n) : [title, sub].filter(Boolean).join('\n')),
      svgEl('rect', { width: W, height: H, rx: 6, ry: 6 }),
      svgEl('text', { x: 10, y: sub ? 19 : H / 2 + 4, class: 'node-title' }, clipText(title, W)),
      sub ? svgEl('text', { x: 10, y: 36, class: 'node-sub' }, clipText(sub, W + 20)) : null);
    nodeLayer.append(g);
  });
  svg.append(edgeLayer, nodeLayer, labelLayer);
  if (opts.fit) {
    svg.classList.add('fit');
    if (opts.fitMin) svg.setAttribute('data-fit-min', opts.fitMin);
  }
  return svg;
}

// Text fit for a node of width w at ~7 px a character; the full text stays in the node's <title>.
function clipText(text, w) {
  const s = String(text === null || text === undefined ? '' : text);
  const max = Math.floor((w - 16) / 7);
  return s.length <= max ? s : s.substring(0, max - 1) + '…';
}

// Once in the page: a graph a little wider than its box shrinks to fit (text stays legible down to 55 %, or the
// graph's data-fit-min); a much wider one keeps its size and its box scrolls.
function fitGraphs(root) {
  root.querySelectorAll('svg.graph.fit').forEach(svg => {
    const natural = Number(svg.getAttribute('width'));
    const available = svg.parentElement.clientWidth - 2;
    const smallest = Number(svg.getAttribute('data-fit-min') || 0.55);
    if (natural > available && available / natural >= smallest) {
      svg.style.width = available + 'px';
      svg.style.height = 'auto';
    }
  });
}
