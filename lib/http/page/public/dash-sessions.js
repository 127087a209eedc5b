// rtmp-engine dashboard: the selected stream's sessions (publisher, RTMP
// players, HLS/DASH viewers) with a kick button. Kicking asks for a second
// click within 4 s (no modal dialog), then DELETE /api/v1/sessions/{id}.

import { bytes, setText, since } from './dash-format.js';

const CONFIRM_MS = 4000;

function cell(text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

export class SessionTable {
  constructor(table, count, { api, onError, onKicked }) {
    this.body = table.tBodies[0];
    this.count = count;
    this.api = api;
    this.onError = onError;
    this.onKicked = onKicked;
    this.rows = new Map();
    this.body.addEventListener('click', (e) => {
      const button = e.target.closest('button.kick');
      if (button) this.onKick(button);
    });
  }

  /** sessions: the `sessions` of GET /api/v1/sessions?stream=…, total its `total`. */
  render(sessions, total) {
    const seen = new Set();
    const rows = sessions.map((s) => {
      seen.add(s.id);
      let row = this.rows.get(s.id);
      if (!row) {
        row = this.build(s);
        this.rows.set(s.id, row);
      }
      this.fill(row, s);
      return row;
    });
    for (const id of this.rows.keys()) if (!seen.has(id)) this.rows.delete(id);
    this.body.replaceChildren(...rows);
    setText(this.count, total > sessions.length ? sessions.length + ' of ' + total : String(total));
  }

  clear() {
    this.render([], 0);
  }

  build(s) {
    const tr = document.createElement('tr');
    tr.setAttribute('data-session', s.id);
    const role = s.role === 'publisher' ? 'publisher' : 'player';
    tr.append(
      cell(s.id, 'mono'),
      cell(role, 'role role-' + role),
      cell(s.protocol.toUpperCase()),
      cell(s.ip ? s.ip + (s.port ? ':' + s.port : '') : '–', 'mono'),
      cell(''),
      cell('', 'mono'),
    );
    const td = document.createElement('td');
    td.className = 'actions';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'kick';
    button.textContent = 'Kick';
    button.setAttribute('data-id', s.id);
    button.setAttribute('aria-label', 'Kick session ' + s.id);
    td.append(button);
    tr.append(td);
    return tr;
  }

  fill(tr, s) {
    setText(tr.cells[4], since(s.sinceMs));
    const traffic = s.protocol === 'rtmp' ? (s.role === 'publisher' ? '↓ ' + bytes(s.bytesIn) : '↑ ' + bytes(s.bytesOut)) : '–';
    setText(tr.cells[5], traffic);
  }

  async onKick(button) {
    if (button.getAttribute('data-confirm') !== '1') {
      button.setAttribute('data-confirm', '1');
      button.textContent = 'Sure?';
      setTimeout(() => {
        button.removeAttribute('data-confirm');
        button.textContent = 'Kick';
      }, CONFIRM_MS);
      return;
    }
    const id = button.getAttribute('data-id');
    button.disabled = true;
    try {
      await this.api.remove('/sessions/' + encodeURIComponent(id));
      const row = this.rows.get(id);
      if (row) row.remove();
      this.rows.delete(id);
      this.onKicked(id);
    } catch (err) {
      button.disabled = false;
      this.onError('Kick failed: ' + err.message);
    }
  }
}
