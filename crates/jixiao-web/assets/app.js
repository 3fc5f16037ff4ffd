// jixiao pages: live editing of the form, review comments, print. Plain JS, no build step.
// Needs grammar.js (exact decimals and target values) loaded first.
'use strict';
(function () {
  document.documentElement.classList.remove('nojs');
  const $ = (s, r) => (r || document).querySelector(s);
  const $$ = (s, r) => Array.from((r || document).querySelectorAll(s));
  const csrf = () => ($('meta[name="csrf-token"]') || {}).content || '';

  const { parseDec, add, decStr, eqDec, shareOf, parseTarget, targetText, meaning } = window.jixiao;

  // ---- places in the form ---------------------------------------------------------------
  const anchor = (p) => 'f' + p.replace(/[^A-Za-z0-9_]/g, '-');
  const isControl = (el) => /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && el.type !== 'hidden' && el.dataset.role !== 'cmp';
  // The element for a JSON Pointer: the field itself, else the nearest enclosing place shown.
  function findEl(path) {
    let p = path;
    for (;;) {
      const all = $$('[data-path]').filter((e) => e.dataset.path === p && !e.closest('template'));
      const best = all.find(isControl) || all.find((e) => e.type !== 'hidden');
      if (best) return best;
      if (!p) return null;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }
  function goTo(path) {
    const el = findEl(path);
    if (!el) return;
    el.scrollIntoView({ block: 'center' });
    el.classList.remove('hl');
    void el.offsetWidth;
    el.classList.add('hl');
    setTimeout(() => el.classList.remove('hl'), 2500);
    if (isControl(el)) el.focus({ preventScroll: true });
  }
  const FIELD = { current: '当年金额', share: '占比', last_year: '上年', year_before: '前年', name: '名称', target: '指标值',
    basis: '指标值确定依据', class: '指标分类', goal: '目标', category: '支出项目类别', total_budget: '项目总预算',
    current_budget: '项目本年度预算', purpose: '主要支出方向和用途', fiscal_year: '预算年度', fill_date: '填报日期',
    unit_name: '部门（单位）名称', filler: '填报人', phone: '联系电话', deadline_year: '截止年度' };
  function label(path) {
    const el = findEl(path);
    const parts = [];
    const sec = el && el.closest('section');
    if (sec && $('h2', sec)) parts.push($('h2', sec).firstChild.textContent.trim());
    const row = el && (el.closest('[data-item]') || el.closest('tr'));
    if (row) {
      const nm = $('input[data-path$="/name"]', row);
      const i = row.dataset.path ? Number(row.dataset.path.split('/').pop()) : NaN;
      const what = Number.isNaN(i) ? '' : `第 ${i + 1} ${row.tagName === 'LI' ? '段' : '行'}`;
      parts.push(what + (nm && nm.value ? `「${nm.value.slice(0, 16)}」` : ''));
    }
    const last = path.split('/').pop();
    if (FIELD[last]) parts.push(last === 'current' && /total/.test(path) ? '合计' : FIELD[last]);
    return parts.filter(Boolean).join(' · ') || '整张表';
  }

  document.addEventListener('click', (ev) => {
    const go = ev.target.closest('[data-goto]');
    if (go) { ev.preventDefault(); goTo(go.dataset.goto); return; }
    const act = ev.target.closest('[data-act="print"]');
    if (act) window.print();
  });
  // A chart's table prints with it (the tables fold away on screen).
  window.addEventListener('beforeprint', () => {
    document.querySelectorAll('details.chart-table').forEach((d) => { d.open = true; });
  });

  // ---- the editor -----------------------------------------------------------------------
  const ed = $('#ed');
  if (ed) initEditor(ed);

  function initEditor(ed) {
    const bar = $('#toolbar');
    const formId = bar.dataset.formId;
    let version = Number(bar.dataset.version);
    // The findings of the last completed check: at first those the page came with.
    let serverFindings = $$('#finding-list li[class^="sev-"]').map((li) => ({
      severity: li.className.replace('sev-', ''),
      path: ($('a', li) || li).dataset.goto || '',
      message: ($('p', li) || li).textContent,
    }));
    const liveState = $('#live-state');
    const sayLive = (text, stale) => {
      if (!liveState) return;
      liveState.textContent = text;
      liveState.classList.toggle('stale', !!stale);
    };
    // Input that cannot be read comes first; the last check's other findings stay listed (and
    // the panel says they are from the last check) instead of disappearing.
    const withLast = (inputs) => inputs.concat(serverFindings.filter((f) => !inputs.some((i) => i.path === f.path)));
    let dirty = false;
    let timer = null;
    const msg = $('#save-msg');
    const say = (text, cls) => { msg.textContent = text; msg.className = cls || ''; };

    function setAt(root, path, val) {
      const segs = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      let cur = root;
      segs.forEach((s, i) => {
        if (i === segs.length - 1) { cur[s] = val; return; }
        if (cur[s] === undefined) cur[s] = /^\d+$/.test(segs[i + 1]) ? [] : {};
        cur = cur[s];
      });
    }
    const getAt = (root, path) => path.split('/').slice(1).reduce((o, s) => (o == null ? o : o[s]), root);

    // The canonical form JSON from the inputs, and the inputs that cannot be read.
    function buildForm() {
      const root = {};
      const problems = [];
      for (const el of $$('[data-t][name]', ed)) {
        const p = el.dataset.path;
        const v = el.value;
        let val;
        switch (el.dataset.t) {
          case 'str': val = v; break;
          case 'opt': val = v.trim() === '' ? null : v.trim(); break;
          case 'money': case 'pct': {
            const d = parseDec(v);
            if (d === undefined) { problems.push({ path: p, message: `「${v.trim()}」不是有效的金额` }); val = v.trim(); } else val = d === null ? null : decStr(d);
            break;
          }
          case 'year': case 'int': {
            const t = v.trim();
            if (t === '') val = null;
            else if (/^\d{1,6}$/.test(t)) val = Number(t);
            else { problems.push({ path: p, message: `「${t}」不是整数` }); val = t; }
            break;
          }
          case 'target': val = parseTarget(v); break;
          default: val = v;
        }
        setAt(root, p, val);
      }
      for (const tb of $$('tbody.grp', ed)) {
        for (const tr of $$('tr[data-item]', tb)) {
          setAt(root, tr.dataset.path + '/level1', tb.dataset.l1);
          setAt(root, tr.dataset.path + '/level2', tb.dataset.l2);
        }
      }
      for (const el of $$('[data-extra]', ed)) {
        const row = getAt(root, el.dataset.path);
        try { if (row) Object.assign(row, JSON.parse(el.dataset.extra)); } catch (e) { /* keep the row as typed */ }
      }
      return { form: root, problems };
    }

    // Totals, shares, balance and the projects' sum, recomputed exactly.
    function recompute() {
      const totals = {};
      for (const tb of $$('tbody[data-block]', ed)) {
        const rows = $$('tr', tb).filter((tr) => !tr.classList.contains('total'));
        const tot = $('tr.total', tb);
        for (const col of ['current', 'last_year', 'year_before']) {
          let sum = { n: 0n, s: 0 };
          let any = false;
          for (const tr of rows) {
            const d = parseDec($(`input[data-path$="/${col}"]`, tr).value);
            if (d) { sum = add(sum, d); any = true; }
          }
          $(`input[data-path$="/total/${col}"]`, tot).value = any ? decStr(sum) : '';
          if (col === 'current') {
            totals[tb.dataset.block] = any ? sum : null;
            for (const tr of rows) {
              const d = parseDec($('input[data-path$="/current"]', tr).value);
              const sh = d && any ? shareOf(d, sum) : null;
              $('input[data-path$="/share"]', tr).value = sh ? decStr(sh, true) : '';
            }
            const all = any ? shareOf(sum, sum) : null;
            $('input[data-path$="/total/share"]', tot).value = all ? decStr(all, true) : '';
          }
        }
      }
      const bal = $('#balance');
      if (bal) {
        const a = totals.income;
        const b = totals.expenditure;
        const off = a && b && !eqDec(a, b);
        bal.textContent = off ? `收入合计 ${decStr(a)} 与支出合计 ${decStr(b)} 不相等。` : '';
        bal.className = off ? 'balance bad' : 'balance';
      }
      const ps = $('#projects-sum');
      if (ps) {
        let s = { n: 0n, s: 0 };
        $$('input.pcur', ed).forEach((i) => { const d = parseDec(i.value); if (d) s = add(s, d); });
        ps.textContent = $$('input.pcur', ed).length ? `项目本年度预算合计 ${decStr(s)}` : '';
      }
    }

    function showTarget(inp) {
      const v = parseTarget(inp.value);
      const cell = inp.closest('td');
      const m = cell && $('.meaning', cell);
      if (m) { m.textContent = meaning(v); m.classList.toggle('bad', !!v && v.kind === 'unparsed'); }
      const sel = cell && $('select.cmp', cell);
      if (sel) sel.value = v && v.kind === 'quantity' && v.comparator ? v.comparator : '';
    }

    function renderFindings(list) {
      const ul = $('#finding-list');
      ul.textContent = '';
      $$('.mark-error, .mark-warning', ed).forEach((e) => e.classList.remove('mark-error', 'mark-warning'));
      for (const f of list) {
        const li = document.createElement('li');
        li.className = 'sev-' + f.severity;
        const a = document.createElement('a');
        a.href = '#' + anchor(f.path);
        a.dataset.goto = f.path;
        const b = document.createElement('b');
        b.textContent = { error: '错误', warning: '警告' }[f.severity] || '提示';
        a.append(b, ' ' + (f.label || label(f.path)));
        const p = document.createElement('p');
        p.textContent = f.message;
        li.append(a, p);
        ul.append(li);
        const el = findEl(f.path);
        if (el && isControl(el) && f.severity !== 'info') el.classList.add(f.severity === 'error' ? 'mark-error' : 'mark-warning');
      }
      if (!list.length) { const li = document.createElement('li'); li.className = 'none'; li.textContent = '未发现问题。'; ul.append(li); }
      const errors = list.filter((f) => f.severity === 'error').length;
      $('#n-errors').textContent = errors;
      $('#n-warnings').textContent = list.filter((f) => f.severity === 'warning').length;
      const btn = $('#submit-btn');
      btn.disabled = errors > 0;
      $('#submit-reason').textContent = errors ? `尚有 ${errors} 个错误，修正后才能提交。` : '';
    }
    const clientFindings = (problems) => problems.map((p) => ({ code: 'INPUT', severity: 'error', path: p.path, message: p.message }));

    async function api(method, url, body) {
      const res = await fetch(url, {
        method, credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf(), Accept: 'application/json' },
        body: JSON.stringify(body),
      });
      let data = null;
      try { data = await res.json(); } catch (e) { data = null; }
      return { res, data };
    }
    function why(res, data) {
      const m = data && data.message ? data.message : '';
      switch (res.status) {
        case 401: return '登录已过期，请在新窗口重新登录后再保存。';
        case 403: return '没有权限保存这张表。' + m;
        case 409: return `他人已保存了更新的版本${data && data.current_version ? `（第 ${data.current_version} 版）` : ''}，本次未保存。${m}`;
        case 413: return '内容过大，未能保存。';
        case 422: return '内容有误，未能保存：' + (m || '请按检查结果修改。');
        default: return res.status >= 500 ? '服务器暂时无法保存，请稍后再试。' : '未能保存：' + (m || res.status);
      }
    }

    // A save refused because someone saved meanwhile: what differs between the user's form and
    // theirs, side by side, with the two ways on: keep mine (saved on top of theirs), or theirs.
    function showConflict(mine, theirs, theirVersion) {
      const rows = [];
      const leaf = (v) => v === null || v === undefined || typeof v !== 'object' || (!Array.isArray(v) && 'kind' in v);
      // The same value whatever the order of its keys (the server's and the page's JSON differ
      // in key order); a missing value and null are the same.
      const canon = (v) => (v === undefined || v === null ? 'null'
        : Array.isArray(v) ? '[' + v.map(canon).join(',') + ']'
          : typeof v === 'object' ? '{' + Object.keys(v).sort().filter((k) => v[k] !== null && v[k] !== undefined).map((k) => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}'
            : JSON.stringify(v));
      const text = (v) => {
        if (v === null || v === undefined) return '（空）';
        if (typeof v === 'object' && 'kind' in v) return targetText(v);
        if (typeof v === 'object') return Object.values(v).filter((x) => x !== null && typeof x !== 'object').join('，');
        return String(v);
      };
      (function walk(a, b, path) {
        if (leaf(a) || leaf(b)) {
          if (canon(a) !== canon(b)) rows.push({ path, mine: a, theirs: b });
          return;
        }
        const keys = Array.isArray(a) || Array.isArray(b)
          ? [...Array(Math.max((a || []).length, (b || []).length)).keys()]
          : [...new Set([...Object.keys(a || {}), ...Object.keys(b || {})])];
        for (const k of keys) walk(a ? a[k] : null, b ? b[k] : null, path + '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1'));
      })(mine, theirs, '');
      const box = $('#conflict');
      box.textContent = '';
      const h = document.createElement('h2');
      h.textContent = `他人已保存了第 ${theirVersion} 版，您的修改尚未保存`;
      const p = document.createElement('p');
      p.textContent = `下表并排列出您填写的内容与第 ${theirVersion} 版不同的 ${rows.length} 处。页面上保留的是您填写的内容。`;
      const table = document.createElement('table');
      table.className = 'grid diff';
      table.innerHTML = '<thead><tr><th>位置</th><th>您填写的</th><th></th></tr></thead><tbody></tbody>';
      table.tHead.rows[0].cells[2].textContent = `第 ${theirVersion} 版`;
      for (const r of rows) {
        const tr = table.tBodies[0].insertRow();
        for (const [cls, v] of [['where', label(r.path)], ['before', text(r.mine)], ['after', text(r.theirs)]]) {
          const td = tr.insertCell();
          td.className = cls;
          td.textContent = v;
        }
      }
      const keep = document.createElement('button');
      keep.type = 'button';
      keep.className = 'btn primary';
      keep.id = 'keep-mine';
      keep.textContent = `保留我的内容，保存为第 ${theirVersion + 1} 版`;
      keep.addEventListener('click', async () => {
        version = theirVersion;
        bar.dataset.version = version;
        $$('.base-version').forEach((i) => { i.value = version; });
        if (await save()) { box.hidden = true; }
      });
      const drop = document.createElement('button');
      drop.type = 'button';
      drop.className = 'btn';
      drop.id = 'take-theirs';
      drop.textContent = `放弃我的修改，载入第 ${theirVersion} 版`;
      drop.addEventListener('click', () => { dirty = false; window.location.reload(); });
      const actions = document.createElement('p');
      actions.className = 'actions';
      actions.append(keep, ' ', drop);
      box.append(h, p, table, actions);
      box.hidden = false;
      box.scrollIntoView({ block: 'start' });
    }

    let checking = 0;
    async function check() {
      timer = null;
      const { form, problems } = buildForm();
      if (problems.length) {
        renderFindings(withLast(clientFindings(problems)));
        sayLive(`有 ${problems.length} 处无法识别的输入（标红）；其余为上次检查的结果`, true);
        return;
      }
      checking += 1;
      try {
        const { res, data } = await api('POST', '/api/validate', { form, form_id: Number(formId) });
        if (timer) return;
        if (res.ok && data && Array.isArray(data.findings)) {
          serverFindings = data.findings;
          renderFindings(serverFindings);
          sayLive('已按当前内容检查');
        } else if (data && Array.isArray(data.findings)) {
          renderFindings(withLast(data.findings));
          sayLive('有无法接受的输入（标红）；其余为上次检查的结果', true);
        } else {
          sayLive(`检查未能完成（${(data && data.message) || res.status}），显示的是上次检查的结果`, true);
        }
      } catch (e) {
        sayLive('无法连接服务器，显示的是上次检查的结果', true);
      } finally { checking -= 1; }
    }

    async function save() {
      const { form, problems } = buildForm();
      if (problems.length) {
        renderFindings(withLast(clientFindings(problems)));
        say(`有 ${problems.length} 处无法识别的输入，未保存；请先修改标红的格子。`, 'bad');
        return false;
      }
      clearTimeout(timer);
      timer = null;
      say('正在保存…');
      try {
        const { res, data } = await api('PUT', `/api/forms/${formId}`, { base_version: version, form });
        if (!res.ok) {
          say(why(res, data) + ' 您填写的内容仍保留在页面上。', 'bad');
          if (res.status === 409 && data && data.current && data.current_version) showConflict(form, data.current, data.current_version);
          if (data && Array.isArray(data.findings)) renderFindings(withLast(data.findings));
          return false;
        }
        version = data.version;
        bar.dataset.version = version;
        $('#ver').textContent = version;
        $$('.base-version').forEach((i) => { i.value = version; });
        if (Array.isArray(data.findings)) { serverFindings = data.findings; renderFindings(serverFindings); }
        dirty = false;
        const now = new Date();
        say(`已保存（第 ${version} 版，${String(now.getHours()).padStart(2, '0')}:${String(now.getMinutes()).padStart(2, '0')}）`, 'good');
        return true;
      } catch (e) {
        say('网络连接失败，未能保存；您填写的内容仍保留在页面上。', 'bad');
        return false;
      }
    }

    function changed() {
      dirty = true;
      // The totals are recomputed as the user types: the stored total's note is out of date.
      $$('.calc-note', ed).forEach((n) => n.remove());
      say('有未保存的修改（Ctrl+S 保存）');
      clearTimeout(timer);
      timer = setTimeout(check, 600);
    }

    // Rewrites the pointers of a list's items after adding, removing or moving one.
    function renumber(list) {
      const L = list.dataset.list;
      $$('[data-item]', list).filter((it) => it.closest('[data-list]') === list).forEach((it, i) => {
        const oldP = it.dataset.path;
        const newP = `${L}/${i}`;
        if (oldP === newP) return;
        for (const el of [it, ...$$('[data-path]', it)]) {
          const p = el.dataset.path;
          if (p !== oldP && !p.startsWith(oldP + '/')) continue;
          const np = newP + p.slice(oldP.length);
          el.dataset.path = np;
          if (el.hasAttribute('name')) el.setAttribute('name', np);
          if (el.id) el.id = anchor(np);
        }
      });
    }
    // Names each cell's control after its column, for screen readers.
    function labelCells(scope) {
      for (const tr of $$('table.ind tr[data-item], table.projects tr[data-item]', scope)) {
        const heads = $$('thead th', tr.closest('table')).map((th) => th.textContent.trim());
        Array.from(tr.cells).forEach((td, i) => {
          for (const c of $$('input, select, textarea', td)) if (!c.hasAttribute('aria-label') && heads[i]) c.setAttribute('aria-label', heads[i]);
        });
      }
    }
    function fromTemplate(id, listPath) {
      const frag = $('#' + id).content.cloneNode(true);
      for (const el of $$('[data-path], [name], [id]', frag)) {
        for (const attr of ['data-path', 'name', 'id']) {
          const v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace('__L__', listPath).replace(/__i__/g, 'new'));
        }
        if (el.dataset.path && el.hasAttribute('name')) el.id = anchor(el.dataset.path);
      }
      const item = frag.firstElementChild;
      decorate(item);
      return item;
    }
    // Script-only controls: move/remove buttons on every item, a comparator list by every target.
    function decorate(root) {
      const items = root.hasAttribute && root.hasAttribute('data-item') ? [root] : $$('[data-item]', root);
      for (const it of items) {
        const span = document.createElement('span');
        span.className = 'tools';
        for (const [act, text, title] of [['up', '↑', '上移'], ['down', '↓', '下移'], ['del', '✕', '删除']]) {
          const b = document.createElement('button');
          b.type = 'button';
          b.dataset.act = act;
          b.textContent = text;
          b.title = title;
          if (act === 'del') b.className = 'del';
          span.append(b);
        }
        ($('td.tl', it) || it).append(span);
      }
      for (const inp of $$('input.target', root)) {
        const sel = document.createElement('select');
        sel.className = 'cmp';
        sel.dataset.role = 'cmp';
        sel.dataset.path = inp.dataset.path;
        sel.setAttribute('aria-label', '计算符号');
        sel.title = '计算符号（— 表示未写符号）';
        for (const c of ['', '≥', '>', '=', '≤', '<']) sel.add(new Option(c || '—', c));
        inp.before(sel);
        showTarget(inp);
      }
    }
    function countGroup(tb) {
      const c = $('.grp-head .muted', tb);
      if (c) c.textContent = `（${$$('tr[data-item]', tb).length} 项）`;
    }
    function addIndicator(tb) {
      const table = tb.closest('table');
      const row = fromTemplate('tpl-ind-' + table.dataset.table, table.dataset.list);
      const cls = $('select[data-path$="/class"]', row);
      if (tb.dataset.class) cls.value = tb.dataset.class;
      tb.append(row);
      renumber(table);
      labelCells(table);
      countGroup(tb);
      $('input[data-path$="/name"]', row).focus();
    }

    // ---- suggestions from the region's indicator library for a row's name --------------
    // Focusing or typing in a level-3 name lists the library's entries for the row's level-2
    // node (the unit's own last year first, the bureau's approved ones first within a rank);
    // picking one fills the name, the direction and unit of the target, and the basis, and shows
    // the typical range. Without a library (or offline) nothing is shown and typing goes on.
    const sugg = document.createElement('ul');
    sugg.id = 'lib-suggest';
    sugg.className = 'suggest';
    sugg.hidden = true;
    sugg.setAttribute('role', 'listbox');
    sugg.setAttribute('aria-label', '指标库建议');
    let suggFor = null;
    let suggItems = [];
    let suggActive = -1;
    let suggTimer = null;
    let suggSeq = 0;
    const squash = (v) => String(v || '').replace(/\s+/g, '').toLowerCase();
    const isNameInput = (el) => !!(el && el.matches && el.matches('table.ind input.name') && el.closest('tbody.grp'));
    function closeSuggest() {
      sugg.hidden = true;
      suggActive = -1;
      if (suggFor) {
        suggFor.removeAttribute('aria-activedescendant');
        suggFor.setAttribute('aria-expanded', 'false');
      }
    }
    async function fetchSuggest(inp) {
      const tb = inp.closest('tbody.grp');
      const seq = ++suggSeq;
      const q = inp.value.trim().slice(0, 100);
      const url = `/api/forms/${formId}/library/suggestions?level2=${encodeURIComponent((tb.dataset.l2 || '').slice(0, 100))}&q=${encodeURIComponent(q)}`;
      let data = null;
      try {
        const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
        if (res.ok) data = await res.json();
      } catch (e) { data = null; }
      if (seq !== suggSeq || document.activeElement !== inp) return;
      // Indicators already in the table are not offered again.
      const used = new Set($$('input.name', inp.closest('table')).filter((i) => i !== inp).map((i) => squash(i.value)));
      suggItems = (data && Array.isArray(data.suggestions) ? data.suggestions : [])
        .filter((s) => !used.has(squash(s.entry.key)) && !used.has(squash(s.entry.name)));
      renderSuggest(inp);
    }
    function renderSuggest(inp) {
      sugg.textContent = '';
      if (!suggItems.length) { closeSuggest(); return; }
      suggItems.forEach((s, i) => {
        const e = s.entry;
        const li = document.createElement('li');
        li.id = `lib-sug-${i}`;
        li.dataset.i = String(i);
        li.setAttribute('role', 'option');
        const b = document.createElement('b');
        b.textContent = e.name;
        const kind = document.createElement('span');
        kind.className = 'muted';
        kind.textContent = ' ' + (e.direction === '定性' ? '定性' : [e.direction, e.unit].filter(Boolean).join(' '));
        const why = document.createElement('small');
        why.textContent = s.reasons.concat(s.typical ? [s.typical] : []).join('；');
        li.append(b, kind, why);
        sugg.append(li);
      });
      suggFor = inp;
      inp.closest('td').append(sugg);
      sugg.hidden = false;
      inp.setAttribute('aria-expanded', 'true');
      inp.setAttribute('aria-controls', 'lib-suggest');
      moveSuggest(-1);
    }
    function moveSuggest(i) {
      suggActive = i;
      $$('li', sugg).forEach((li, k) => li.setAttribute('aria-selected', String(k === i)));
      if (suggFor && i >= 0) suggFor.setAttribute('aria-activedescendant', `lib-sug-${i}`);
      else if (suggFor) suggFor.removeAttribute('aria-activedescendant');
    }
    function pickSuggest(i) {
      const s = suggItems[i];
      const inp = suggFor;
      if (!s || !inp) return;
      const e = s.entry;
      const tr = inp.closest('tr');
      inp.value = e.name;
      const t = $('input.target', tr);
      const numeric = e.direction !== '定性' && (e.unit || e.direction);
      if (t && !t.value.trim()) {
        if (numeric) {
          // The unit waits for the number the user types (see the change handler).
          t.dataset.unit = e.unit || '';
          t.dataset.dir = e.direction === '=' ? '' : (e.direction || '');
          const median = e.spread ? e.spread.median : '';
          t.placeholder = median ? `如 ${t.dataset.dir}${median}${e.unit}` : `数值（${e.unit || '无单位'}）`;
          const cmp = $('select.cmp', t.closest('td'));
          if (cmp) cmp.value = t.dataset.dir;
        } else if (e.examples && e.examples.length) {
          t.value = e.examples[0];
          showTarget(t);
        }
      }
      const basis = e.basis || '';
      const bs = $('select[data-path$="/basis"]', tr);
      if (basis && bs) {
        if (!Array.from(bs.options).some((o) => o.value === basis)) bs.add(new Option(basis, basis));
        bs.value = basis;
      }
      let hint = $('.lib-hint', inp.closest('td'));
      if (!hint) {
        hint = document.createElement('small');
        hint.className = 'lib-hint';
        inp.closest('td').append(hint);
      }
      const parts = ['指标库：' + s.reasons.join('，')];
      if (s.typical) parts.push('常见目标 ' + s.typical);
      if (e.curated && e.curated.explanation) parts.push('指标解释：' + e.curated.explanation);
      if (e.curated && e.curated.formula) parts.push('计算公式：' + e.curated.formula);
      hint.textContent = parts.join('；');
      closeSuggest();
      if (t && numeric && !t.value.trim()) t.focus(); else inp.focus();
      changed();
    }
    sugg.addEventListener('mousedown', (ev) => {
      const li = ev.target.closest('li[data-i]');
      if (!li) return;
      ev.preventDefault();
      pickSuggest(Number(li.dataset.i));
    });
    ed.addEventListener('focusin', (ev) => {
      if (!isNameInput(ev.target)) return;
      suggFor = ev.target;
      clearTimeout(suggTimer);
      suggTimer = setTimeout(() => fetchSuggest(ev.target), 0);
    });
    ed.addEventListener('focusout', (ev) => {
      if (ev.target === suggFor) setTimeout(() => { if (document.activeElement !== suggFor) closeSuggest(); }, 150);
    });
    ed.addEventListener('keydown', (ev) => {
      if (ev.target !== suggFor || sugg.hidden) return;
      const n = suggItems.length;
      if (ev.key === 'ArrowDown') { ev.preventDefault(); moveSuggest((suggActive + 1) % n); }
      else if (ev.key === 'ArrowUp') { ev.preventDefault(); moveSuggest((suggActive - 1 + n) % n); }
      else if (ev.key === 'Enter' && suggActive >= 0) { ev.preventDefault(); pickSuggest(suggActive); }
      else if (ev.key === 'Escape') { ev.preventDefault(); closeSuggest(); }
    });

    ed.addEventListener('click', (ev) => {
      const btn = ev.target.closest('button[data-act]');
      if (!btn) return;
      const act = btn.dataset.act;
      if (act === 'add') {
        const list = $(`[data-list="${btn.dataset.into}"]`, ed);
        const item = fromTemplate(btn.dataset.tpl, btn.dataset.into);
        list.append(item);
        renumber(list);
        labelCells(ed);
        const first = $('input, textarea', item);
        if (first) first.focus();
      } else if (act === 'add-ind') {
        addIndicator(btn.closest('tbody'));
      } else if (act === 'add-group') {
        const groups = $$('tbody.grp', btn.closest('table')).filter((g) => g.dataset.l1 === btn.dataset.l1 && g.dataset.l2.startsWith(btn.dataset.stem));
        const last = groups[groups.length - 1];
        const n = Math.max(0, ...groups.map((g) => Number(g.dataset.l2.slice(btn.dataset.stem.length)) || 0)) + 1;
        const tb = document.createElement('tbody');
        tb.className = 'grp';
        Object.assign(tb.dataset, { l1: last.dataset.l1, l2: btn.dataset.stem + n, class: last.dataset.class });
        tb.append($('tr.grp-head', last).cloneNode(true));
        $('.l2', tb).textContent = tb.dataset.l2;
        last.after(tb);
        addIndicator(tb);
      } else {
        const item = btn.closest('[data-item]');
        const list = item && item.closest('[data-list]');
        if (!item) return;
        if (act === 'del') {
          const tb = item.closest('tbody.grp');
          item.remove();
          if (tb) countGroup(tb);
        } else if (act === 'up') {
          const prev = item.previousElementSibling;
          if (prev && prev.hasAttribute('data-item')) prev.before(item);
        } else if (act === 'down') {
          const next = item.nextElementSibling;
          if (next && next.hasAttribute('data-item')) next.after(item);
        }
        renumber(list);
        btn.focus();
      }
      recompute();
      changed();
    });
    ed.addEventListener('input', (ev) => {
      const t = ev.target;
      if (t === suggFor && isNameInput(t)) {
        clearTimeout(suggTimer);
        suggTimer = setTimeout(() => fetchSuggest(t), 250);
      }
      if (t.dataset.t === 'target') showTarget(t);
      if (t.dataset.t === 'money') recompute();
      changed();
    });
    ed.addEventListener('change', (ev) => {
      const sel = ev.target;
      // A bare number in a target filled from the library takes the entry's direction and unit.
      const bare = sel.dataset.t === 'target' && sel.dataset.unit !== undefined && /^\s*(≥|≤|=|>|<)?\s*(\d+(?:\.\d+)?)\s*$/.exec(sel.value);
      if (bare) {
        sel.value = (bare[1] || sel.dataset.dir || '') + bare[2] + sel.dataset.unit;
        showTarget(sel);
      }
      if (sel.dataset.role !== 'cmp') { changed(); return; }
      const inp = $('input.target', sel.closest('td'));
      const v = parseTarget(inp.value);
      if (v && v.kind === 'quantity') {
        if (sel.value) v.comparator = sel.value; else delete v.comparator;
        inp.value = targetText(v);
      } else if (sel.value) {
        inp.value = sel.value + (v && v.kind !== 'not_applicable' ? targetText(v) : '');
      }
      showTarget(inp);
      changed();
    });
    ed.addEventListener('submit', (ev) => { ev.preventDefault(); save(); });
    document.addEventListener('keydown', (ev) => {
      if ((ev.ctrlKey || ev.metaKey) && ev.key === 's') { ev.preventDefault(); save(); }
    });
    $('#submit-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!window.confirm('提交审核？提交后申报表不能再修改，除非审核退回或您撤回提交。')) return;
      if (dirty && !(await save())) return;
      try {
        const { res, data } = await api('POST', `/api/forms/${formId}/submit`, { base_version: version });
        if (res.ok) { window.location.href = `/forms/${formId}?done=${encodeURIComponent((data && data.status) || 'submitted')}`; return; }
        if (data && Array.isArray(data.findings)) renderFindings(data.findings);
        say(res.status === 422 ? '尚有错误，未能提交：' + ((data && data.message) || '') : why(res, data).replace('保存', '提交'), 'bad');
      } catch (e) {
        say('网络连接失败，未能提交。', 'bad');
      }
    });
    window.addEventListener('beforeunload', (ev) => { if (dirty) { ev.preventDefault(); ev.returnValue = ''; } });
    decorate(ed);
    labelCells(ed);
    // Sticky table heads sit just below the sticky toolbar, whatever its height.
    const fit = () => document.documentElement.style.setProperty('--tb-h', bar.offsetHeight + 'px');
    fit();
    window.addEventListener('resize', fit);
    new MutationObserver(fit).observe(bar, { childList: true, subtree: true, characterData: true });
    recompute();
    window.jixiao.buildForm = buildForm;
    // True when no live check is waiting or running (for tests and tools).
    window.jixiao.settled = () => !timer && checking === 0;
  }

  // ---- the review page ------------------------------------------------------------------
  const decision = $('#decision');
  if (decision) {
    $$('.nojs-slot select, .nojs-slot textarea', decision).forEach((e) => { e.disabled = true; });
    document.addEventListener('click', (ev) => {
      const b = ev.target.closest('[data-comment]');
      if (b) {
        const li = $('#tpl-comment').content.firstElementChild.cloneNode(true);
        $('input', li).value = b.dataset.comment;
        const host = b.closest('tr, li, section, .sheet-head');
        const cell = host && (host.tagName === 'TR' ? $('td:not(.l2)', host) || host : host);
        const head = host && host.tagName === 'SECTION' ? $('h2', host) : cell;
        $('.where', li).textContent = (head ? head.firstChild.textContent : b.dataset.comment).trim().slice(0, 40);
        $('#comment-slots').append(li);
        $('textarea', li).focus();
        return;
      }
      const drop = ev.target.closest('[data-act="drop-comment"]');
      if (drop) drop.closest('li').remove();
    });
    decision.addEventListener('change', () => {
      const ret = $('input[name="decision"][data-needs-reason]', decision).checked;
      $('#reason').required = ret;
    });
  }
})();
