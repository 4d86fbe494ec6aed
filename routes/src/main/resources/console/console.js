// Busbar console: plain JS over the admin API (/api/...). No build step, no external resources.
// Every value from the API is put in the page as text (never as HTML), so record contents cannot inject markup.
'use strict';

const REFRESH_MS = 2000;
const VIEWS = ['flows', 'topics', 'groups', 'pipelines'];
const state = { view: 'flows', selected: null, history: [], timer: null, form: {}, browse: null, tail: [],
  preview: null, notice: null };

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.substring(2), v);
    else if (v !== undefined && v !== null) el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

async function api(path, options) {
  const headers = { 'Content-Type': 'application/json' };
  const token = localStorage.getItem('busbar.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const response = await fetch(path, Object.assign({ headers }, options || {}));
  if (response.status === 401) {
    document.getElementById('token-form').hidden = false;
    throw new Error('The admin API needs a token: enter busbar.admin.token above');
  }
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body && body.error ? body.error : 'HTTP ' + response.status);
  return body;
}

// An input whose value survives the view's periodic re-render (kept in state.form under `name`).
function field(name, attrs, fallback) {
  const tag = attrs && attrs.tag === 'textarea' ? 'textarea' : attrs && attrs.tag === 'select' ? 'select' : 'input';
  const a = Object.assign({}, attrs || {});
  delete a.tag;
  const options = a.options;
  delete a.options;
  const el = h(tag, Object.assign({ name, 'data-form': name }, a), (options || []).map(o => h('option', { value: o[0] }, o[1])));
  if (state.form[name] === undefined && fallback !== undefined) state.form[name] = fallback; // what the field shows is what is sent
  const value = state.form[name] !== undefined ? state.form[name] : '';
  if (tag === 'input' && a.type === 'checkbox') el.checked = Boolean(value);
  else el.value = value;
  const keep = () => { state.form[name] = a.type === 'checkbox' ? el.checked : el.value; };
  el.addEventListener('input', keep);
  el.addEventListener('change', keep);
  return el;
}
function formValue(name, fallback) { return state.form[name] !== undefined && state.form[name] !== '' ? state.form[name] : fallback; }
function notice() { return state.notice ? h('p', { class: 'notice', id: 'notice' }, state.notice) : ''; }

async function apiAction(path, options, success) {
  try {
    const result = await api(path, options);
    state.notice = success ? success(result) : null;
    await refresh();
    return result;
  } catch (e) {
    showError(e);
    return null;
  }
}

function fmtNum(n) { return Number(n || 0).toLocaleString('en-US'); }
function fmtBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = Number(n || 0), i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? v : v.toFixed(1)) + ' ' + units[i];
}
function fmtTime(ms) { return ms > 0 ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : '-'; }
function fmtRate(r) { return (Number(r) || 0).toFixed(1) + '/s'; }

function num(field, value, key, text) {
  return h('td', { class: 'num', 'data-field': field, 'data-key': key, 'data-value': value }, text === undefined ? fmtNum(value) : text);
}

// A line chart of [time, value] points: inline SVG stretched to the width, with an HTML caption (so text is not stretched).
function chart(points, label) {
  const w = 600, ht = 100, pad = 6;
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('viewBox', `0 0 ${w} ${ht}`);
  svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('data-points', String(points.length));
  if (points.length < 2) {
    return h('figure', { class: 'chart' }, h('figcaption', {}, label + ': collecting samples...'), svg);
  }
  const t0 = points[0][0], t1 = points[points.length - 1][0];
  const max = Math.max(1, ...points.map(p => p[1]));
  const coords = points.map(([t, v]) =>
    `${(pad + (w - 2 * pad) * (t - t0) / Math.max(1, t1 - t0)).toFixed(1)},${(ht - pad - (ht - 2 * pad) * v / max).toFixed(1)}`);
  const line = document.createElementNS(svg.namespaceURI, 'polyline');
  line.setAttribute('points', coords.join(' '));
  line.setAttribute('vector-effect', 'non-scaling-stroke');
  svg.append(line);
  return h('figure', { class: 'chart' },
    h('figcaption', {}, `${label} · max ${fmtNum(Math.round(max * 10) / 10)} · last ${Math.round((t1 - t0) / 1000)} s`), svg);
}

