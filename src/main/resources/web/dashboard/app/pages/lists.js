// Lists: the tenant's contact lists (GET /v1/lists), creating one, and each list's contacts.

import * as api from '../api.js';
import { h, table, field, input, notice, act, page, when, text } from '../ui.js';

export async function render(ctx) {
  const answer = await api.get('/v1/lists?limit=200');
  const rows = answer.data.map(l => [h('a', { href: '#/contacts?listId=' + l.id }, l.name), text(l.description),
    l.memberCount === undefined ? '—' : String(l.memberCount), when(l.createdAt)]);
  const content = [h('section', {}, table(['Name', 'Description', 'Members', 'Created'], rows, 'No lists yet.'))];
  if (ctx.allowed('supervisor')) {
    const note = notice();
    const name = input('name', { required: true, maxlength: 200, id: 'list-name' });
    const description = input('description', { id: 'list-description' });
    const save = h('button', { type: 'submit' }, 'Create list');
    content.push(h('section', {}, h('h2', {}, 'New list'), h('form', { onsubmit: (e) => {
      e.preventDefault();
      act(save, note, async () => {
        const body = { name: name.value.trim() };
        if (description.value.trim()) {
          body.description = description.value.trim();
        }
        await api.post('/v1/lists', body, api.idempotencyKey());
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      });
    } }, h('div', { class: 'row' }, field('Name', name), field('Description', description), h('div', {}, save)), note)));
  }
  return page('Lists', content);
}
