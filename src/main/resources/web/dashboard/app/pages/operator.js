// The platform operator's two pages: every tenant's queues (GET /v1/operator/queues, every 5 seconds) and
// the tenants themselves (/v1/operator/tenants: list, create, suspend, reactivate). Operators have no
// tenant, so tenant pages are not theirs; a created tenant's owner password and API key are shown once.

import * as api from '../api.js';
import { h, clear, table, field, input, button, notice, act, page, when, text, statusBadge, pager } from '../ui.js';

const STATES = ['scheduled', 'queued', 'sending'];

export async function renderQueues(ctx) {
  const tenantsBox = h('div', { id: 'operator-queues', 'data-refreshes': '0' });
  const nodesBox = h('div', { id: 'operator-nodes' });
  const updated = h('p', { class: 'hint', id: 'operator-updated' });
  let refreshes = 0;

  // Only the boxes' contents are replaced, and they hold nothing focusable: keyboard focus stays put.
  async function refresh() {
    const b = await api.get('/v1/operator/queues');
    clear(tenantsBox, b.tenants.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Tenant', 'Id', ...STATES, 'Oldest queued, past due'].map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, b.tenants.map(t => h('tr', { 'data-tenant': t.tenantId },
        h('td', {}, text(t.name)), h('td', {}, t.tenantId),
        STATES.map(s => h('td', { class: 'count-' + s }, String(t[s] || 0))),
        h('td', { class: 'oldest' }, t.queued ? Math.round(t.oldestDueAgeSeconds || 0) + ' s' : '—'))))))
      : h('p', { class: 'empty' }, 'No tenant has a message waiting or in flight.'));
    clear(nodesBox, table(['Node', 'Role', 'Host', 'Version', 'Started', 'Heartbeat'],
      b.nodes.map(n => [n.id, n.role, n.host + ' (pid ' + n.pid + ')', n.version, when(n.startedAt), when(n.heartbeatAt)]), 'No live nodes.'));
    clear(updated, 'Updated ' + new Date().toLocaleTimeString() + '; refreshed every 5 seconds.');
    tenantsBox.setAttribute('data-refreshes', String(++refreshes));
  }

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 5000);
  ctx.onLeave(() => clearInterval(timer));
  return page('Platform queues', updated,
    h('section', {}, h('h2', {}, 'Waiting and in flight, by tenant'), tenantsBox),
    h('section', {}, h('h2', {}, 'Live nodes'), nodesBox));
}

export async function renderTenants() {
  const listBox = h('div', { id: 'tenant-list' });
  const note = notice();

  function row(t) {
    const suspend = t.status !== 'suspended';
    const toggle = button(suspend ? 'Suspend' : 'Reactivate', (e) => act(e.target, note, async () => {
      const question = suspend
        ? 'Suspend ' + t.name + '? Every key and login of this tenant will be refused until it is reactivated.'
        : 'Reactivate ' + t.name + '? Its users and keys will work again.';
      if (!confirm(question)) {
        return;
      }
      const changed = await api.patch('/v1/operator/tenants/' + t.id, { status: suspend ? 'suspended' : 'active' });
      note.ok(changed.name + ' is now ' + changed.status + '.');
      await load();
    }), { class: 'secondary', id: 'tenant-toggle-' + t.id, 'aria-label': (suspend ? 'Suspend ' : 'Reactivate ') + t.name });
    return [t.name, t.id, h('span', { 'data-status': t.status, id: 'tenant-status-' + t.id }, statusBadge(t.status)), when(t.createdAt), toggle];
  }

  async function load(cursor, previous) {
    const answer = await api.get('/v1/operator/tenants' + api.query({ limit: 100, cursor }));
    const all = (previous || []).concat(answer.data);
    clear(listBox, table(['Name', 'Id', 'Status', 'Created', ''], all.map(row), 'No tenants yet.'),
      pager(answer.nextCursor, (next) => act(null, note, () => load(next, all))));
  }

  const name = input('name', { required: true, maxlength: 200, id: 'tenant-name' });
  const email = input('adminEmail', { type: 'email', required: true, id: 'tenant-email' });
  const password = input('adminPassword', { type: 'password', autocomplete: 'new-password', minlength: 10, id: 'tenant-password' });
  const submit = h('button', { type: 'submit', id: 'tenant-create' }, 'Create tenant');
  const created = h('div', { 'aria-live': 'polite', id: 'tenant-created' });
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(submit, note, async () => {
      const body = { name: name.value.trim(), adminEmail: email.value.trim() };
      if (password.value) {
        body.adminPassword = password.value;
      }
      const answer = await api.post('/v1/operator/tenants', body, api.idempotencyKey());
      password.value = '';
      clear(created,
        h('p', { class: 'ok' }, 'Created ' + answer.name + ' (' + answer.tenantId + ') with the owner ' + answer.adminEmail + '.'),
        h('p', { class: 'once' }, h('strong', {}, 'Shown once: '),
          'copy these now and hand them to the owner safely; Parley keeps only their hashes and cannot show them again.'),
        answer.adminPassword ? [h('p', {}, 'Owner password:'), h('p', { class: 'secret', id: 'tenant-new-password' }, answer.adminPassword)] : null,
        h('p', {}, 'Owner API key:'), h('p', { class: 'secret', id: 'tenant-new-key' }, answer.apiKey));
      name.value = '';
      email.value = '';
      await load();
    });
  } }, h('div', { class: 'row' }, field('Name', name), field('Owner email', email),
    field('Owner password', password, 'Leave empty to have Parley make one.'), h('div', {}, submit)), created);

  await load();
  return page('Tenants', note, h('section', {}, listBox), h('section', {}, h('h2', {}, 'Create a tenant'), form));
}