// Per-second rate between consecutive samples of a counter.
function rateSeries(pick) {
  const out = [];
  for (let i = 1; i < state.history.length; i++) {
    const a = state.history[i - 1], b = state.history[i];
    const va = pick(a), vb = pick(b);
    if (va === undefined || vb === undefined) continue;
    out.push([b.time, Math.max(0, (vb - va) * 1000 / Math.max(1, b.time - a.time))]);
  }
  return out;
}

function showRecord(record) {
  document.getElementById('record-json').textContent = JSON.stringify(record, null, 2);
  document.getElementById('record-dialog').showModal();
}

function recordsTable(records) {
  return h('table', { id: 'records-table' },
    h('tr', {}, h('th', {}, 'Partition'), h('th', { class: 'num' }, 'Offset'), h('th', {}, 'Time'), h('th', {}, 'Key'),
      h('th', {}, 'Value'), h('th', {}, '')),
    records.map(r => h('tr', { 'data-offset': r.offset },
      h('td', {}, r.partition), h('td', { class: 'num' }, r.offset), h('td', {}, fmtTime(r.timestamp)),
      h('td', {}, r.key === null ? '-' : r.key), h('td', { class: 'value' }, r.value === null ? '-' : r.value),
      h('td', {}, h('button', { onclick: () => showRecord(r) }, 'View')))));
}

function sourceTopic(source) {
  const m = /^bus:(?:\/\/)?([^?]+)/.exec(source || '');
  return m ? m[1] : null;
}

function sourceGroup(source) {
  const m = /[?&]groupId=([^&]+)/.exec(source || '');
  return m ? decodeURIComponent(m[1]) : null;
}


// ---- Flow map: the whole bus, sources -> topics -> pipelines -> topics -> sinks ----

const KIND_ORDER = { source: 0, topic: 1, pipeline: 2, client: 3, sink: 4 };

function fmtEdge(e) {
  const parts = [];
  if (e.ratePerSecond !== null && e.ratePerSecond !== undefined) parts.push(fmtRate(e.ratePerSecond));
  if (e.lag !== null && e.lag !== undefined) parts.push('lag ' + fmtNum(e.lag));
  return parts.length ? parts.join(' · ') : null;
}

async function renderFlows(view) {
  const map = await api('/api/flows');
  const nodes = map.nodes.slice().sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.label.localeCompare(b.label));
  const counts = {};
  nodes.forEach(n => { counts[n.kind] = (counts[n.kind] || 0) + 1; });
  view.append(h('h2', {}, 'Flow map'),
    h('p', { class: 'muted' }, ['source', 'topic', 'pipeline', 'sink', 'client']
      .map(k => fmtNum(counts[k] || 0) + ' ' + (k === 'client' ? 'other consumer group' : k) + ((counts[k] || 0) === 1 ? '' : 's')).join(' · ')
      + ' · edges show records/s (exchanges/s where marked) and the group\'s lag'),
    h('div', { class: 'legend' }, ['source', 'topic', 'pipeline', 'sink', 'client'].map(k => h('span', { class: 'key kind-' + k }, k === 'client' ? 'consumer group' : k))));
  const svg = drawLayered(nodes, map.edges, {
    className: 'flow-map', nodeWidth: 180, nodeHeight: 44, gapX: 96, fit: true, fitMin: 0.5,
    rank: n => (n.kind === 'sink' || n.kind === 'client') ? 'last' : null,
    lines: n => [n.label, n.kind === 'pipeline' ? 'pipeline · ' + (n.detail || '') : n.kind === 'topic' ? 'topic' : n.detail || n.type],
    nodeClass: n => 'kind-' + n.kind + ' type-' + n.type + (n.kind === 'pipeline' && n.detail !== 'running' ? ' not-running' : ''),
    nodeAttrs: n => ({ 'data-kind': n.kind, 'data-link': n.link }),
    tooltip: n => [n.label, n.detail, n.link ? 'click: open ' + n.link : null].filter(Boolean).join('\n'),
    edgeClass: e => 'kind-' + e.kind,
    edgeAttrs: e => ({ 'data-rate': e.ratePerSecond === null || e.ratePerSecond === undefined ? '' : e.ratePerSecond.toFixed(2),
      'data-lag': e.lag === null || e.lag === undefined ? '' : e.lag, 'data-group': e.group }),
    edgeLabel: e => {
      const t = fmtEdge(e);
      return t && e.rateOf === 'pipeline' ? t.replace('/s', ' ex/s') : t;
    },
    onClick: n => { if (n.link) location.hash = n.link.substring(1); }
  });
  view.append(h('div', { class: 'graph-scroll', id: 'flow-map' }, svg));
  if (map.notes.length) view.append(h('ul', { class: 'notes muted' }, map.notes.map(t => h('li', {}, t))));
}

