// Contacts: search (GET /v1/contacts), and a contact's detail with consent history and messages.
// Agents get masked phone numbers and emails from the API; this page shows exactly what it is given.

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, when, text, statusBadge, pager } from '../ui.js';

function name(c) {
  return [c.firstName, c.lastName].filter(Boolean).join(' ') || '(no name)';
}

function consentCell(c) {
  const s = c.consent || {};
  return h('span', {}, ['sms', 'email'].map(ch => s[ch] ? h('span', {}, ch + ' ', statusBadge(s[ch].status), ' ') : null));
}

export async function renderList(ctx) {
  const q = input('q', { type: 'search', value: ctx.params.get('q') || '', placeholder: 'name, phone or email', id: 'contact-q' });
  const lists = await api.get('/v1/lists?limit=200').catch(() => ({ data: [] }));
  const listId = select('listId', [['', 'Any list'], ...lists.data.map(l => [l.id, l.name])], ctx.params.get('listId') || '');
  const results = h('div', { id: 'contact-results' });
  const note = notice();

  async function load(cursor, append) {
    const answer = await api.get('/v1/contacts' + api.query({ q: q.value.trim(), listId: listId.value, limit: 50, cursor }));
    const rows = answer.data.map(c => [h('a', { href: '#/contacts/' + c.id }, name(c)), text(c.phone), text(c.email), consentCell(c), when(c.updatedAt)]);
    const t = table(['Name', 'Phone', 'Email', 'Consent', 'Updated'], rows, 'No contacts match.');
    if (append) {
      const tbody = results.querySelector('tbody');
      const more = t.querySelector ? t.querySelectorAll('tbody tr') : [];
      more.forEach(tr => tbody.appendChild(tr));
      results.querySelector('.pager')?.remove();
    } else {
      clear(results, t);
    }
    const p = pager(answer.nextCursor, (c) => act(null, note, () => load(c, true)));
    if (p) {
      p.className = 'pager';
      results.appendChild(p);
    }
  }

  const submit = h('button', { type: 'submit' }, 'Search');
  const form = h('form', { role: 'search', onsubmit: (e) => {
    e.preventDefault();
    act(submit, note, () => load());
  } }, h('div', { class: 'row' }, field('Search', q), field('List', listId), h('div', {}, submit)));
  await load();
  return page('Contacts', form, note, results);
}

export async function renderDetail(ctx) {
  const id = ctx.args[0];
  const [c, consent, messages] = await Promise.all([
    api.get('/v1/contacts/' + id),
    api.get('/v1/contacts/' + id + '/consent?limit=200'),
    api.get('/v1/messages' + api.query({ contactId: id, limit: 50 })),
  ]);
  const lists = await api.get('/v1/lists?limit=200').catch(() => ({ data: [] }));
  const listName = new Map(lists.data.map(l => [l.id, l.name]));
  const attrs = Object.entries(c.attributes || {});
  const facts = h('dl', { class: 'facts' },
    h('dt', {}, 'Phone'), h('dd', { id: 'contact-phone' }, text(c.phone)),
    h('dt', {}, 'Email'), h('dd', { id: 'contact-email' }, text(c.email)),
    h('dt', {}, 'Timezone'), h('dd', {}, text(c.timezone)),
    h('dt', {}, 'Locale'), h('dd', {}, text(c.locale)),
    h('dt', {}, 'Lists'), h('dd', {}, c.listIds.length ? c.listIds.map(l => listName.get(l) || l).join(', ') : '—'),
    h('dt', {}, 'Created'), h('dd', {}, when(c.createdAt)),
    attrs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
  const state = ['sms', 'email'].map(ch => {
    const s = (c.consent || {})[ch] || { status: 'unknown' };
    return [ch, statusBadge(s.status), text(s.source), when(s.at)];
  });
  const sections = [
    h('section', {}, h('h2', {}, 'Details'), facts),
    h('section', {}, h('h2', {}, 'Consent'), table(['Channel', 'Status', 'Source', 'Since'], state),
      h('h3', {}, 'History'),
      table(['When', 'Channel', 'Status', 'Source', 'By'],
        consent.data.map(e => [when(e.at), e.channel, statusBadge(e.status), text(e.source), text(e.actorId)]), 'No consent changes recorded.'),
      ctx.allowed('supervisor') ? consentForm(id) : null),
    h('section', {}, h('h2', {}, 'Messages'),
      table(['Created', 'Channel', 'To', 'Status', ''],
        messages.data.map(m => [when(m.createdAt), m.channel, text(m.to), statusBadge(m.status), h('a', { href: '#/messages/' + m.id }, 'Open')]),
        'No messages to this contact.')),
  ];
  return page(name(c), h('p', {}, h('a', { href: '#/contacts' }, '← All contacts')), sections);
}

function consentForm(id) {
  const note = notice();
  const channel = select('channel', ['sms', 'email']);
  const status = select('status', ['optedIn', 'unknown', 'optedOut']);
  const source = input('source', { value: 'dashboard', required: true });
  const save = h('button', { type: 'submit' }, 'Record consent');
  return h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(save, note, async () => {
      await api.post('/v1/contacts/' + id + '/consent', { channel: channel.value, status: status.value, source: source.value });
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
  } }, h('h3', {}, 'Record a consent change'), h('div', { class: 'row' }, field('Channel', channel), field('Status', status), field('Source', source), h('div', {}, save)), note);
}
