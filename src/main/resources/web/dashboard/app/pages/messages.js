// Messages: the ledger filtered by status, channel, contact, provider and time (GET /v1/messages), and
// one message with its event timeline (GET /v1/messages/{id}).

import * as api from '../api.js';
import { h, clear, table, field, input, select, notice, act, page, when, text, statusBadge, pager, button } from '../ui.js';

const STATUSES = ['scheduled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'unknown', 'expired', 'canceled', 'suppressed'];

function localToIso(v) {
  return v ? new Date(v).toISOString() : '';
}

export async function renderList(ctx) {
  const p = ctx.params;
  const note = notice();
  const status = select('status', [['', 'Any status'], ...STATUSES], p.get('status') || '', { id: 'msg-status' });
  const channel = select('channel', [['', 'Any channel'], 'sms', 'email'], p.get('channel') || '', { id: 'msg-channel' });
  const contactId = input('contactId', { value: p.get('contactId') || '', placeholder: 'ctc_…', id: 'msg-contact' });
  const providerId = input('providerId', { value: p.get('providerId') || '', placeholder: 'prv_…', id: 'msg-provider' });
  const since = input('since', { type: 'datetime-local', id: 'msg-since' });
  const until = input('until', { type: 'datetime-local', id: 'msg-until' });
  const results = h('div', { id: 'message-results' });

  async function load(cursor, append) {
    const answer = await api.get('/v1/messages' + api.query({ status: status.value, channel: channel.value,
      contactId: contactId.value.trim(), providerId: providerId.value.trim(), since: localToIso(since.value),
      until: localToIso(until.value), limit: 50, cursor }));
    const rows = answer.data.map(m => [h('a', { href: '#/messages/' + m.id }, m.id), when(m.createdAt), m.channel, text(m.to),
      statusBadge(m.status), text(m.lastError)]);
    const t = table(['Message', 'Created', 'Channel', 'To', 'Status', 'Last error'], rows, 'No messages match.');
    if (append) {
      t.querySelectorAll('tbody tr').forEach(tr => results.querySelector('tbody').appendChild(tr));
      results.querySelector('.pager')?.remove();
    } else {
      clear(results, t);
    }
    const more = pager(answer.nextCursor, (c) => act(null, note, () => load(c, true)));
    if (more) {
      more.className = 'pager';
      results.appendChild(more);
    }
  }
  const apply = h('button', { type: 'submit' }, 'Filter');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(apply, note, () => load());
  } }, h('div', { class: 'row' }, field('Status', status), field('Channel', channel), field('Contact', contactId),
    field('Provider', providerId), field('Created from', since), field('Created before', until), h('div', {}, apply)));
  await load();
  return page('Messages', h('section', {}, form), note, results);
}

export async function renderDetail(ctx) {
  const id = ctx.args[0];
  const m = await api.get('/v1/messages/' + id);
  const note = notice();
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'Status'), h('dd', { id: 'message-status' }, statusBadge(m.status)),
    h('dt', {}, 'Channel'), h('dd', {}, m.channel),
    h('dt', {}, 'To'), h('dd', { id: 'message-to' }, text(m.to)),
    h('dt', {}, 'From'), h('dd', {}, text(m.from)),
    h('dt', {}, 'Contact'), h('dd', {}, m.contactId ? h('a', { href: '#/contacts/' + m.contactId }, m.contactId) : '—'),
    h('dt', {}, 'Provider'), h('dd', {}, text(m.providerId)),
    h('dt', {}, 'Provider message id'), h('dd', {}, text(m.providerMessageId)),
    h('dt', {}, 'Attempt'), h('dd', {}, m.attempt + ' of ' + m.maxAttempts),
    h('dt', {}, 'Guarantee'), h('dd', {}, m.guarantee),
    h('dt', {}, 'Last error'), h('dd', { id: 'message-error' }, text(m.lastError)),
    h('dt', {}, 'Created'), h('dd', {}, when(m.createdAt)),
    h('dt', {}, 'Due'), h('dd', {}, when(m.dueAt)),
    h('dt', {}, 'Sent'), h('dd', {}, when(m.sentAt)),
    m.subject ? [h('dt', {}, 'Subject'), h('dd', {}, m.subject)] : null,
    h('dt', {}, 'Text'), h('dd', {}, text(m.text)));
  const events = (m.events || []).map(e => h('li', {},
    h('div', {}, h('strong', {}, e.type), ' ', e.fromStatus || e.toStatus ? [text(e.fromStatus), ' → ', e.toStatus ? statusBadge(e.toStatus) : '—'] : null,
      e.attempt ? ' · attempt ' + e.attempt : ''),
    h('div', { class: 'at' }, when(e.at), e.providerId ? ' · ' + e.providerId : ''),
    e.detail ? h('div', {}, e.detail) : null));
  const actions = [];
  if (ctx.allowed('supervisor') && ['scheduled', 'queued'].includes(m.status)) {
    actions.push(button('Cancel message', (e) => act(e.target, note, async () => {
      await api.post('/v1/messages/' + id + '/cancel');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    }), { class: 'danger' }));
  }
  if (ctx.allowed('supervisor') && ['failed', 'unknown'].includes(m.status)) {
    actions.push(h('a', { class: 'button secondary', href: '#/queues' }, 'Retry from the queue board'));
  }
  return page('Message ' + id, h('p', {}, h('a', { href: '#/messages' }, '← All messages')),
    h('section', {}, h('h2', {}, 'Details'), facts, actions.length ? h('div', { class: 'actions' }, actions) : null, note),
    h('section', {}, h('h2', {}, 'Timeline'),
      events.length ? h('ol', { class: 'timeline', id: 'message-timeline' }, events) : h('p', { class: 'empty' }, 'No events yet.')));
}
