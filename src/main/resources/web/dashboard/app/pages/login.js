import * as api from '../api.js';
import { h, field, input, notice, act, page } from '../ui.js';
import { loggedIn } from '../main.js';

export function render() {
  const note = notice();
  const email = input('email', { type: 'email', autocomplete: 'username', required: true, id: 'login-email' });
  const password = input('password', { type: 'password', autocomplete: 'current-password', required: true, id: 'login-password' });
  const submit = h('button', { type: 'submit', id: 'login-submit' }, 'Log in');
  const form = h('form', { class: 'narrow', onsubmit: (e) => {
    e.preventDefault();
    act(submit, note, async () => {
      const answer = await api.post('/v1/auth/login', { email: email.value, password: password.value });
      password.value = '';
      await loggedIn(answer);
    });
  } }, field('Email', email), field('Password', password), submit, note);
  return page('Log in to Parley', form);
}