// ---- Topics: list, create, browse (offset, time, key), tail, produce, delete ----

async function renderTopics(view) {
  const topics = await api('/api/topics');
  view.append(h('h2', {}, 'Topics'), notice(), h('table', { id: 'topics-table' },
    h('tr', {}, h('th', {}, 'Topic'), h('th', { class: 'num' }, 'Partitions'), h('th', { class: 'num' }, 'Records'),
      h('th', { class: 'num' }, 'End offset'), h('th', { class: 'num' }, 'Size'), h('th', { class: 'num' }, 'In rate')),
    topics.map(t => h('tr', { class: 'clickable' + (state.selected === t.name ? ' selected' : ''), 'data-topic': t.name,
        onclick: () => { location.hash = 'topics/' + encodeURIComponent(t.name); } },
      h('td', {}, t.name), num('partitions', t.partitions, t.name), num('records', t.records, t.name),
      num('endOffset', t.endOffset, t.name), num('sizeBytes', t.sizeBytes, t.name, fmtBytes(t.sizeBytes)),
      num('rate', 0, t.name, fmtRate(last(rateSeries(s => s.topics[t.name] && s.topics[t.name].recordsIn))))))),
    h('form', { class: 'inline-form', id: 'create-topic', onsubmit: ev => { ev.preventDefault(); createTopic(); } },
      h('b', {}, 'New topic '), field('create.name', { placeholder: 'name', required: 'required' }),
      field('create.partitions', { type: 'number', min: 1, placeholder: 'partitions', style: 'width:7em' }, '1'),
      field('create.retention', { placeholder: 'retention.ms (optional)' }),
      h('button', { type: 'submit' }, 'Create')));
  const name = state.selected && topics.some(t => t.name === state.selected) ? state.selected : null;
  if (!name) {
    view.append(h('p', { class: 'muted' }, 'Select a topic to see its partitions, browse its records and produce to it.'));
    return;
  }
  const topic = await api('/api/topics/' + encodeURIComponent(name));
  const browse = state.browse && state.browse.topic === name ? state.browse : null;
  const result = browse ? await browseRecords(name, browse) : await api('/api/topics/' + encodeURIComponent(name) + '/records?from=recent&limit=20');
  let records = result.records.slice().sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
  if (formValue('tail.' + name, false)) records = mergeTail(records);
  view.append(h('h2', {}, 'Topic ' + name, ' ', h('button', { class: 'danger', id: 'delete-topic', onclick: () => deleteTopic(name) }, 'Delete topic')),
    h('p', { class: 'muted' }, 'id ' + topic.topicId + ' · ' + Object.entries(topic.config).map(([k, v]) => k + '=' + v).join(', ')),
    chart(rateSeries(s => s.topics[name] && s.topics[name].recordsIn), 'records in per second'),
    h('h3', {}, 'Partitions'),
    h('table', { id: 'partitions-table' },
      h('tr', {}, h('th', {}, 'Partition'), h('th', { class: 'num' }, 'Start'), h('th', { class: 'num' }, 'End'),
        h('th', { class: 'num' }, 'Records'), h('th', { class: 'num' }, 'Size')),
      topic.partitions.map(p => h('tr', {}, h('td', {}, p.partition), num('start', p.startOffset, p.partition),
        num('end', p.endOffset, p.partition), num('records', p.records, p.partition),
        num('size', p.sizeBytes, p.partition, fmtBytes(p.sizeBytes))))),
    browseForm(name, topic),
    h('h3', {}, browse ? browseTitle(browse, result) : 'Recent records, all partitions (newest first)'),
    recordsTable(records),
    produceForm(name));
}

