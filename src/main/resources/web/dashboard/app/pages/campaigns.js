// Campaigns: the list (GET /v1/campaigns, with each started campaign's progress from GET /v1/campaigns/{id})
// and one campaign's detail, live over server-sent events (GET /v1/campaigns/{id}/stream), with a chart of
// its send rate and the transitions its state allows. The wizard is in campaign-wizard.js.

import * as api from '../api.js';
import { h, clear, table, notice, page, when, text, statusBadge, button, card } from '../ui.js';

// Which states each transition may start from: a copy of CampaignStatus.sourcesOf on the server. A button
// is enabled only from these; the API decides anyway, and a 409 names the state it found.
export const TRANSITIONS = {
  launch: ['draft', 'scheduled'],
  pause: ['running'],
  resume: ['paused'],
  cancel: ['draft', 'scheduled', 'running', 'paused'],
  'retry-failed': ['running', 'paused', 'completed'],
};
const EDITABLE = ['draft', 'scheduled'];
const FINAL = ['completed', 'canceled'];
const SETTLED = ['sent', 'delivered', 'undelivered', 'failed', 'unknown', 'expired', 'canceled', 'suppressed'];
const ACCEPTED = ['sent', 'delivered', 'undelivered'];

function sum(p, keys) {
  return keys.reduce((a, k) => a + (p[k] || 0), 0);
}

/** Settled rows of the total, 0–100; a completed campaign is 100 whatever its counters say. */
export function percent(status, p) {
  if (status === 'completed') {
    return 100;
  }
  if (!p || !p.total) {
    return 0;
  }
  return Math.min(100, Math.floor(100 * sum(p, SETTLED) / p.total));
}

function progressBar(status, p, id) {
  const pc = percent(status, p);
  return h('span', { class: 'progress-cell' },
    h('progress', { max: '100', value: String(pc), id: id || null, 'aria-label': 'Settled ' + pc + ' %' }),
    h('span', { class: 'pc' }, pc + ' %'));
}

export async function renderList(ctx) {
  const section = h('section', { id: 'campaign-list' });
  const hint = h('p', { class: 'hint' });
  let timer = null;
  let left = false;
  ctx.onLeave(() => {
    left = true;
    clearTimeout(timer);
  });

  // Redraws the table in place (focus stays where it is); again in 5 s while a campaign runs or is paused.
  async function load() {
    const answer = await api.get('/v1/campaigns?limit=100');
    const started = answer.data.filter(c => !EDITABLE.includes(c.status));
    const details = await Promise.all(started.map(c => api.get('/v1/campaigns/' + c.id).catch(() => null)));
    const progress = new Map(details.filter(Boolean).map(c => [c.id, c.progress]));
    const rows = answer.data.map(c => [
      h('a', { href: '#/campaigns/' + c.id }, c.name),
      statusBadge(c.status),
      c.channel,
      EDITABLE.includes(c.status) ? h('span', { class: 'hint' }, c.startAt ? 'starts ' + when(c.startAt) : 'not started')
        : progressBar(c.status, progress.get(c.id)),
      when(c.createdAt)]);
    clear(section, table(['Name', 'Status', 'Channel', 'Progress', 'Created'], rows, 'No campaigns yet.'));
    const live = answer.data.some(c => c.status === 'running' || c.status === 'paused');
    hint.textContent = live ? 'Progress refreshes every 5 seconds while a campaign runs.' : '';
    if (live && !left) {
      timer = setTimeout(() => load().catch(() => {}), 5000);
    }
  }
  await load();
  const actions = ctx.allowed('supervisor')
    ? h('p', {}, h('a', { class: 'button', href: '#/campaigns/new', id: 'campaign-new' }, 'New campaign')) : null;
  return page('Campaigns', actions, section, hint);
}

function describeContent(c) {
  if (c.templateId) {
    return 'template ' + c.templateId;
  }
  if (!c.content) {
    return '—';
  }
  return (c.content.subject ? c.content.subject + ' — ' : '') + (c.content.text || '(HTML only)');
}

function describeWindow(w) {
  if (!w) {
    return 'any time';
  }
  return (w.days && w.days.length ? w.days.join(' ') : 'every day') + ', ' + w.from + '–' + w.to
    + ' recipient time' + (w.fallbackTimezone ? ' (else ' + w.fallbackTimezone + ')' : '');
}

/** Per-variant counters: an array of {name, …counts} or an object keyed by name, whichever the API gives. */
function variantRows(variants) {
  const list = Array.isArray(variants) ? variants
    : Object.entries(variants).map(([name, v]) => Object.assign({ name }, v));
  return list.map(v => [text(v.name), text(v.weight), String(v.total ?? sum(v, SETTLED)), String(sum(v, ACCEPTED)),
    String(v.delivered || 0), String(v.failed || 0), String(v.opened || 0), String(v.clicked || 0)]);
}

