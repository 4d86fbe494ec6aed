// Busbar console: plain JS over the admin API (/api/...). No build step, no external resources.
// Every value from the API is put in the page as text (never as HTML), so record contents cannot inject markup.
'use strict';

const REFRESH_MS = 2000;
const state = { view: 'topics', selected: null, history: [], timer: null };

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
    throw new Error('The admin API needs a token: enter one with the admin scope above (busbar tokens add NAME --scope admin)');
  }
  const body = response.status === 204 ? null : await response.json();
  // errors are RFC 9457 problem details: detail says what was wrong and the fix
  if (!response.ok) throw new Error(body && (body.detail || body.title) ? (body.detail || body.title) : 'HTTP ' + response.status);
  return body;
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

async function renderTopics(view) {
  const topics = await api('/api/topics');
  view.append(h('h2', {}, 'Topics'), h('table', { id: 'topics-table' },
    h('tr', {}, h('th', {}, 'Topic'), h('th', { class: 'num' }, 'Partitions'), h('th', { class: 'num' }, 'Records'),
      h('th', { class: 'num' }, 'End offset'), h('th', { class: 'num' }, 'Size'), h('th', { class: 'num' }, 'In rate')),
    topics.map(t => h('tr', { class: 'clickable' + (state.selected === t.name ? ' selected' : ''), 'data-topic': t.name,
        onclick: () => { location.hash = 'topics/' + encodeURIComponent(t.name); } },
      h('td', {}, t.name), num('partitions', t.partitions, t.name), num('records', t.records, t.name),
      num('endOffset', t.endOffset, t.name), num('sizeBytes', t.sizeBytes, t.name, fmtBytes(t.sizeBytes)),
      num('rate', 0, t.name, fmtRate(last(rateSeries(s => s.topics[t.name] && s.topics[t.name].recordsIn))))))));
  const name = state.selected && topics.some(t => t.name === state.selected) ? state.selected : null;
  if (!name) {
    view.append(h('p', { class: 'muted' }, 'Select a topic to see its partitions and recent records.'));
    return;
  }
  const [topic, recent] = await Promise.all([api('/api/topics/' + encodeURIComponent(name)),
    api('/api/topics/' + encodeURIComponent(name) + '/records?from=recent&limit=20')]);
  view.append(h('h2', {}, 'Topic ' + name),
    h('p', { class: 'muted' }, 'id ' + topic.topicId + ' · ' + Object.entries(topic.config).map(([k, v]) => k + '=' + v).join(', ')),
    chart(rateSeries(s => s.topics[name] && s.topics[name].recordsIn), 'records in per second'),
    h('h3', {}, 'Partitions'),
    h('table', { id: 'partitions-table' },
      h('tr', {}, h('th', {}, 'Partition'), h('th', { class: 'num' }, 'Start'), h('th', { class: 'num' }, 'End'),
        h('th', { class: 'num' }, 'Records'), h('th', { class: 'num' }, 'Size')),
      topic.partitions.map(p => h('tr', {}, h('td', {}, p.partition), num('start', p.startOffset, p.partition),
        num('end', p.endOffset, p.partition), num('records', p.records, p.partition),
        num('size', p.sizeBytes, p.partition, fmtBytes(p.sizeBytes))))),
    h('h3', {}, 'Recent records (newest first)'), recordsTable(recent.records.slice().sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset)));
}

async function renderGroups(view) {
  const groups = await api('/api/groups');
  view.append(h('h2', {}, 'Consumer groups'), h('table', { id: 'groups-table' },
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
        num('lag', p.lag, p.topic + '-' + p.partition)))));
}

function flow(steps) {
  const out = h('div', { class: 'flow' });
  steps.forEach((s, i) => {
    if (i > 0) out.append(h('span', { class: 'arrow' }, s.depth > 0 ? '↳' : '→'));
    const endpoint = s.uri && s.uri.length > 0;
    out.append(h('span', { class: 'step' + (endpoint ? ' endpoint' : '') + (s.depth > 0 ? ' nested' : ''),
      title: (s.kind || '') + ' ' + (s.uri || s.label || '') }, endpoint ? s.kind + ' ' + s.uri : (s.label || s.kind)));
  });
  return out;
}

function sourceTopic(source) {
  const m = /^bus:(?:\/\/)?([^?]+)/.exec(source || '');
  return m ? m[1] : null;
}

function sourceGroup(source) {
  const m = /[?&]groupId=([^&]+)/.exec(source || '');
  return m ? decodeURIComponent(m[1]) : null;
}

async function renderPipelines(view) {
  const [pipelines, dlqs] = await Promise.all([api('/api/pipelines'), api('/api/dlq')]);
  view.append(h('h2', {}, 'Pipelines'));
  const grid = h('div', { class: 'grid' });
  view.append(grid);
  for (const p of pipelines) {
    const topic = sourceTopic(p.source);
    const dlq = topic ? dlqs.find(d => d.topic === topic + '.dlq') : null;
    const card = h('section', { class: 'card', 'data-pipeline': p.id },
      h('h2', {}, p.id, h('span', { class: 'badge ' + p.status, 'data-field': 'status' }, p.status),
        h('button', { onclick: () => act('/api/pipelines/' + encodeURIComponent(p.id) + (p.status === 'running' ? '/stop' : '/start')) },
          p.status === 'running' ? 'Stop' : 'Start')),
      flow(p.steps),
      h('div', { class: 'figures' },
        figure('exchanges', fmtNum(p.exchanges), p.exchanges), figure('failures', fmtNum(p.failures), p.failures),
        figure('records out', fmtNum(p.recordsOut), p.recordsOut), figure('rate', fmtRate(p.ratePerSecond), p.ratePerSecond),
        figure('mean latency', (p.meanLatencyMs || 0).toFixed(1) + ' ms', p.meanLatencyMs),
        figure('in flight', fmtNum(p.inflight), p.inflight)),
      chart(state.history.filter(s => s.pipelines[p.id]).map(s => [s.time, s.pipelines[p.id].ratePerSecond]), 'exchanges per second'),
      p.lastError ? h('p', { class: 'last-error' }, 'Last error ' + fmtTime(p.lastError.at) + ': ' + p.lastError.exceptionClass + ': ' + p.lastError.message) : null);
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

async function refresh() {
  try {
    const since = state.history.length ? state.history[state.history.length - 1].time : 0;
    state.history = state.history.concat(await api('/api/metrics/history?since=' + since)).slice(-300);
    const view = h('main', { id: 'view', 'data-view': state.view });
    const render = { topics: renderTopics, groups: renderGroups, pipelines: renderPipelines }[state.view];
    await render(view);
    document.getElementById('view').replaceWith(view);
    document.getElementById('error').hidden = true;
    document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    document.body.setAttribute('data-rendered', String(Date.now()));
  } catch (e) {
    showError(e);
  }
}

function route() {
  const [view, selected] = (location.hash.replace(/^#/, '') || 'topics').split('/');
  state.view = ['topics', 'groups', 'pipelines'].includes(view) ? view : 'topics';
  state.selected = selected ? decodeURIComponent(selected) : null;
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
