// The queue board (GET /v1/queues, every 5 seconds): depth by status, channel and provider, in flight,
// lag, circuits, recent failures with reasons, live nodes; retry of failed or unknown messages
// (POST /v1/queues/retry). The board is the logged-in tenant's; there is no cross-tenant view here.

import * as api from '../api.js';
import { h, clear, table, field, input, select, notice, act, page, when, text, statusBadge, card } from '../ui.js';

export async function render(ctx) {
  const providers = await api.get('/v1/providers?limit=200').catch(() => ({ data: [] }));
  const providerName = new Map(providers.data.map(p => [p.id, p.name]));
  const label = (id) => (providerName.get(id) || id || '—');
  const boardBox = h('div', { id: 'queue-board' });
  const note = notice();

  function byTable(title, groups, keyLabel) {
    const statuses = new Set();
    Object.values(groups).forEach(g => Object.keys(g).forEach(s => statuses.add(s)));
    const cols = [...statuses];
    return [h('h2', {}, title), table([keyLabel, ...cols], Object.entries(groups).map(([k, g]) => [keyLabel === 'Provider' ? label(k) : k,
      ...cols.map(s => String(g[s] || 0))]), 'No messages.')];
  }

  async function refresh() {
    const b = await api.get('/v1/queues');
    clear(boardBox,
      h('div', { class: 'cards' },
        card('Queued', String(b.byStatus.queued || 0), (b.byStatus.scheduled || 0) + ' scheduled'),
        card('In flight', String(b.inFlight || 0)),
        card('Oldest due', Math.round(b.oldestDueAgeSeconds) + ' s', 'age of the oldest queued message'),
        card('Send rate', b.sendRatePerSecond.toFixed(1) + ' / s', 'over the last minute'),
        card('Failed', String(b.byStatus.failed || 0), (b.byStatus.unknown || 0) + ' unknown')),
      h('section', {}, h('h2', {}, 'By status'), h('ul', { class: 'status-counts' },
        Object.entries(b.byStatus).map(([s, n]) => h('li', {}, statusBadge(s), ' ', String(n))))),
      h('section', {}, byTable('By provider', b.byProvider, 'Provider')),
      h('section', {}, byTable('By channel', b.byChannel, 'Channel')),
      h('section', {}, h('h2', {}, 'Circuits'), table(['Provider', 'State'], b.circuits.map(c => [c.name || c.providerId, statusBadge(c.state)]), 'No provider is loaded.')),
      h('section', {}, h('h2', {}, 'Recent failures'), table(['When', 'Message', 'Channel', 'Provider', 'Status', 'Reason'],
        b.recentFailures.map(f => [when(f.at), h('a', { href: '#/messages/' + f.id }, f.id), f.channel, label(f.providerId), statusBadge(f.status), text(f.reason)]),
        'No recent failures.')),
      h('section', {}, h('h2', {}, 'Nodes'), table(['Node', 'Role', 'Host', 'Version', 'Started', 'Heartbeat'],
        b.nodes.map(n => [n.id, n.role, n.host + ' (pid ' + n.pid + ')', n.version, when(n.startedAt), when(n.heartbeatAt)]), 'No live nodes.')));
  }

  const status = select('status', ['failed', 'unknown'], 'failed', { id: 'retry-status' });
  const provider = select('providerId', [['', 'Any provider'], ...providers.data.map(p => [p.id, p.name])], '', { id: 'retry-provider' });
  const since = input('since', { type: 'datetime-local', id: 'retry-since' });
  const retry = h('button', { type: 'submit', id: 'retry-submit' }, 'Retry');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(retry, note, async () => {
      if (!confirm('Queue the matching ' + status.value + ' messages again?' + (status.value === 'unknown' ? ' Some may already have reached the person.' : ''))) {
        return;
      }
      const body = { status: status.value };
      if (provider.value) {
        body.providerId = provider.value;
      }
      if (since.value) {
        body.since = new Date(since.value).toISOString();
      }
      const answer = await api.post('/v1/queues/retry', body);
      note.ok(answer.requeued + ' message(s) queued again.');
      await refresh();
    });
  } }, h('div', { class: 'row' }, field('Messages that are', status), field('Provider', provider), field('Updated since', since), h('div', {}, retry)));

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  ctx.onLeave(() => clearInterval(timer));
  return page('Queues', boardBox, h('section', {}, h('h2', {}, 'Retry'), form, note));
}