export async function renderDetail(ctx) {
  const id = ctx.args[0];
  let c = await api.get('/v1/campaigns/' + id);
  const supervisor = ctx.allowed('supervisor');
  const note = notice();
  const status = h('dd', { id: 'campaign-status' });
  const bar = h('div', { class: 'progress-line' });
  const cards = h('div', { class: 'cards', id: 'campaign-cards' });
  const variants = h('div', { id: 'campaign-variants' });
  const canvas = h('canvas', { id: 'send-rate', role: 'img', 'aria-label': 'Messages accepted by providers per second' });
  const chartBox = h('div', { class: 'chart' }, canvas);
  const live = h('p', { class: 'hint', id: 'campaign-live', 'data-events': '0' });
  const buttons = {};
  let source = null;
  let chart = null;
  let events = 0;
  let last = null;

  function show(s, p) {
    clear(status, statusBadge(s));
    status.dataset.status = s;
    if (p) {
      const pc = percent(s, p);
      clear(bar, h('progress', { max: '100', value: String(pc), id: 'campaign-progress', 'aria-label': 'Settled ' + pc + ' %' }),
        h('span', { class: 'pc', id: 'campaign-percent' }, pc + ' %'));
      const accepted = h('span', { id: 'campaign-accepted' }, String(sum(p, ACCEPTED)));
      clear(cards,
        EDITABLE.includes(s) && !p.total ? card('Audience', '—', 'counted at launch')
          : card('Audience', String(p.total), p.expansionDone ? 'all expanded' : p.expanded + ' expanded so far'),
        card('Accepted by providers', accepted, (p.delivered || 0) + ' delivered'),
        card('Waiting', h('span', { id: 'campaign-open' }, String(p.queued + p.scheduled)), p.sending + ' sending now'),
        card('Failed', String(p.failed + p.undelivered + p.unknown + p.expired), p.unknown + ' unknown'),
        card('Suppressed', String(p.suppressed), (p.optedOut || 0) + ' opted out'),
        card('Rate', (p.ratePerSecond || 0).toFixed(1) + ' / s', p.eta && s === 'running' ? 'done about ' + when(p.eta) : 'average, last minute'),
        card('Cost', text(p.costActual), 'estimated ' + text(p.costEstimate)),
        card('Engagement', (p.opened || 0) + ' opened', (p.clicked || 0) + ' clicked'));
      cards.dataset.sending = String(p.sending);
      if (p.variants && (Array.isArray(p.variants) ? p.variants.length : Object.keys(p.variants).length)) {
        clear(variants, h('h2', {}, 'Variants'), table(['Variant', 'Weight', 'Recipients', 'Accepted', 'Delivered', 'Failed', 'Opened', 'Clicked'],
          variantRows(p.variants)));
      }
    }
    for (const [action, b] of Object.entries(buttons)) {
      b.disabled = !TRANSITIONS[action].includes(s);
    }
    if (edit) {
      edit.hidden = !EDITABLE.includes(s);
    }
  }

  function plot(s, p) {
    const now = Date.now();
    const accepted = sum(p, ACCEPTED);
    if (last && chart) {
      const seconds = Math.max((now - last.at) / 1000, 0.001);
      chart.data.labels.push(new Date(now).toLocaleTimeString());
      chart.data.datasets[0].data.push(Math.max(0, (accepted - last.accepted) / seconds));
      chart.data.datasets[1].data.push(p.ratePerSecond || 0);
      if (chart.data.labels.length > 180) {
        chart.data.labels.shift();
        chart.data.datasets.forEach(d => d.data.shift());
      }
      chart.update('none');
    }
    last = { at: now, accepted };
  }

  function listen() {
    if (source || FINAL.includes(c.status)) {
      return;
    }
    source = api.stream('/v1/campaigns/' + id + '/stream', 'progress', (e) => {
      events++;
      live.dataset.events = String(events);
      live.textContent = 'Live · updated ' + new Date().toLocaleTimeString();
      c.status = e.status;
      show(e.status, e.progress);
      plot(e.status, e.progress);
      if (FINAL.includes(e.status)) {
        stop();
        live.textContent = 'The campaign is ' + e.status + '.';
      }
    }, () => {
      live.textContent = 'Reconnecting to the progress stream…';
    });
  }

  function stop() {
    if (source) {
      source.close();
      source = null;
    }
  }

  async function transition(action, b) {
    b.disabled = true;
    note.reset();
    try {
      const answer = await api.post('/v1/campaigns/' + id + '/' + action);
      c = answer.campaign || answer;
      const extra = answer.requeuedFailed !== undefined ? ' (' + answer.requeuedFailed + ' failed, ' + answer.requeuedUnknown + ' unknown requeued)' : '';
      note.ok(label(action) + ': the campaign is ' + c.status + extra + '.');
      show(c.status, null);
      listen();
    } catch (e) {
      if (e instanceof api.Problem && e.status === 409 && e.body.currentState) {
        c.status = e.body.currentState;
        note.fail(new Error('Not possible now: the campaign is ' + e.body.currentState + ' (' + e.message + ').'));
        if (FINAL.includes(c.status)) {
          stop();
        }
      } else {
        note.fail(e);
      }
      show(c.status, null);
    }
  }

  function label(action) {
    return { launch: 'Launch now', pause: 'Pause', resume: 'Resume', cancel: 'Cancel campaign', 'retry-failed': 'Retry failed' }[action];
  }

  let actionBar = null;
  let edit = null;
  if (supervisor) {
    for (const action of Object.keys(TRANSITIONS)) {
      buttons[action] = button(label(action), () => transition(action, buttons[action]),
        { id: 'campaign-' + action, class: action === 'cancel' ? 'danger' : (action === 'retry-failed' ? 'secondary' : null) });
    }
    edit = h('a', { class: 'button secondary', href: '#/campaigns/' + id + '/edit', id: 'campaign-edit' }, 'Edit');
    actionBar = h('div', { class: 'actions', id: 'campaign-actions' }, Object.values(buttons), edit);
  }

  function drawChart() {
    if (typeof window.Chart !== 'function') {
      clear(chartBox, h('p', { class: 'empty' }, 'The chart library did not load.'));
      return;
    }
    chart = new window.Chart(canvas, {
      type: 'line',
      data: { labels: [], datasets: [
        { label: 'accepted per second', data: [], borderColor: '#2457c5', backgroundColor: '#2457c5', pointRadius: 0, tension: 0.2 },
        { label: 'last-minute average', data: [], borderColor: '#2a9d8f', backgroundColor: '#2a9d8f', pointRadius: 0, borderDash: [6, 4] },
      ] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { ticks: { maxTicksLimit: 8 } }, y: { beginAtZero: true } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  ctx.onLeave(() => {
    stop();
    if (chart) {
      chart.destroy();
    }
  });
  clear(ctx.main, page(c.name, h('p', {}, h('a', { href: '#/campaigns' }, '← Campaigns')),
    h('section', {}, h('h2', {}, 'Progress'), bar, cards, actionBar, note, live),
    h('section', {}, h('h2', {}, 'Send rate'),
      h('p', { class: 'hint' }, 'Messages accepted by providers per second while this page is open (measured between progress events), and the average over the last minute.'),
      chartBox),
    variants,
    h('section', {}, h('h2', {}, 'Definition'), h('dl', { class: 'facts' },
      h('dt', {}, 'Status'), status,
      h('dt', {}, 'Id'), h('dd', {}, c.id),
      h('dt', {}, 'Channel'), h('dd', {}, c.channel),
      h('dt', {}, 'Lists'), h('dd', {}, c.audience ? c.audience.listIds.join(', ') : '—'),
      h('dt', {}, 'Excluded lists'), h('dd', {}, c.audience && c.audience.excludeListIds && c.audience.excludeListIds.length ? c.audience.excludeListIds.join(', ') : '—'),
      h('dt', {}, 'Content'), h('dd', {}, describeContent(c)),
      c.variants && c.variants.length ? [h('dt', {}, 'Variants'), h('dd', {}, c.variants.map(v => v.name + ' (' + v.weight + ')').join(', '))] : null,
      h('dt', {}, 'Send window'), h('dd', {}, describeWindow(c.sendWindow)),
      h('dt', {}, 'Rate'), h('dd', {}, c.ratePerSecond ? c.ratePerSecond + ' / s' : 'provider and tenant limits only'),
      h('dt', {}, 'Guarantee'), h('dd', {}, text(c.guarantee)),
      h('dt', {}, 'Only opted-in'), h('dd', {}, c.requireOptIn ? 'yes' : 'no'),
      h('dt', {}, 'Starts'), h('dd', {}, when(c.startAt)),
      h('dt', {}, 'Started'), h('dd', {}, when(c.startedAt)),
      h('dt', {}, 'Completed'), h('dd', {}, when(c.completedAt)),
      h('dt', {}, 'Created'), h('dd', {}, when(c.createdAt))))));
  drawChart();
  show(c.status, c.progress);
  if (c.progress) {
    plot(c.status, c.progress);
  }
  listen();
  if (FINAL.includes(c.status)) {
    live.textContent = 'The campaign is ' + c.status + '.';
  }
}
