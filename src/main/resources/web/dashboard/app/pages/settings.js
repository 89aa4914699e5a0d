// Tenant settings (GET/PATCH /v1/settings): name, default region, timezone, help and stop replies, retention.

import * as api from '../api.js';
import { h, field, input, notice, act, page } from '../ui.js';

const RETENTION = [['messagesDays', 'Messages'], ['inboundDays', 'Inbound messages'], ['importsDays', 'Import files'], ['auditDays', 'Audit events']];

export async function render() {
  const s = await api.get('/v1/settings');
  const note = notice();
  const name = input('name', { value: s.name, required: true, id: 'set-name' });
  const region = input('defaultRegion', { value: s.defaultRegion || '', maxlength: 2, id: 'set-region', placeholder: 'GB' });
  const timezone = input('timezone', { value: s.timezone || '', id: 'set-timezone', placeholder: 'Europe/London' });
  const help = h('textarea', { name: 'helpText', id: 'set-help', maxlength: 1000 }, s.helpText || '');
  const stop = h('textarea', { name: 'stopConfirmation', id: 'set-stop', maxlength: 1000 }, s.stopConfirmation || '');
  const retention = RETENTION.map(([key, label]) => [key, label,
    input(key, { type: 'number', min: 1, max: 36500, value: s.retention && s.retention[key] != null ? s.retention[key] : '', id: 'set-' + key })]);
  const save = h('button', { type: 'submit', id: 'settings-save' }, 'Save settings');
  const form = h('form', { onsubmit: (e) => {
    e.preventDefault();
    act(save, note, async () => {
      const body = { name: name.value.trim(), timezone: timezone.value.trim(), helpText: help.value, stopConfirmation: stop.value };
      if (region.value.trim()) {
        body.defaultRegion = region.value.trim().toUpperCase();
      }
      const r = {};
      for (const [key, , control] of retention) {
        if (control.value !== '') {
          r[key] = Number(control.value);
        }
      }
      if (Object.keys(r).length) {
        body.retention = r;
      }
      await api.patch('/v1/settings', body);
      note.ok('Saved.');
    });
  } },
  h('section', {}, h('h2', {}, 'Tenant'), h('div', { class: 'row' }, field('Name', name),
    field('Default region', region, 'ISO 3166 code used for phone numbers written without +country code.'),
    field('Timezone', timezone, 'IANA zone, e.g. Europe/London.'))),
  h('section', {}, h('h2', {}, 'Replies to keywords'),
    field('HELP reply', help, 'Sent when someone texts HELP.'),
    field('STOP confirmation', stop, 'Sent once when someone texts STOP.')),
  h('section', {}, h('h2', {}, 'Retention (days)'),
    h('p', { class: 'hint' }, 'Older data is deleted by the retention job. Leave a box empty to keep its current value.'),
    h('div', { class: 'row' }, retention.map(([, label, control]) => field(label, control)))),
  h('div', {}, save), note);
  return page('Settings', form);
}
