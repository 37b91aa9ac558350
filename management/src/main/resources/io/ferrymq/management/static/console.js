// FerryMQ web console: plain JavaScript over the management API (/api/...), logged in with HTTP Basic.
'use strict';

const state = { auth: sessionStorage.getItem('ferrymq-auth'), tab: 'overview', rates: [], timer: null };

function $(id) { return document.getElementById(id); }

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  Object.entries(attrs || {}).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

async function api(method, path, body) {
  const res = await fetch('/api/' + path, {
    method,
    headers: Object.assign({ 'Authorization': 'Basic ' + state.auth },
      body === undefined ? {} : { 'Content-Type': 'application/json' }),
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  if (res.status === 401) { logout('Wrong user name or password, or not a management user.'); throw new Error('unauthorised'); }
  if (!res.ok) {
    let reason = res.statusText;
    try { reason = (await res.json()).reason; } catch (e) { /* not JSON */ }
    status(method + ' ' + path + ': ' + reason, true);
    throw new Error(reason);
  }
  return res.status === 204 || res.status === 201 ? null : res.json();
}

function status(text, error) {
  const s = $('status');
  s.textContent = text;
  s.className = error ? 'status error' : 'status';
}

function enc(s) { return encodeURIComponent(s); }

function show(tab) {
  state.tab = tab;
  document.querySelectorAll('main > section').forEach(s => { s.hidden = s.id !== tab; });
  document.querySelectorAll('#tabs button').forEach(b => b.classList.toggle('active', b.dataset.tab === tab));
  refresh();
}

async function refresh() {
  if (!state.auth) { return; }
  try {
    if (state.tab === 'overview') { await renderOverview(); }
    if (state.tab === 'queues') { await renderQueues(); }
    if (state.tab === 'connections') { await renderConnections(); }
    if (state.tab === 'users') { await renderUsers(); }
  } catch (e) { /* status already says what failed */ }
}

async function renderOverview() {
  const o = await api('GET', 'overview');
  const facts = $('overview-facts');
  facts.replaceChildren();
  const rows = [['Version', o.product_version], ['Uptime', Math.round(o.uptime / 1000) + ' s'],
    ['Connections', o.object_totals.connections], ['Queues', o.object_totals.queues],
    ['Consumers', o.object_totals.consumers], ['Messages ready', o.queue_totals.messages_ready],
    ['Messages in flight', o.queue_totals.messages_unacknowledged],
    ['Memory', o.memory.used + ' of ' + (o.memory.limit || 'unlimited') + ' bytes'],
    ['Disk free', Math.round(o.disk.free / 1048576) + ' MiB'],
    ['Listeners', o.listeners.map(l => l.protocol + ' ' + l.ip_address + ':' + l.port).join(', ')],
    ['HA', haText(o.ha)]];
  rows.forEach(([k, v]) => { facts.append(el('dt', k), el('dd', v)); });
  state.rates.push(o.message_stats.publish_details.rate);
  if (state.rates.length > 60) { state.rates.shift(); }
  drawChart();
}

function haText(ha) {
  if (!ha || ha.role === 'single') { return 'single node (no HA pair)'; }
  const lag = ha.replication_lag;
  return ha.role + ' (' + ha.mode + '), epoch ' + ha.epoch + ', node ' + ha.node
    + (ha.peer ? ', standby ' + ha.peer + ', lag ' + lag.entries + ' entries / ' + lag.bytes + ' bytes / '
      + lag.oldest_age_ms + ' ms' : ', no standby');
}

function drawChart() {
  const c = $('rate-chart');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const max = Math.max(1, ...state.rates);
  g.beginPath();
  state.rates.forEach((r, i) => {
    const x = i * (c.width / 59);
    const y = c.height - (r / max) * (c.height - 10);
    if (i === 0) { g.moveTo(x, y); } else { g.lineTo(x, y); }
  });
  g.strokeStyle = '#1f3a5f';
  g.stroke();
  g.fillText(max.toFixed(1) + '/s', 4, 12);
}

async function renderQueues() {
  const queues = await api('GET', 'queues');
  const body = $('queue-rows');
  body.replaceChildren();
  queues.forEach(q => {
    const tr = el('tr', null, { 'data-queue': q.name });
    [q.vhost, q.name, q.messages_ready, q.messages_unacknowledged, q.consumers, q.messages_dead_lettered]
      .forEach((v, i) => tr.append(el('td', v, { 'class': ['vhost', 'name', 'ready', 'unacked', 'consumers', 'dlq'][i] })));
    const actions = el('td');
    actions.append(button('Browse', 'browse', () => browse(q)), button('Move', 'move', () => moveForm(q)),
      button('Purge', 'purge', () => purge(q)), button('Delete', 'delete', () => deleteQueue(q)));
    tr.append(actions);
    body.append(tr);
  });
}

function button(text, cls, action) {
  const b = el('button', text, { 'class': cls, 'type': 'button' });
  b.addEventListener('click', action);
  return b;
}

async function purge(q) {
  if (!confirm('Purge queue ' + q.name + '?')) { return; }
  await api('DELETE', 'queues/' + enc(q.vhost) + '/' + enc(q.name) + '/contents');
  status('Purged ' + q.name);
  renderQueues();
}

async function deleteQueue(q) {
  if (!confirm('Delete queue ' + q.name + '?')) { return; }
  await api('DELETE', 'queues/' + enc(q.vhost) + '/' + enc(q.name));
  status('Deleted ' + q.name);
  renderQueues();
}

async function browse(q) {
  const msgs = await api('POST', 'queues/' + enc(q.vhost) + '/' + enc(q.name) + '/get',
    { count: 20, ackmode: 'ack_requeue_true', encoding: 'auto', truncate: 2000 });
  $('browse').hidden = false;
  $('browse-queue').textContent = q.name;
  const list = $('browse-messages');
  list.replaceChildren();
  msgs.forEach(m => list.append(el('li', m.payload + (m.payload_encoding === 'base64' ? ' (base64)' : ''))));
}

function moveForm(q) {
  const f = $('move-form');
  f.hidden = false;
  f.dataset.vhost = q.vhost;
  f.dataset.queue = q.name;
  $('move-source').textContent = q.name;
}

async function move(ev) {
  ev.preventDefault();
  const f = $('move-form');
  const dest = $('move-destination').value.trim();
  const r = await api('POST', 'queues/' + enc(f.dataset.vhost) + '/' + enc(f.dataset.queue) + '/move',
    dest ? { destination: dest } : {});
  status('Moved ' + r.moved + ' message(s)' + (r.skipped ? ', ' + r.skipped + ' had nowhere to go' : ''));
  f.hidden = true;
  renderQueues();
}

async function renderConnections() {
  const conns = await api('GET', 'connections');
  const body = $('connection-rows');
  body.replaceChildren();
  conns.forEach(c => {
    const tr = el('tr', null, { 'data-connection': c.name });
    [c.name, c.protocol, c.user, c.client_properties.client_id, c.peer_host + ':' + c.peer_port, c.vhost]
      .forEach(v => tr.append(el('td', v)));
    const actions = el('td');
    actions.append(button('Close', 'close', async () => {
      await api('DELETE', 'connections/' + enc(c.name));
      status('Closing connection ' + c.name);
      setTimeout(renderConnections, 500);
    }));
    tr.append(actions);
    body.append(tr);
  });
}

async function renderUsers() {
  const users = await api('GET', 'users');
  const body = $('user-rows');
  body.replaceChildren();
  users.forEach(u => {
    const tr = el('tr', null, { 'data-user': u.name });
    tr.append(el('td', u.name), el('td', u.tags.join(', ')));
    const actions = el('td');
    actions.append(button('Delete', 'delete', async () => {
      if (!confirm('Delete user ' + u.name + '?')) { return; }
      await api('DELETE', 'users/' + enc(u.name));
      renderUsers();
    }));
    tr.append(actions);
    body.append(tr);
  });
}

async function saveUser(ev) {
  ev.preventDefault();
  const name = $('user-name').value.trim();
  const body = { tags: $('user-tags').value };
  if ($('user-password').value) { body.password = $('user-password').value; }
  await api('PUT', 'users/' + enc(name), body);
  status('Saved user ' + name);
  renderUsers();
}

async function login(ev) {
  ev.preventDefault();
  state.auth = btoa($('login-user').value + ':' + $('login-password').value);
  try {
    const me = await api('GET', 'whoami');
    sessionStorage.setItem('ferrymq-auth', state.auth);
    started(me);
  } catch (e) { /* logout() said why */ }
}

function started(me) {
  $('login').hidden = true;
  $('tabs').hidden = false;
  $('who').textContent = me.name + ' (' + me.tags.join(', ') + ')';
  show('overview');
  state.timer = setInterval(refresh, 5000);
}

function logout(reason) {
  state.auth = null;
  sessionStorage.removeItem('ferrymq-auth');
  clearInterval(state.timer);
  $('tabs').hidden = true;
  document.querySelectorAll('main > section').forEach(s => { s.hidden = true; });
  $('login').hidden = false;
  $('login-error').textContent = reason || '';
}

$('login').addEventListener('submit', login);
$('move-form').addEventListener('submit', move);
$('user-form').addEventListener('submit', saveUser);
document.querySelectorAll('#tabs button').forEach(b => b.addEventListener('click', () => show(b.dataset.tab)));
if (state.auth) {
  api('GET', 'whoami').then(started).catch(() => logout());
}