function browseForm(name, topic) {
  return h('form', { class: 'inline-form', id: 'browse-form', onsubmit: ev => { ev.preventDefault(); startBrowse(name); } },
    h('b', {}, 'Browse '),
    field('browse.partition', { tag: 'select', options: [['', 'all partitions']].concat(topic.partitions.map(p => [String(p.partition), 'partition ' + p.partition])) }),
    field('browse.mode', { tag: 'select', options: [['recent', 'newest'], ['earliest', 'from the start'], ['offset', 'from offset'], ['time', 'from time (UTC)'], ['key', 'by key']] }, 'recent'),
    field('browse.value', { placeholder: 'offset, 2026-01-31 12:00:00 or key' }),
    field('browse.limit', { type: 'number', min: 1, max: 10000, style: 'width:6em', title: 'records' }, '50'),
    h('button', { type: 'submit' }, 'Browse'),
    h('label', { class: 'tail' }, field('tail.' + name, { type: 'checkbox', id: 'tail' }), ' live tail'));
}

function startBrowse(name) {
  const mode = formValue('browse.mode', 'recent');
  const value = String(formValue('browse.value', '')).trim();
  if ((mode === 'offset' || mode === 'time' || mode === 'key') && !value) {
    showError(new Error('Browse ' + mode + ': enter the ' + (mode === 'time' ? 'time (e.g. 2026-01-31 12:00:00, UTC)' : mode) + ' first'));
    return;
  }
  state.browse = { topic: name, mode, value, partition: formValue('browse.partition', ''), limit: formValue('browse.limit', '50') };
  refresh();
}

function parseTime(text) {
  if (/^\d{10,}$/.test(text)) return Number(text);
  const ms = Date.parse(text.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'));
  if (Number.isNaN(ms)) throw new Error('Time "' + text + '" is not understood: use 2026-01-31 12:00:00 (UTC) or epoch milliseconds');
  return ms;
}

async function browseRecords(name, b) {
  const base = '/api/topics/' + encodeURIComponent(name);
  const partition = b.partition !== '' ? '&partition=' + encodeURIComponent(b.partition) : '';
  const limit = '&limit=' + encodeURIComponent(b.limit || 50);
  if (b.mode === 'key') return api(base + '/search?key=' + encodeURIComponent(b.value) + partition + limit);
  if (b.mode === 'offset') return api(base + '/records?offset=' + encodeURIComponent(b.value) + partition + limit);
  if (b.mode === 'time') return api(base + '/records?timestamp=' + parseTime(b.value) + partition + limit);
  return api(base + '/records?from=' + (b.mode === 'earliest' ? 'earliest' : 'recent') + partition + limit);
}

function browseTitle(b, result) {
  const where = b.partition !== '' ? 'partition ' + b.partition : 'all partitions';
  const what = { recent: 'Newest records', earliest: 'From the start', offset: 'From offset ' + b.value,
    time: 'From ' + b.value + ' (UTC)', key: 'Records with key "' + b.value + '"' }[b.mode];
  const extra = b.mode === 'key' ? ' · scanned ' + fmtNum(result.scanned) + (result.complete ? ' (all)' : ' (the newest only: raise the scan to look further)') : '';
  return what + ', ' + where + extra;
}

// Live tail: every refresh brings the newest records; new ones join the top of the list (kept: 200).
function mergeTail(records) {
  const seen = new Set(state.tail.map(r => r.partition + '@' + r.offset));
  const fresh = records.filter(r => !seen.has(r.partition + '@' + r.offset));
  state.tail = fresh.concat(state.tail).sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset).slice(0, 200);
  return state.tail;
}

