// Providers: accounts with their health and circuit (GET /v1/providers, /v1/providers/{id}/health),
// add and edit (POST/PATCH; secret settings are write-only: never filled in, sent only when typed),
// and each channel's routing rules with prices (GET/PUT /v1/routing/{channel}).

import * as api from '../api.js';
import { h, clear, table, field, input, select, button, notice, act, page, when, text, statusBadge } from '../ui.js';
import { go } from '../main.js';

// The settings each provider type takes (docs/providers.md); the API validates them, this only lays out the form.
const TYPES = {
  simulator: { channels: ['sms', 'email'], fields: [['latencyMs', 'n'], ['jitterMs', 'n'], ['failRate', 'n'], ['timeoutRate', 'n'], ['permanentFailRate', 'n'], ['seed', 'n']] },
  http: { channels: ['sms', 'email'], fields: [['url', 't'], ['authHeader', 't'], ['authValue', 's'], ['timeoutMs', 'n'], ['connectTimeoutMs', 'n']] },
  twilio: { channels: ['sms'], fields: [['accountSid', 't'], ['authToken', 's'], ['from', 't'], ['messagingServiceSid', 't'], ['baseUrl', 't'], ['timeoutMs', 'n'], ['connectTimeoutMs', 'n']] },
  smpp: { channels: ['sms'], fields: [['host', 't'], ['port', 'n'], ['systemId', 't'], ['password', 's'], ['systemType', 't'], ['sourceAddress', 't'],
    ['sourceTon', 'n'], ['sourceNpi', 'n'], ['destTon', 'n'], ['destNpi', 'n'], ['windowSize', 'n'], ['enquireLinkSeconds', 'n'],
    ['submitTimeoutMs', 'n'], ['connectTimeoutMs', 'n'], ['reconnectMinMs', 'n'], ['reconnectMaxMs', 'n']] },
  smtp: { channels: ['email'], fields: [['host', 't'], ['port', 'n'], ['security', 't'], ['username', 't'], ['password', 's'], ['from', 't'],
    ['poolSize', 'n'], ['connectTimeoutMs', 'n'], ['timeoutMs', 'n']] },
  sendgrid: { channels: ['email'], fields: [['baseUrl', 't'], ['apiKey', 's'], ['from', 't'], ['webhookPublicKey', 't'], ['timeoutMs', 'n'], ['connectTimeoutMs', 'n']] },
};

export async function renderList(ctx) {
  const providers = await api.get('/v1/providers?limit=200');
  const health = await Promise.all(providers.data.map(p => api.get('/v1/providers/' + p.id + '/health').catch(() => null)));
  const admin = ctx.allowed('admin');
  const rows = providers.data.map((p, i) => [
    admin ? h('a', { href: '#/providers/' + p.id }, p.name) : p.name, p.type, p.channel, p.enabled ? 'enabled' : 'disabled',
    health[i] ? statusBadge(health[i].state) : '—', p.ratePerSecond == null ? 'no limit' : p.ratePerSecond + ' / s', when(p.updatedAt)]);
  const routing = await Promise.all(['sms', 'email'].map(ch => api.get('/v1/routing/' + ch)));
  return page('Providers',
    admin ? h('p', {}, h('a', { class: 'button', href: '#/providers/new', id: 'provider-add' }, 'Add a provider')) : null,
    h('section', {}, h('h2', {}, 'Accounts'),
      table(['Name', 'Type', 'Channel', 'State', 'Circuit', 'Rate', 'Updated'], rows, 'No provider accounts yet.')),
    routing.map(r => routingSection(r, providers.data.filter(p => p.channel === r.channel), admin)));
}

function routingSection(r, providers, admin) {
  const note = notice();
  const body = h('tbody', {});
  const sticky = h('input', { type: 'checkbox', checked: r.stickySender, disabled: !admin, id: 'sticky-' + r.channel });
  const names = new Map(providers.map(p => [p.id, p.name]));

  function addRow(rule) {
    const cells = {
      prefix: input('prefix', { value: rule.prefix || '', placeholder: '+44', 'aria-label': 'Prefix', disabled: !admin }),
      providerId: select('providerId', providers.map(p => [p.id, p.name]), rule.providerId, { 'aria-label': 'Provider', disabled: !admin }),
      price: input('price', { type: 'number', step: 'any', min: 0, value: rule.price ?? '', 'aria-label': 'Price', disabled: !admin }),
      currency: input('currency', { value: rule.currency || '', maxlength: 3, placeholder: 'GBP', 'aria-label': 'Currency', disabled: !admin }),
      priority: input('priority', { type: 'number', value: rule.priority ?? '', 'aria-label': 'Priority', disabled: !admin }),
    };
    const tr = h('tr', {}, Object.values(cells).map(c => h('td', {}, c)),
      h('td', {}, admin ? button('Remove', () => tr.remove(), { class: 'secondary' }) : names.get(rule.providerId) ? '' : '(unknown provider)'));
    tr.cells_ = cells;
    body.appendChild(tr);
  }
  r.rules.forEach(addRow);
  const save = button('Save routing', (e) => act(e.target, note, async () => {
    const rules = [...body.children].map(tr => {
      const c = tr.cells_;
      const rule = { prefix: c.prefix.value.trim(), providerId: c.providerId.value };
      if (c.price.value !== '') {
        rule.price = Number(c.price.value);
      }
      if (c.currency.value.trim()) {
        rule.currency = c.currency.value.trim().toUpperCase();
      }
      if (c.priority.value !== '') {
        rule.priority = Number(c.priority.value);
      }
      return rule;
    });
    await api.put('/v1/routing/' + r.channel, { rules, stickySender: sticky.checked });
    note.ok('Routing for ' + r.channel + ' saved.');
  }));
  return h('section', {}, h('h2', {}, 'Routing and prices: ' + r.channel),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Prefix', 'Provider', 'Price', 'Currency', 'Priority', ''].map(x => h('th', { scope: 'col' }, x)))), body)),
    h('label', { class: 'check', for: sticky.id }, sticky, 'Sticky sender (keep one provider per recipient)'),
    admin ? h('div', { class: 'actions' }, providers.length ? button('Add a rule', () => addRow({})) : h('span', { class: 'hint' }, 'Add a ' + r.channel + ' provider first.'), save) : null,
    note);
}

