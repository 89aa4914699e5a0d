// Suppressions: addresses never sent to on a channel (GET/POST/DELETE /v1/suppressions).

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, when, text } from '../ui.js';

export async function render(ctx) {
  const note = notice();
  const channelFilter = select('channel', [['', 'Both channels'], 'sms', 'email'], ctx.params.get('channel') || '');
  const results = h('div', {});

  async function load() {
    const answer = await api.get('/v1/suppressions' + api.query({ channel: channelFilter.value, limit: 200 }));
    clear(results, table(['Channel', 'Address', 'Reason', 'Source', 'Since', ''], answer.data.map(s => [s.channel, text(s.address),
      text(s.reason), s.source, when(s.createdAt),
      button('Remove', (e) => act(e.target, note, async () => {
        if (confirm('Remove this suppression? Parley may then send to the address again.')) {
          await api.del('/v1/suppressions/' + s.id);
          await load();
        }
      }), { class: 'secondary', 'aria-label': 'Remove suppression of ' + (s.address || s.id) })]), 'No suppressed addresses.'));
  }
  channelFilter.addEventListener('change', () => act(null, note, load));

  const channel = select('channel', ['sms', 'email'], 'sms', { id: 'sup-channel' });
  const address = input('address', { required: true, id: 'sup-address', placeholder: '+447700900123 or someone@example.com' });
  const reason = input('reason', { id: 'sup-reason' });
  const add = h('button', { type: 'submit' }, 'Suppress');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(add, note, async () => {
      const body = { channel: channel.value, address: address.value.trim() };
      if (reason.value.trim()) {
        body.reason = reason.value.trim();
      }
      await api.post('/v1/suppressions', body);
      address.value = '';
      reason.value = '';
      note.ok('Suppressed.');
      await load();
    });
  } }, h('div', { class: 'row' }, field('Channel', channel), field('Address', address), field('Reason', reason), h('div', {}, add)));
  await load();
  return page('Suppressions', h('section', {}, h('h2', {}, 'Suppress an address'), form, note),
    h('section', {}, h('div', { class: 'row' }, field('Show', channelFilter)), results));
}
