// The operator's page: reads the actuator endpoints of this instance every few seconds and offers
// the operator's actions, each confirmed first. No framework, no build step. Requests go to
// location.origin: a page opened as http://user:pass@host/ops/ must not put the address bar's
// credentials into fetch(); the browser sends the HTTP Basic login it already holds.
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  const every = Math.max(1, Number(params.get('refresh')) || 5);
  const base = location.origin;
  let timer = null;
  let busy = false;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v;
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : String(c));
    }
    return e;
  }

  async function get(path) {
    const r = await fetch(base + path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
    if (r.status === 404) return null;
    if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
    return r.json();
  }

  async function post(path, json) {
    const init = { method: 'POST', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    const r = await fetch(base + path, init);
    let body = null;
    try { body = await r.json(); } catch (e) { /* camelroutes answers without a body */ }
    return { status: r.status, body };
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    const s = Math.round(seconds);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    if (s < 86400) return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
    return Math.floor(s / 86400) + ' d ' + Math.floor((s % 86400) / 3600) + ' h';
  }

  function time(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleString();
  }

  function fill(tbody, rows, emptyText, columns) {
    tbody.replaceChildren(...(rows.length ? rows
      : [el('tr', { class: 'empty' }, el('td', { colspan: columns, class: 'muted' }, emptyText))]));
  }

  function facts(dl, pairs) {
    dl.replaceChildren(...pairs.flatMap(([k, v, cls, id]) => [el('dt', {}, k), el('dd', {}, el('span', { class: cls, id }, v))]));
  }

  function renderHealth(health) {
    const badge = document.getElementById('health');
    const status = health ? health.status : 'UNKNOWN';
    badge.textContent = status;
    badge.className = 'badge ' + (status === 'UP' ? 'up' : 'down');
  }

  function renderBatches(data) {
    const rows = (data ? data.batches : []).map(b => {
      const pctFinal = b.lines ? 100 * b.final / b.lines : 0;
      const pctInvalid = b.lines ? 100 * b.invalid / b.lines : 0;
      return el('tr', { 'data-batch-id': b.batchId, 'data-file': b.file, class: 'batch-' + b.state },
        el('td', {}, b.batchId),
        el('td', {}, b.kind),
        el('td', {}, b.file),
        el('td', {}, el('div', { class: 'progress' },
          el('div', { class: 'bar', title: b.final + ' final, ' + b.invalid + ' invalid, ' + b.open + ' open of ' + b.lines },
            el('div', { class: 'final', style: 'width:' + pctFinal + '%' }),
            el('div', { class: 'invalid', style: 'width:' + pctInvalid + '%' })),
          el('span', { class: 'pct' }, b.progressPercent + ' %'))),
        el('td', { class: 'num' }, b.final),
        el('td', { class: 'num' }, b.invalid),
        el('td', { class: 'num' }, b.open),
        el('td', {}, duration(b.ageSeconds) + (b.state === 'OPEN' ? '' : ' (done)')),
        el('td', {}, b.state === 'OPEN' ? duration(b.secondsSinceProgress) + ' ago' : '–'));
    });
    fill(document.querySelector('#batches tbody'), rows, 'no batch yet', 9);
  }

  function renderOrders(page, stuck) {
    const rows = [];
    for (const [kind, states] of Object.entries((page && page.orders) || {})) {
      for (const [state, count] of Object.entries(states)) {
        rows.push(el('tr', {}, el('td', {}, kind), el('td', {}, state), el('td', { class: 'num' }, count)));
      }
    }
    fill(document.querySelector('#order-states tbody'), rows, 'no order yet', 3);
    document.getElementById('stuck-count').textContent = stuck ? stuck.count : '–';
    document.getElementById('stuck-count').className = 'badge' + (stuck && stuck.count > 0 ? ' bad' : '');
    document.getElementById('stuck-age').textContent = stuck ? 'open longer than ' + stuck.olderThan : '';
    const stuckRows = (stuck ? stuck.orders : []).map(o => el('tr', { 'data-order': o.orderNo },
      el('td', {}, o.orderNo), el('td', {}, o.kind), el('td', {}, o.state), el('td', {}, o.account),
      el('td', {}, time(o.createdAt)), el('td', { class: 'num' }, o.attempts), el('td', { class: 'num' }, o.polls),
      el('td', {}, o.platformStatus || ''), el('td', {}, o.reason || ''),
      el('td', {}, el('button', { 'data-action': 'poll', 'data-order': o.orderNo }, 're-poll'))));
    fill(document.querySelector('#stuck tbody'), stuckRows, 'none', 10);
  }

  function renderPlatform(page, health, calls) {
    const token = (page && page.token) || {};
    const platform = (page && page.platform) || {};
    const component = health && health.components ? health.components.platform : null;
    const poll = page ? page.lastPollCycle : null;
    const stat = name => calls ? (calls.measurements.find(m => m.statistic === name) || {}).value : undefined;
    const count = stat('COUNT');
    const pairs = [
      ['reachable', component ? component.status : '–', component && component.status === 'UP' ? 'badge up' : 'badge down', 'platform-status'],
      ['sends', platform.breaker ? platform.breaker + (platform.pausedSince ? ' (paused since ' + time(platform.pausedSince) + ')' : '') : '–',
        platform.breaker === 'CLOSED' ? 'badge up' : 'badge bad', 'platform-breaker'],
      ['token', token.present ? 'expires in ' + duration(token.expiresInSeconds) : 'none yet'],
      ['token refreshes', (token.refreshes ?? '–') + ' (forced ' + (token.forcedRefreshes ?? '–') + ')'],
      ['last token failure', token.lastFailureAt ? time(token.lastFailureAt) + ': ' + token.lastFailure : 'none'],
      ['calls', count === undefined ? '–' : count],
      ['mean latency', count ? Math.round(1000 * stat('TOTAL_TIME') / count) + ' ms' : '–'],
      ['max latency (recent)', count ? Math.round(1000 * stat('MAX')) + ' ms' : '–'],
      ['last poll cycle', poll ? duration(poll.secondsAgo) + ' ago, ' + poll.orders + ' orders in ' + poll.tookMillis + ' ms' : 'none yet'],
    ];
    facts(document.getElementById('platform'), pairs);
  }

  function renderOutbox(outbox) {
    facts(document.getElementById('outbox'), [
      ['pending', outbox ? outbox.pending : '–', null, 'outbox-pending'],
      ['dead', outbox ? outbox.dead : '–', outbox && outbox.dead > 0 ? 'badge bad' : null, 'outbox-dead'],
      ['delivered', outbox ? outbox.delivered : '–', null, 'outbox-delivered'],
      ['oldest pending', outbox && outbox.oldestPendingAt ? time(outbox.oldestPendingAt) : '–'],
    ]);
    const rows = (outbox ? outbox.deadEvents : []).map(e => el('tr', { 'data-event': e.eventId },
      el('td', { class: 'id', title: e.eventId }, e.eventId.substring(0, 8) + '…'), el('td', {}, e.type), el('td', {}, e.batchId), el('td', { class: 'num' }, e.attempts),
      el('td', {}, e.lastError || ''), el('td', {}, time(e.createdAt)),
      el('td', {}, el('button', { 'data-action': 'replay', 'data-event': e.eventId }, 'replay'))));
    fill(document.querySelector('#dead tbody'), rows, 'no dead event', 7);
  }

  function routeStats(console) {
    const stats = {};
    const routes = console && console.route && console.route.routes ? console.route.routes : [];
    for (const r of routes) {
      const s = r.statistics || {};
      stats[r.routeId] = { total: s.exchangesTotal, failed: s.exchangesFailed, inflight: s.exchangesInflight,
        mean: s.meanProcessingTime };
    }
    return stats;
  }

  function renderRoutes(routes, console) {
    const stats = routeStats(console);
    const rows = (routes || []).slice().sort((a, b) => a.id.localeCompare(b.id)).map(r => {
      const s = stats[r.id] || {};
      const started = r.status === 'Started';
      return el('tr', { 'data-route': r.id },
        el('td', { title: r.description || '' }, r.id),
        el('td', {}, el('span', { class: 'badge state state-' + r.status }, r.status)),
        el('td', { class: 'num' }, s.total ?? '–'),
        el('td', { class: 'num' }, s.failed ?? '–'),
        el('td', { class: 'num' }, s.inflight ?? '–'),
        el('td', { class: 'num' }, s.mean === undefined || s.mean < 0 ? '–' : s.mean),
        el('td', {}, started
          ? el('button', { 'data-action': 'suspend', 'data-route': r.id, class: 'danger' }, 'suspend')
          : el('button', { 'data-action': 'resume', 'data-route': r.id }, 'resume')));
    });
    fill(document.querySelector('#routes tbody'), rows, 'no route', 7);
  }

  async function settle(promise) {
    try { return { value: await promise }; } catch (e) { return { error: e }; }
  }

  async function refresh() {
    if (busy) return;
    busy = true;
    try {
      const [health, batches, page, stuck, outbox, routes, console, calls] = await Promise.all([
        settle(get('/actuator/health')), settle(get('/actuator/batches')), settle(get('/actuator/camel/usdtcnpay')),
        settle(get('/actuator/stuckorders')), settle(get('/actuator/outbox')), settle(get('/actuator/camelroutes')),
        settle(get('/actuator/camel/route')), settle(get('/actuator/metrics/bridge.platform.calls'))]);
      const usdtcnpay = page.value ? page.value.usdtcnpay : null;
      renderHealth(health.value);
      renderBatches(batches.value);
      renderOrders(usdtcnpay, stuck.value);
      renderPlatform(usdtcnpay, health.value, calls.value);
      renderOutbox(outbox.value);
      renderRoutes(routes.value, console.value);
      const errors = [health, batches, page, stuck, outbox, routes].filter(r => r.error).map(r => r.error.message);
      const box = document.getElementById('error');
      box.hidden = errors.length === 0;
      box.textContent = errors.join('; ');
      document.getElementById('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
      document.body.dataset.refreshed = String(Date.now());
    } finally {
      busy = false;
    }
  }

  const actions = {
    suspend: b => ({ ask: 'Suspend route ' + b.dataset.route + '? It takes nothing new until resumed.',
      path: '/actuator/camelroutes/' + encodeURIComponent(b.dataset.route) + '/suspend', json: {} }),
    resume: b => ({ ask: 'Resume route ' + b.dataset.route + '?',
      path: '/actuator/camelroutes/' + encodeURIComponent(b.dataset.route) + '/resume', json: {} }),
    poll: b => ({ ask: 'Query order ' + b.dataset.order + ' at the platform now?',
      path: '/actuator/orders/' + encodeURIComponent(b.dataset.order) + '/poll' }),
    replay: b => ({ ask: 'Deliver notification ' + b.dataset.event + ' to the ERP again?',
      path: '/actuator/outbox/' + encodeURIComponent(b.dataset.event) + '/replay' }),
  };

  document.addEventListener('click', async ev => {
    const button = ev.target.closest('button[data-action]');
    if (!button || !actions[button.dataset.action]) return;
    const action = actions[button.dataset.action](button);
    if (!window.confirm(action.ask)) return;
    button.disabled = true;
    const answer = await post(action.path, action.json);
    const box = document.getElementById('error');
    if (answer.status >= 300) {
      box.hidden = false;
      box.textContent = action.path + ': HTTP ' + answer.status + (answer.body ? ' ' + JSON.stringify(answer.body) : '');
    }
    await refresh();
  });

  function schedule() {
    clearInterval(timer);
    if (document.getElementById('auto').checked) timer = setInterval(refresh, every * 1000);
  }

  document.getElementById('every').textContent = every;
  document.getElementById('auto').addEventListener('change', schedule);
  refresh();
  schedule();
})();