export async function renderForm(ctx) {
  const id = ctx.args[0];
  const existing = id ? await api.get('/v1/providers/' + id) : null;
  const note = notice();
  const name = input('name', { value: existing ? existing.name : '', required: true, id: 'prov-name' });
  const type = select('type', Object.keys(TYPES), existing ? existing.type : 'simulator', { id: 'prov-type', disabled: !!existing });
  const channel = select('channel', ['sms', 'email'], existing ? existing.channel : 'sms', { id: 'prov-channel', disabled: !!existing });
  const rate = input('ratePerSecond', { type: 'number', step: 'any', min: 0, value: existing && existing.ratePerSecond != null ? existing.ratePerSecond : '', id: 'prov-rate' });
  const enabled = h('input', { type: 'checkbox', checked: existing ? existing.enabled : true, id: 'prov-enabled' });
  const configBox = h('div', { class: 'row', id: 'prov-config' });
  let controls = [];

  function layout() {
    const t = TYPES[type.value] || { fields: [] };
    controls = t.fields.map(([key, kind]) => {
      const current = existing && existing.type === type.value ? existing.config[key] : undefined;
      const attrs = { id: 'cfg-' + key, 'data-key': key, 'data-kind': kind };
      if (kind === 's') {
        // Write-only: the stored value is never shown; an empty box keeps it.
        Object.assign(attrs, { type: 'password', autocomplete: 'off', placeholder: existing ? 'unchanged (write-only)' : '' });
      } else {
        Object.assign(attrs, { type: kind === 'n' ? 'number' : 'text', step: 'any', value: current === undefined || current === null ? '' : current });
      }
      return input(key, attrs);
    });
    clear(configBox, controls.map(c => field(c.dataset.key, c, c.dataset.kind === 's' ? 'secret' : null)));
  }
  type.addEventListener('change', layout);
  layout();

  const save = h('button', { type: 'submit', id: 'prov-save' }, existing ? 'Save changes' : 'Add provider');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(save, note, async () => {
      const config = {};
      for (const c of controls) {
        const key = c.dataset.key;
        if (c.value === '') {
          if (existing && c.dataset.kind !== 's' && existing.config[key] !== undefined) {
            config[key] = null;
          }
          continue;
        }
        config[key] = c.dataset.kind === 'n' ? Number(c.value) : c.value;
      }
      const body = { name: name.value.trim(), config, enabled: enabled.checked };
      if (rate.value !== '') {
        body.ratePerSecond = Number(rate.value);
      }
      if (existing) {
        if (rate.value === '' && existing.ratePerSecond != null) {
          body.clearRate = true;
        }
        await api.patch('/v1/providers/' + id, body);
        note.ok('Saved.');
      } else {
        body.type = type.value;
        body.channel = channel.value;
        const created = await api.post('/v1/providers', body, api.idempotencyKey());
        go('/providers/' + created.id);
      }
    });
  } },
  h('section', {}, h('div', { class: 'row' }, field('Name', name), field('Type', type), field('Channel', channel),
    field('Rate limit (messages per second)', rate, 'Empty for no limit.')),
  h('label', { class: 'check', for: enabled.id }, enabled, 'Enabled')),
  h('section', {}, h('h2', {}, 'Settings'), configBox),
  h('div', { class: 'actions' }, save, existing ? button('Delete provider', (ev) => act(ev.target, note, async () => {
    if (confirm('Delete ' + existing.name + '?')) {
      await api.del('/v1/providers/' + id);
      go('/providers');
    }
  }), { class: 'danger' }) : null), note);
  const health = existing ? await api.get('/v1/providers/' + id + '/health').catch(() => null) : null;
  return page(existing ? 'Provider ' + existing.name : 'Add a provider', h('p', {}, h('a', { href: '#/providers' }, '← Providers')),
    health ? h('p', {}, 'Circuit: ', statusBadge(health.state), health.enabled ? '' : ' (disabled)') : null, form,
    existing ? h('p', { class: 'hint' }, 'Created ' + when(existing.createdAt) + ', updated ' + when(existing.updatedAt) + '. ' + text(existing.id)) : null);
}