function produceForm(name) {
  return h('form', { class: 'stacked-form', id: 'produce-form', onsubmit: ev => { ev.preventDefault(); produce(name); } },
    h('h3', {}, 'Produce a record'),
    h('label', {}, 'Key ', field('produce.key', { placeholder: '(none)' })),
    h('label', {}, 'Partition ', field('produce.partition', { type: 'number', min: 0, placeholder: 'by key', style: 'width:7em' })),
    h('label', { class: 'wide' }, 'Value', field('produce.value', { tag: 'textarea', rows: 3, placeholder: 'text or JSON' })),
    h('label', { class: 'wide' }, 'Headers (one name: value a line)', field('produce.headers', { tag: 'textarea', rows: 2 })),
    h('button', { type: 'submit' }, 'Produce'));
}

async function produce(name) {
  const record = { value: formValue('produce.value', '') };
  const key = formValue('produce.key', '');
  if (key !== '') record.key = key;
  const partition = formValue('produce.partition', '');
  if (partition !== '') record.partition = Number(partition);
  const headers = {};
  for (const line of String(formValue('produce.headers', '')).split('\n')) {
    if (!line.trim()) continue;
    const i = line.indexOf(':');
    if (i <= 0) { showError(new Error('Header line "' + line + '" needs the form name: value')); return; }
    headers[line.substring(0, i).trim()] = line.substring(i + 1).trim();
  }
  if (Object.keys(headers).length) record.headers = headers;
  await apiAction('/api/topics/' + encodeURIComponent(name) + '/records', { method: 'POST', body: JSON.stringify({ records: [record] }) },
    r => 'Produced to ' + name + ' partition ' + r.records[0].partition + ' at offset ' + r.records[0].offset);
}

async function createTopic() {
  const body = { name: formValue('create.name', ''), partitions: Number(formValue('create.partitions', '1')) };
  const retention = formValue('create.retention', '');
  if (retention !== '') body.config = { 'retention.ms': String(retention) };
  const created = await apiAction('/api/topics', { method: 'POST', body: JSON.stringify(body) }, t => 'Created topic ' + t.name);
  if (created) { state.form['create.name'] = ''; location.hash = 'topics/' + encodeURIComponent(created.name); }
}

async function deleteTopic(name) {
  if (!confirm('Delete topic ' + name + ' and all its records? This cannot be undone.')) return;
  try {
    await api('/api/topics/' + encodeURIComponent(name), { method: 'DELETE' });
  } catch (e) {
    showError(e);
    return;
  }
  location.hash = 'topics';
  state.notice = 'Deleted topic ' + name;
}

// ---- Consumer groups: lag, members, offset reset with a dry-run preview ----

async function renderGroups(view) {
  const groups = await api('/api/groups');
  view.append(h('h2', {}, 'Consumer groups'), notice(), h('table', { id: 'groups-table' },
    h('tr', {}, h('th', {}, 'Group'), h('th', {}, 'State'), h('th', { class: 'num' }, 'Members'), h('th', { class: 'num' }, 'Lag')),
    groups.map(g => h('tr', { class: 'clickable' + (state.selected === g.groupId ? ' selected' : ''), 'data-group': g.groupId,
        onclick: () => { location.hash = 'groups/' + encodeURIComponent(g.groupId); } },
      h('td', {}, g.groupId), h('td', {}, g.state), num('members', g.members, g.groupId), num('lag', g.lag, g.groupId)))));
  const id = state.selected && groups.some(g => g.groupId === state.selected) ? state.selected
    : (groups.length ? groups[0].groupId : null);
  if (!id) {
    view.append(h('p', { class: 'muted' }, 'No consumer groups yet.'));
    return;
  }
  const g = await api('/api/groups/' + encodeURIComponent(id));
  const lagSeries = state.history.filter(s => s.groupLag[id] !== undefined).map(s => [s.time, s.groupLag[id]]);
  view.append(h('h2', {}, 'Group ' + id + ' · ' + g.state + ' · generation ' + g.generation),
    h('h3', {}, 'Lag over time'), chart(lagSeries, 'lag of ' + id),
    h('h3', {}, 'Members'),
    g.members.length === 0 ? h('p', { class: 'muted' }, 'No members.') : h('table', { id: 'members-table' },
      h('tr', {}, h('th', {}, 'Member'), h('th', {}, 'Client'), h('th', {}, 'Host'), h('th', {}, 'Assignment')),
      g.members.map(m => h('tr', {}, h('td', {}, m.memberId), h('td', {}, m.clientId), h('td', {}, m.host),
        h('td', {}, m.assignment.join(', '))))),
    h('h3', {}, 'Lag per partition'),
    h('table', { id: 'lag-table' },
      h('tr', {}, h('th', {}, 'Topic'), h('th', {}, 'Partition'), h('th', { class: 'num' }, 'Committed'),
        h('th', { class: 'num' }, 'End'), h('th', { class: 'num' }, 'Lag')),
      g.partitions.map(p => h('tr', { 'data-partition': p.topic + '-' + p.partition }, h('td', {}, p.topic),
        h('td', {}, p.partition), num('committed', p.committedOffset, p.partition), num('end', p.endOffset, p.partition),
        num('lag', p.lag, p.topic + '-' + p.partition)))),
    resetForm(id, g));
}

