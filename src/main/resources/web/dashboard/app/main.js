// The dashboard shell: who is logged in, the navigation their role allows, and a hash router that
// renders one page at a time into <main>. Nothing is kept in localStorage or sessionStorage.

import * as api from './api.js';
import { h, clear, notice } from './ui.js';
import * as login from './pages/login.js';
import * as overview from './pages/overview.js';
import * as contacts from './pages/contacts.js';
import * as imports from './pages/imports.js';
import * as lists from './pages/lists.js';
import * as suppressions from './pages/suppressions.js';
import * as messages from './pages/messages.js';
import * as providers from './pages/providers.js';
import * as queues from './pages/queues.js';
import * as people from './pages/people.js';
import * as settings from './pages/settings.js';
import * as campaigns from './pages/campaigns.js';
import * as campaignWizard from './pages/campaign-wizard.js';
import * as operator from './pages/operator.js';

const RANK = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

// Navigation in order; `role` is the least role that may open the page (the API enforces it anyway).
const NAV = [
  { path: '/', label: 'Overview', role: 'supervisor' },
  { path: '/contacts', label: 'Contacts', role: 'agent' },
  { path: '/imports', label: 'Import', role: 'supervisor' },
  { path: '/lists', label: 'Lists', role: 'agent' },
  { path: '/suppressions', label: 'Suppressions', role: 'supervisor' },
  { path: '/campaigns', label: 'Campaigns', role: 'agent' },
  { path: '/messages', label: 'Messages', role: 'agent' },
  { path: '/providers', label: 'Providers', role: 'supervisor' },
  { path: '/queues', label: 'Queues', role: 'supervisor' },
  { path: '/people', label: 'Users & keys', role: 'admin' },
  { path: '/settings', label: 'Settings', role: 'admin' },
];

// A platform operator has no tenant: only these pages, which tenant users never see (and the API refuses).
const OPERATOR_NAV = [
  { path: '/operator/queues', label: 'Platform queues' },
  { path: '/operator/tenants', label: 'Tenants' },
];

const OPERATOR_ROUTES = [
  [/^\/operator\/queues$/, operator.renderQueues],
  [/^\/operator\/tenants$/, operator.renderTenants],
];

const ROUTES = [
  [/^\/login$/, login.render],
  [/^\/$/, overview.render],
  [/^\/contacts$/, contacts.renderList],
  [/^\/contacts\/(ctc_[0-9A-Z]+)$/, contacts.renderDetail],
  [/^\/imports$/, imports.render],
  [/^\/imports\/(imp_[0-9A-Z]+)$/, imports.renderJob],
  [/^\/lists$/, lists.render],
  [/^\/suppressions$/, suppressions.render],
  [/^\/campaigns$/, campaigns.renderList],
  [/^\/campaigns\/new$/, campaignWizard.render],
  [/^\/campaigns\/(cmp_[0-9A-Z]+)$/, campaigns.renderDetail],
  [/^\/campaigns\/(cmp_[0-9A-Z]+)\/edit$/, campaignWizard.renderEdit],
  [/^\/messages$/, messages.renderList],
  [/^\/messages\/(msg_[0-9A-Z]+)$/, messages.renderDetail],
  [/^\/providers$/, providers.renderList],
  [/^\/providers\/new$/, providers.renderForm],
  [/^\/providers\/(prv_[0-9A-Z]+)$/, providers.renderForm],
  [/^\/queues$/, queues.render],
  [/^\/people$/, people.render],
  [/^\/settings$/, settings.render],
];

const state = { me: null, leave: [] };

export function allowed(role) {
  return state.me && RANK[state.me.role] >= RANK[role];
}

export function go(path) {
  location.hash = '#' + path;
}

function isOperator() {
  return Boolean(state.me) && state.me.role === 'operator';
}

function home() {
  if (isOperator()) {
    return '/operator/queues';
  }
  return allowed('supervisor') ? '/' : '/contacts';
}

async function loadMe() {
  try {
    const me = await api.get('/v1/auth/me');
    state.me = me;
    api.setCsrf(me.csrfToken);
    return me;
  } catch (e) {
    state.me = null;
    api.setCsrf(null);
    return null;
  }
}

export async function loggedIn(answer) {
  api.setCsrf(answer.csrfToken);
  await loadMe();
  go(home());
}

async function logout() {
  try {
    await api.post('/v1/auth/logout');
  } catch (e) {
    // The session may already be gone; either way the user is logged out here.
  }
  state.me = null;
  api.setCsrf(null);
  go('/login');
}

function renderShell() {
  const header = document.getElementById('top');
  const nav = document.getElementById('nav');
  if (!state.me) {
    clear(header, h('span', { class: 'brand' }, 'Parley'));
    clear(nav);
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  const who = state.me.user ? (state.me.user.name || state.me.user.email) : state.me.actorId;
  clear(header,
    h('a', { class: 'brand', href: '#' + home() }, 'Parley'),
    h('span', { class: 'tenant' }, state.me.tenant ? state.me.tenant.name : (isOperator() ? 'Platform' : '')),
    h('span', { class: 'spacer' }),
    h('span', { class: 'who' }, who + ' · ' + state.me.role),
    h('button', { type: 'button', class: 'secondary', id: 'logout', onclick: logout }, 'Log out'));
  const current = location.hash.slice(1) || '/';
  const entries = isOperator() ? OPERATOR_NAV : NAV.filter(n => allowed(n.role));
  clear(nav, h('ul', {}, entries.map(n => {
    const active = n.path === '/' ? current === '/' : current.startsWith(n.path);
    return h('li', {}, h('a', { href: '#' + n.path, 'aria-current': active ? 'page' : null }, n.label));
  })));
}

async function route() {
  state.leave.forEach(fn => fn());
  state.leave = [];
  const path = (location.hash.slice(1) || '/').split('?')[0];
  const params = new URLSearchParams((location.hash.split('?')[1]) || '');
  if (!state.me && path !== '/login') {
    const me = await loadMe();
    if (!me) {
      go('/login');
      return;
    }
  }
  if (state.me && (path === '/login' || isOperator() !== path.startsWith('/operator/'))) {
    go(home());
    return;
  }
  renderShell();
  const main = document.getElementById('main');
  const match = (isOperator() ? OPERATOR_ROUTES : ROUTES).map(([re, fn]) => [path.match(re), fn]).find(([m]) => m);
  if (!match) {
    clear(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no page at ' + path + '.'));
    return;
  }
  const [m, render] = match;
  const ctx = { args: m.slice(1), params, me: state.me, main, onLeave: fn => state.leave.push(fn), allowed };
  clear(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    const content = await render(ctx);
    if (content !== undefined) {
      clear(main, content);
    }
  } catch (e) {
    const note = notice();
    note.fail(e);
    clear(main, h('h1', {}, 'Could not load this page'), note);
  }
  const title = document.getElementById('page-title');
  if (title) {
    title.focus({ preventScroll: true });
    document.title = title.textContent + ' · Parley';
  }
}

api.whenUnauthenticated(() => {
  if (state.me) {
    state.me = null;
    go('/login');
  }
});
window.addEventListener('hashchange', route);
route();
