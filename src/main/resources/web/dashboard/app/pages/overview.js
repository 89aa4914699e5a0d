// Overview: today's messages by status, the delivery rate, queue depth, and messages per minute over
// the last hour (GET /v1/queues/timeline and GET /v1/queues), refreshed every 15 seconds.

import * as api from '../api.js';
import { h, clear, card, page, statusBadge } from '../ui.js';

const COLORS = {
  scheduled: '#8a8f98', queued: '#5b8def', sending: '#7b61ff', sent: '#2a9d8f', delivered: '#2e7d32',
  undelivered: '#e76f51', failed: '#c62828', unknown: '#b08900', expired: '#6d4c41', canceled: '#9e9e9e',
  suppressed: '#455a64',
};

function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d;
}

function deliveryRate(t) {
  const settled = (t.delivered || 0) + (t.undelivered || 0) + (t.failed || 0) + (t.unknown || 0);
  return settled ? Math.round(1000 * (t.delivered || 0) / settled) / 10 + ' %' : '—';
}

export async function render(ctx) {
  const cards = h('div', { class: 'cards' });
  const statuses = h('div', {});
  const canvas = h('canvas', { id: 'per-minute', role: 'img', 'aria-label': 'Messages per minute by status, last hour' });
  const chartBox = h('div', { class: 'chart' }, canvas);
  const updated = h('p', { class: 'hint' });
  let chart = null;

  async function refresh() {
    const since = startOfToday();
    const dayAgo = new Date(Date.now() - 24 * 3600 * 1000 + 60 * 1000);
    const [today, hour, board] = await Promise.all([
      api.get('/v1/queues/timeline' + api.query({ since: (since < dayAgo ? dayAgo : since).toISOString() })),
      api.get('/v1/queues/timeline'),
      api.get('/v1/queues'),
    ]);
    const t = today.totals;
    const sentToday = Object.values(t).reduce((a, b) => a + b, 0);
    clear(cards,
      card('Messages today', String(sentToday)),
      card('Delivery rate today', deliveryRate(t), 'delivered of those with an outcome'),
      card('Queue depth', String(board.byStatus.queued || 0), (board.byStatus.scheduled || 0) + ' scheduled'),
      card('In flight', String(board.inFlight || 0), board.sendRatePerSecond.toFixed(1) + ' / s last minute'));
    clear(statuses, h('ul', { class: 'status-counts', id: 'today-by-status' },
      Object.entries(t).filter(([, n]) => n > 0).map(([s, n]) => h('li', {}, statusBadge(s), ' ', String(n)))));
    if (!Object.values(t).some(n => n > 0)) {
      clear(statuses, h('p', { class: 'empty' }, 'No messages yet today.'));
    }
    drawChart(hour);
    updated.textContent = 'Updated ' + new Date().toLocaleTimeString();
  }

  function drawChart(hour) {
    if (typeof window.Chart !== 'function') {
      clear(chartBox, h('p', { class: 'empty' }, 'The chart library did not load.'));
      return;
    }
    const start = new Date(hour.since);
    start.setSeconds(0, 0);
    const labels = [];
    const index = new Map();
    for (let m = 0; m <= 60; m++) {
      const at = new Date(start.getTime() + m * 60000);
      index.set(at.getTime(), m);
      labels.push(at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    }
    const series = {};
    for (const b of hour.buckets) {
      const i = index.get(new Date(b.at).getTime());
      if (i === undefined) {
        continue;
      }
      for (const [s, n] of Object.entries(b.byStatus)) {
        (series[s] = series[s] || new Array(labels.length).fill(0))[i] = n;
      }
    }
    const datasets = Object.entries(series).map(([s, data]) => ({ label: s, data, backgroundColor: COLORS[s] || '#888', stack: 'all' }));
    if (chart) {
      chart.data.labels = labels;
      chart.data.datasets = datasets;
      chart.update('none');
      return;
    }
    chart = new window.Chart(canvas, {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: true, ticks: { maxTicksLimit: 12 } }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  const timer = setInterval(() => refresh().catch(() => {}), 15000);
  ctx.onLeave(() => {
    clearInterval(timer);
    if (chart) {
      chart.destroy();
    }
  });
  // Mounted before the first refresh, so the chart measures a canvas that is on the page.
  clear(ctx.main, page('Overview', cards,
    h('section', {}, h('h2', {}, 'Today by status'), statuses),
    h('section', {}, h('h2', {}, 'Messages per minute, last hour'),
      h('p', { class: 'hint' }, 'Each bar counts the messages created in that minute, by the status they are in now.'),
      chartBox),
    updated));
  await refresh();
}