function resetForm(id, g) {
  const topics = Array.from(new Set(g.partitions.map(p => p.topic))).sort();
  const preview = state.preview && state.preview.groupId === id ? state.preview : null;
  return h('div', { class: 'reset', id: 'reset-offsets' },
    h('h3', {}, 'Reset offsets'),
    g.members.length ? h('p', { class: 'muted' }, 'The group has members: stop its pipeline or clients before applying (the preview works now).') : null,
    h('form', { class: 'inline-form', onsubmit: ev => { ev.preventDefault(); resetOffsets(id, true); } },
      topics.length ? field('reset.topic', { tag: 'select', options: topics.map(t => [t, t]) }, topics[0]) : field('reset.topic', { placeholder: 'topic' }),
      field('reset.to', { tag: 'select', options: [['earliest', 'to earliest'], ['latest', 'to latest'], ['offset', 'to offset'], ['timestamp', 'to time (UTC)']] }, 'earliest'),
      field('reset.value', { placeholder: 'offset or 2026-01-31 12:00:00' }),
      h('button', { type: 'submit', id: 'reset-preview' }, 'Preview')),
    preview ? h('div', { id: 'reset-result' },
      h('table', { id: 'reset-table' },
        h('tr', {}, h('th', {}, 'Topic'), h('th', {}, 'Partition'), h('th', { class: 'num' }, 'Current'), h('th', {}, ''),
          h('th', { class: 'num' }, 'New'), h('th', { class: 'num' }, 'Records to (re)read')),
        preview.partitions.map(p => h('tr', { 'data-partition': p.topic + '-' + p.partition },
          h('td', {}, p.topic), h('td', {}, p.partition),
          h('td', { class: 'num', 'data-field': 'current' }, p.currentOffset === null ? 'none' : fmtNum(p.currentOffset)),
          h('td', {}, '→'), h('td', { class: 'num', 'data-field': 'new' }, fmtNum(p.newOffset)),
          h('td', { class: 'num' }, fmtNum(p.endOffset - p.newOffset))))),
      preview.dryRun
        ? h('p', {}, 'Preview only: nothing moved yet. ', h('button', { id: 'reset-apply', class: 'danger', onclick: () => resetOffsets(id, false) }, 'Apply reset'))
        : h('p', { class: 'notice' }, 'Applied: the group now starts at the new offsets.')) : null);
}

async function resetOffsets(id, dryRun) {
  const to = formValue('reset.to', 'earliest');
  const body = { topic: formValue('reset.topic', ''), to, dryRun };
  const value = String(formValue('reset.value', '')).trim();
  try {
    if (to === 'offset') body.value = Number(value);
    if (to === 'timestamp') body.value = parseTime(value);
    if ((to === 'offset' || to === 'timestamp') && (value === '' || Number.isNaN(body.value))) throw new Error('Reset ' + to + ': enter the ' + (to === 'offset' ? 'offset' : 'time') + ' first');
  } catch (e) { showError(e); return; }
  const result = await apiAction('/api/groups/' + encodeURIComponent(id) + '/reset-offsets', { method: 'POST', body: JSON.stringify(body) });
  if (result) { state.preview = result; await refresh(); }
}

