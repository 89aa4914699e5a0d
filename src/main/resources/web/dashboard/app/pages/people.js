// Users, roles and API keys (owners and admins): /v1/users and /v1/api-keys. A key's secret is shown
// once, in the create answer, and never again; nobody may grant a role above their own.

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, when, text } from '../ui.js';

const RANK = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

export async function render(ctx) {
  const mine = RANK[ctx.me.role];
  const grantable = Object.keys(RANK).filter(r => RANK[r] <= mine).reverse();
  const usersBox = h('div', { id: 'users' });
  const keysBox = h('div', { id: 'keys' });
  const note = notice();

  async function loadUsers() {
    const users = await api.get('/v1/users?limit=200');
    clear(usersBox, table(['Email', 'Name', 'Role', 'State', 'Last login', ''], users.data.map(u => {
      const self = ctx.me.user && ctx.me.user.id === u.id;
      const role = select('role', u.role === 'owner' || RANK[u.role] > mine ? [u.role] : grantable, u.role,
        { 'aria-label': 'Role of ' + u.email, disabled: self || RANK[u.role] > mine });
      role.addEventListener('change', () => act(role, note, async () => {
        await api.patch('/v1/users/' + u.id, { role: role.value });
        note.ok('Role of ' + u.email + ' is now ' + role.value + '.');
      }));
      const toggle = button(u.disabled ? 'Enable' : 'Disable', (e) => act(e.target, note, async () => {
        await api.patch('/v1/users/' + u.id, { disabled: !u.disabled });
        await loadUsers();
      }), { class: 'secondary', disabled: self, 'aria-label': (u.disabled ? 'Enable ' : 'Disable ') + u.email });
      const remove = button('Delete', (e) => act(e.target, note, async () => {
        if (confirm('Delete ' + u.email + '?')) {
          await api.del('/v1/users/' + u.id);
          await loadUsers();
        }
      }), { class: 'secondary', disabled: self, 'aria-label': 'Delete ' + u.email });
      return [u.email, text(u.name), role, u.disabled ? 'disabled' : 'active', when(u.lastLoginAt), h('div', { class: 'actions' }, toggle, remove)];
    })));
  }

  async function loadKeys() {
    const keys = await api.get('/v1/api-keys?limit=200');
    clear(keysBox, table(['Name', 'Role', 'Prefix', 'Created', 'Last used', ''], keys.data.map(k => [k.name, k.role, k.prefix,
      when(k.createdAt), when(k.lastUsedAt), button('Revoke', (e) => act(e.target, note, async () => {
        if (confirm('Revoke the key ' + k.name + '? Programs using it will be refused.')) {
          await api.del('/v1/api-keys/' + k.id);
          await loadKeys();
        }
      }), { class: 'secondary', 'aria-label': 'Revoke key ' + k.name })]), 'No API keys.'));
  }

  const email = input('email', { type: 'email', required: true, id: 'user-email' });
  const name = input('name', { id: 'user-name' });
  const role = select('role', grantable, 'agent', { id: 'user-role' });
  const password = input('password', { type: 'password', autocomplete: 'new-password', minlength: 10, id: 'user-password' });
  const addUser = h('button', { type: 'submit', id: 'user-add' }, 'Add user');
  const created = h('div', { 'aria-live': 'polite' });
  const userForm = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(addUser, note, async () => {
      const body = { email: email.value.trim(), role: role.value };
      if (name.value.trim()) {
        body.name = name.value.trim();
      }
      if (password.value) {
        body.password = password.value;
      }
      const answer = await api.post('/v1/users', body, api.idempotencyKey());
      password.value = '';
      clear(created, answer.password
        ? h('p', {}, 'Initial password for ' + answer.user.email + ' (shown once): ', h('span', { class: 'secret' }, answer.password))
        : h('p', { class: 'ok' }, 'Added ' + answer.user.email + '.'));
      await loadUsers();
    });
  } }, h('div', { class: 'row' }, field('Email', email), field('Name', name), field('Role', role),
    field('Password', password, 'Leave empty to have Parley make one.'), h('div', {}, addUser)), created);

  const keyName = input('name', { required: true, id: 'key-name' });
  const keyRole = select('role', grantable, 'agent', { id: 'key-role' });
  const addKey = h('button', { type: 'submit', id: 'key-add' }, 'Create key');
  const secret = h('div', { 'aria-live': 'polite' });
  const keyForm = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(addKey, note, async () => {
      const answer = await api.post('/v1/api-keys', { name: keyName.value.trim(), role: keyRole.value }, api.idempotencyKey());
      clear(secret, h('p', {}, 'Copy the key now; Parley shows it only once: '), h('p', { class: 'secret', id: 'new-key' }, answer.key));
      await loadKeys();
    });
  } }, h('div', { class: 'row' }, field('Name', keyName), field('Role', keyRole), h('div', {}, addKey)), secret);

  await Promise.all([loadUsers(), loadKeys()]);
  return page('Users & API keys', note,
    h('section', {}, h('h2', {}, 'Users'), usersBox, h('h3', {}, 'Add a user'), userForm),
    h('section', {}, h('h2', {}, 'API keys'), keysBox, h('h3', {}, 'Create a key'), keyForm));
}