// ---- Pipelines: cards with the step graph, figures, errors and dead letters ----

function stepGraph(p) {
  const g = p.graph || { nodes: [], edges: [] };
  return h('div', { class: 'graph-scroll' }, drawLayered(g.nodes, g.edges, {
    className: 'step-graph', nodeWidth: 200, nodeHeight: 44, gapX: state.selected ? 150 : 100, gapY: 16, fit: true,
    lines: n => [n.label, [n.detail, fmtNum(n.exchanges) + ' ex' + (n.failures ? ' · ' + fmtNum(n.failures) + ' failed' : '')].filter(Boolean).join(' · ')],
    nodeClass: n => 'step-' + n.kind + (n.failures > 0 ? ' failing' : '') + (n.link ? ' linked' : ''),
    nodeAttrs: n => ({ 'data-kind': n.kind, 'data-exchanges': n.exchanges, 'data-failures': n.failures }),
    tooltip: n => [n.kind + ': ' + n.label, n.detail, fmtNum(n.exchanges) + ' exchanges, ' + fmtNum(n.failures) + ' failed',
      n.lastError ? 'last error ' + fmtTime(n.lastError.at) + ': ' + n.lastError.exceptionClass + ': ' + n.lastError.message : null].filter(Boolean).join('\n'),
    edgeLabel: e => e.label,
    onClick: n => { if (n.link) location.hash = n.link.substring(1); }
  }));
}

function stepErrors(p) {
  const failing = ((p.graph && p.graph.nodes) || []).filter(n => n.lastError && n.kind !== 'from');
  if (!failing.length) return null;
  return h('ul', { class: 'step-errors' }, failing.map(n => h('li', { 'data-step': n.id },
    n.label + ': ' + n.lastError.exceptionClass.replace(/^.*\./, '') + ': ' + n.lastError.message + ' (' + fmtTime(n.lastError.at) + ')')));
}

async function renderPipelines(view) {
  const [all, dlqs] = await Promise.all([api('/api/pipelines'), api('/api/dlq')]);
  const pipelines = state.selected && all.some(p => p.id === state.selected) ? all.filter(p => p.id === state.selected) : all;
  view.append(h('h2', {}, 'Pipelines', state.selected ? h('a', { href: '#pipelines', class: 'small' }, ' (show all ' + all.length + ')') : null));
  const grid = h('div', { class: state.selected ? 'single' : 'grid' });
  view.append(grid);
  for (const p of pipelines) {
    const topic = sourceTopic(p.source);
    const dlq = topic ? dlqs.find(d => d.topic === topic + '.dlq') : null;
    const card = h('section', { class: 'card', 'data-pipeline': p.id },
      h('h2', {}, h('a', { href: '#pipelines/' + encodeURIComponent(p.id) }, p.id),
        h('span', { class: 'badge ' + p.status, 'data-field': 'status' }, p.status),
        h('button', { onclick: () => act('/api/pipelines/' + encodeURIComponent(p.id) + (p.status === 'running' ? '/stop' : '/start')) },
          p.status === 'running' ? 'Stop' : 'Start')),
      stepGraph(p),
      h('div', { class: 'figures' },
        figure('exchanges', fmtNum(p.exchanges), p.exchanges), figure('failures', fmtNum(p.failures), p.failures),
        figure('records out', fmtNum(p.recordsOut), p.recordsOut), figure('rate', fmtRate(p.ratePerSecond), p.ratePerSecond),
        figure('mean latency', (p.meanLatencyMs || 0).toFixed(1) + ' ms', p.meanLatencyMs),
        figure('in flight', fmtNum(p.inflight), p.inflight)),
      chart(state.history.filter(s => s.pipelines[p.id]).map(s => [s.time, s.pipelines[p.id].ratePerSecond]), 'exchanges per second'),
      p.lastError ? h('p', { class: 'last-error' }, 'Last error ' + fmtTime(p.lastError.at) + ': ' + p.lastError.exceptionClass + ': ' + p.lastError.message) : null,
      stepErrors(p));
    // only where this pipeline's group has dead letters (a dead-letter topic can be shared by several groups)
    const section = dlq && dlq.records > 0 ? await deadLetters(dlq, sourceGroup(p.source)) : null;
    if (section) card.append(section);
    grid.append(card);
  }
}

function figure(label, text, value) {
  return h('div', { class: 'figure', 'data-field': label.replace(/ /g, '-'), 'data-value': value }, h('b', {}, text), h('span', {}, label));
}

async function deadLetters(dlq, group) {
  const inspection = await api('/api/dlq/' + encodeURIComponent(dlq.topic) + '?from=recent&limit=10');
  const records = inspection.records.filter(d => !group || !d.groupId || d.groupId === group);
  if (records.length === 0) return null;
  return h('div', { class: 'dlq', 'data-dlq': dlq.topic },
    h('h3', {}, 'Dead letters in ' + dlq.topic + ': ' + fmtNum(dlq.records) + ' (' + fmtNum(dlq.pending) + ' not replayed) ',
      dlq.pending > 0 ? h('button', { onclick: () => act('/api/dlq/' + encodeURIComponent(dlq.topic) + '/replay', '{}') }, 'Replay') : null),
    h('table', {},
      h('tr', {}, h('th', {}, 'Offset'), h('th', {}, 'Source'), h('th', {}, 'Reason'), h('th', {}, 'Value'), h('th', {}, '')),
      records.map(d => h('tr', {}, h('td', {}, d.record.partition + '@' + d.record.offset), h('td', {}, d.source || '-'),
        h('td', {}, (d.reason || d.exceptionClass || '-')), h('td', { class: 'value' }, d.record.value === null ? '-' : d.record.value),
        h('td', {}, h('button', { onclick: () => showRecord(d) }, 'View'))))));
}

async function act(path, body) {
  try {
    await api(path, { method: 'POST', body: body || '{}' });
    await refresh();
  } catch (e) {
    showError(e);
  }
}

function last(series) { return series.length ? series[series.length - 1][1] : 0; }

function showError(e) {
  const banner = document.getElementById('error');
  banner.textContent = e.message;
  banner.hidden = false;
}

// Not while the user types in a form of the view: a re-render would take the focus away.
function editing() {
  const a = document.activeElement;
  return a && a.closest && a.closest('#view') && ['INPUT', 'TEXTAREA', 'SELECT'].includes(a.tagName);
}

async function refresh() {
  if (editing()) return;
  try {
    const since = state.history.length ? state.history[state.history.length - 1].time : 0;
    state.history = state.history.concat(await api('/api/metrics/history?since=' + since)).slice(-300);
    const view = h('main', { id: 'view', 'data-view': state.view });
    const render = { flows: renderFlows, topics: renderTopics, groups: renderGroups, pipelines: renderPipelines }[state.view];
    await render(view);
    document.getElementById('view').replaceWith(view);
    fitGraphs(view);
    document.getElementById('error').hidden = true;
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-rendered', String(Date.now()));
  } catch (e) {
    showError(e);
  }
}

function route() {
  const [view, selected] = (location.hash.replace(/^#/, '') || 'flows').split('/');
  const before = state.view + '/' + state.selected;
  state.view = VIEWS.includes(view) ? view : 'flows';
  state.selected = selected ? decodeURIComponent(selected) : null;
  if (before !== state.view + '/' + state.selected) { state.notice = null; state.tail = []; state.preview = null; }
  document.querySelectorAll('nav a').forEach(a => a.classList.toggle('active', a.dataset.view === state.view));
  refresh();
}

document.getElementById('token-save').addEventListener('click', () => {
  localStorage.setItem('busbar.token', document.getElementById('token').value);
  document.getElementById('token-form').hidden = true;
  refresh();
});
window.addEventListener('hashchange', route);
route();
state.timer = setInterval(refresh, REFRESH_MS);
