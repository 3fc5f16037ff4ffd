// jixiao: the rules of monitoring lights and self-evaluation scores, ported from
// jixiao_domain::lifecycle (read_actual, warn, score) with exact decimals (BigInt, never floats),
// and the report page's live update: a light or a score changes as the unit types. The server
// recomputes everything on save; this only shows it sooner. A test runs this file in Node.js on
// a table of cases and compares every answer with the Rust code. Needs grammar.js (window.jixiao).
'use strict';
(function (root) {
  const J = root.jixiao;
  const P10 = (k) => 10n ** BigInt(k);
  const dec = (text) => (text === null || text === undefined ? null : J.parseDec(String(text)));
  const scaled = (a, s) => a.n * P10(s - a.s);
  function cmp(a, b) {
    const s = Math.max(a.s, b.s);
    const x = scaled(a, s);
    const y = scaled(b, s);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const mul = (a, b) => ({ n: a.n * b.n, s: a.s + b.s });
  const sub = (a, b) => { const s = Math.max(a.s, b.s); return { n: scaled(a, s) - scaled(b, s), s }; };
  const int = (k) => ({ n: BigInt(k), s: 0 });
  const ZERO = int(0);
  // a / b rounded to dp decimals: half away from zero, or half to even (`even`, Rust's
  // round_dp); null when b is 0.
  function div(a, b, dp, even) {
    let num = a.n * P10(b.s + dp);
    let den = b.n * P10(a.s);
    if (den === 0n) return null;
    if (den < 0n) { num = -num; den = -den; }
    const neg = num < 0n;
    const abs = neg ? -num : num;
    let q = abs / den;
    const r2 = 2n * (abs % den);
    if (r2 > den || (r2 === den && (!even || q % 2n === 1n))) q += 1n;
    return { n: neg ? -q : q, s: dp };
  }
  const round = (a, dp, even) => div(a, int(1), dp, even);
  const text = (d) => (d === null ? null : J.decStr(d));
  const isWs = (c) => /\s/u.test(c);

  // ---- reading an actual value against its target (read_actual) ------------------------
  const ACHIEVED = ['达成', '已达成', '完成', '已完成', '是'];
  const PARTLY = ['部分达成', '基本达成', '部分完成', '基本完成'];
  const NOT = ['未达成', '未完成', '否'];
  function readActual(target, actual) {
    const trimmed = String(actual || '').trim();
    if (!trimmed) return { error: 'empty' };
    if (!target || (target.kind !== 'quantity' && target.kind !== 'quality')) return { error: 'no_target' };
    if (target.kind === 'quality') {
      const compact = Array.from(J.halfWidth(trimmed)).filter((c) => !isWs(c)).join('');
      if (ACHIEVED.includes(compact)) return { achievement: 'achieved' };
      if (PARTLY.includes(compact)) return { achievement: 'partly' };
      if (NOT.includes(compact)) return { achievement: 'not' };
      if (compact === Array.from(target.word).filter((c) => !isWs(c)).join('')) return { achievement: 'achieved' };
      return { error: 'not_achievement' };
    }
    const p = J.parseTarget(trimmed);
    if (!p || p.kind !== 'quantity') return { error: 'not_a_number' };
    const value = J.parseDec(p.number);
    if (!value) return { error: 'not_a_number' };
    if (p.unit === '') return { value, unitAssumed: target.unit !== '' };
    if (J.halfWidth(p.unit).trim() === J.halfWidth(target.unit).trim()) return { value, unitAssumed: false };
    return { error: 'unit_mismatch' };
  }
  function direction(target) {
    switch (target.comparator) {
      case '≤': case '<': return 'reverse';
      case '=': return 'equal';
      default: return 'positive';
    }
  }

  // ---- monitoring lights (warn) ----------------------------------------------------------
  function band(rules, ratio, blue) {
    if (cmp(ratio, dec(rules.red_below)) < 0) return 'red';
    if (cmp(ratio, dec(rules.yellow_below)) < 0) return 'yellow';
    if (blue && cmp(ratio, dec(rules.blue_from)) >= 0) return 'blue';
    return 'green';
  }
  function timeProportioned(rules, level1, level2) {
    const names = rules.time_proportioned || [];
    return names.length === 0 || names.some((n) => n === level1 || level2.startsWith(n));
  }
  // {colour, benchmark, ratio, error}: colour null when the value is missing or unreadable.
  function light(target, actual, month, rules, level1, level2) {
    const out = { colour: null, benchmark: null, ratio: null, error: null };
    const a = readActual(target, actual);
    if (a.error) { out.error = a.error; return out; }
    if (a.achievement) {
      out.colour = { achieved: 'green', partly: 'yellow', not: 'red' }[a.achievement];
      return out;
    }
    if (target.kind !== 'quantity') return out;
    const t = dec(target.number);
    const v = a.value;
    const dir = direction(target);
    const strict = target.comparator === '>' || target.comparator === '<';
    const c = cmp(v, t);
    const meets = dir === 'reverse' ? (strict ? c < 0 : c <= 0)
      : dir === 'equal' && t.n === 0n ? c === 0
        : strict ? c > 0 : c >= 0;
    const proportioned = timeProportioned(rules, level1, level2) && dir !== 'reverse' && t.n !== 0n;
    if (!proportioned || t.n < 0n) { out.colour = meets ? 'green' : 'red'; return out; }
    const m = int(Math.min(12, Math.max(1, month)));
    const tm = mul(t, m);
    out.benchmark = text(div(tm, int(12), 4, true));
    const ratio = div(mul(mul(v, int(12)), int(100)), tm, 2);
    out.ratio = text(ratio);
    if (v.n <= 0n) { out.colour = 'red'; return out; }
    if (cmp(v, mul(t, { n: 12n, s: 1 })) >= 0) { out.colour = 'blue'; return out; }
    out.colour = band(rules, ratio, true);
    return out;
  }
  // Σ of the non-negative amounts: (budget, executed, any executed entered).
  function budgetSums(rows) {
    let budget = ZERO;
    let executed = ZERO;
    let any = false;
    for (const r of rows) {
      const b = dec(r.budget);
      const e = dec(r.executed);
      if (b && b.n > 0n) budget = { n: scaled(budget, Math.max(budget.s, b.s)) + scaled(b, Math.max(budget.s, b.s)), s: Math.max(budget.s, b.s) };
      if (e) {
        any = true;
        if (e.n > 0n) executed = { n: scaled(executed, Math.max(executed.s, e.s)) + scaled(e, Math.max(executed.s, e.s)), s: Math.max(executed.s, e.s) };
      }
    }
    return { budget, executed, any };
  }
  const percent = (part, whole) => div(mul(part, int(100)), whole, 2);
  function budgetLight(rows, month, rules) {
    const { budget, executed, any } = budgetSums(rows);
    const rate = any ? percent(executed, budget) : null;
    const m = int(Math.min(12, Math.max(1, month)));
    let colour = null;
    if (rate !== null) {
      const ratio = percent(mul(rate, int(12)), mul(m, int(100)));
      if (ratio !== null) colour = band(rules, ratio, false);
    }
    return { rate: text(rate), benchmark: text(percent(m, int(12))), colour };
  }
  const SEVERITY = { red: 0, yellow: 1, green: 2, blue: 3 };
  const worst = (colours) => colours.filter(Boolean).sort((a, b) => SEVERITY[a] - SEVERITY[b])[0] || null;

  // ---- self-evaluation scores (score) ------------------------------------------------------
  const BAND = { achieved: [{ n: 8n, s: 1 }, int(1)], partly: [{ n: 6n, s: 1 }, { n: 8n, s: 1 }], not: [ZERO, { n: 6n, s: 1 }] };
  // {score, flags, error}: score null when it cannot be computed.
  function indicatorScore(target, actual, weight, declared) {
    const out = { score: null, flags: [], error: null };
    const w = dec(weight);
    if (!w || w.n < 0n) { out.error = 'weight'; return out; }
    const a = readActual(target, actual);
    if (a.error) { out.error = a.error; return out; }
    let points;
    if (a.achievement) {
      const [lo, hi] = BAND[a.achievement];
      const top = round(mul(w, hi), 2, true);
      const d = dec(declared);
      if (d) {
        const p = round(d, 2);
        const inBand = cmp(p, round(mul(w, lo), 2)) >= 0 && cmp(p, round(mul(w, hi), 2)) <= 0;
        points = inBand ? p : top;
        if (!inBand) out.error = 'band';
      } else points = top;
    } else if (target.kind === 'quantity') {
      const t = dec(target.number);
      const v = a.value;
      const dir = direction(target);
      if (dir === 'equal' && t.n === 0n) points = v.n <= 0n ? w : ZERO;
      else if (dir === 'reverse') {
        if (cmp(v, t) <= 0) points = w;
        else if (t.n > 0n && cmp(v, mul(t, int(2))) < 0) points = div(mul(w, sub(mul(t, int(2)), v)), t, 2);
        else points = ZERO;
      } else if (cmp(v, t) >= 0) points = w;
      else if (t.n > 0n) points = div(mul(w, v), t, 2);
      else points = ZERO;
      if (points.n < 0n) points = ZERO;
      if (cmp(points, w) > 0) points = w;
      if (dir !== 'reverse' && t.n > 0n && cmp(v, mul(t, { n: 12n, s: 1 })) >= 0) out.flags.push('over_120');
    } else return out;
    out.score = text(points);
    const d = dec(declared);
    if (d && cmp(d, points) !== 0) out.flags.push('declared_differs');
    return out;
  }
  function budgetScore(rows, rules) {
    const { budget, executed, any } = budgetSums(rows);
    const rate = any ? percent(executed, budget) : null;
    const weight = dec(rules.execution_weight);
    let score = null;
    if (rate !== null) {
      const clamped = rate.n < 0n ? ZERO : cmp(rate, int(100)) > 0 ? int(100) : rate;
      score = div(mul(clamped, weight), int(100), 2);
    }
    return { rate: text(rate), weight: text(weight), score: text(score) };
  }
  function grade(total, rules) {
    const t = dec(total);
    const g = rules.grade_bands;
    if (cmp(t, dec(g.excellent)) >= 0) return '优';
    if (cmp(t, dec(g.good)) >= 0) return '良';
    if (cmp(t, dec(g.fair)) >= 0) return '中';
    return '差';
  }
  function sum(texts) {
    let s = ZERO;
    for (const x of texts) {
      const d = dec(x);
      if (d) { const k = Math.max(s.s, d.s); s = { n: scaled(s, k) + scaled(d, k), s: k }; }
    }
    return text(s);
  }

  root.jixiaoLifecycle = { readActual, light, budgetLight, worst, indicatorScore, budgetScore, grade, sum };

  // ---- the report page ---------------------------------------------------------------------
  if (typeof document === 'undefined') return;
  const LABEL = { red: '红灯', yellow: '黄灯', green: '绿灯', blue: '蓝灯' };
  function setLight(el, colour) {
    if (!el) return;
    el.className = 'light ' + (colour || '');
    el.textContent = colour ? LABEL[colour] : '未评';
  }
  function bind(form) {
    const rules = JSON.parse(form.dataset.rules || '{}');
    const kind = form.dataset.kind;
    const month = Number(form.dataset.month || '12');
    const rows = Array.from(document.querySelectorAll('#indicators tbody tr'));
    const field = (name) => form.elements.namedItem(name);
    const value = (name) => { const f = field(name); return f ? f.value : ''; };
    function budgetRows() {
      return Array.from(document.querySelectorAll('#budget tbody tr')).map((_, i) => ({
        budget: value(`b.${i}.budget`), executed: value(`b.${i}.executed`),
      }));
    }
    function update() {
      if (kind === 'monitoring') {
        const colours = rows.map((tr) => {
          const i = tr.dataset.index;
          const [l1, l2] = (tr.dataset.levels || '').split('\u001f');
          const l = light(JSON.parse(tr.dataset.target || 'null'), value(`a.${i}`), month, rules, l1 || '', l2 || '');
          setLight(document.getElementById(`light-${i}`), l.colour);
          const ratio = document.getElementById(`ratio-${i}`);
          if (ratio) ratio.textContent = l.benchmark ? `${l.benchmark} / ${l.ratio}%` : '';
          const needs = l.colour && (rules.reason_required_for || []).includes(l.colour);
          const reasons = tr.querySelector('.reasons');
          if (reasons) {
            const given = Array.from(reasons.querySelectorAll('input[type=checkbox]')).some((c) => c.checked)
              || (value(`rt.${i}`) || '').trim() !== '';
            reasons.classList.toggle('missing', Boolean(needs && !given));
          }
          return l.colour;
        });
        const goal = worst(colours);
        setLight(document.getElementById('goal-light'), goal);
        const b = budgetLight(budgetRows(), month, rules);
        setLight(document.getElementById('budget-light'), b.colour);
        const rate = document.getElementById('budget-rate');
        if (rate) rate.textContent = b.rate || '';
        setLight(document.getElementById('report-light'), worst([goal, b.colour]));
      } else {
        const scores = rows.map((tr) => {
          const i = tr.dataset.index;
          const s = indicatorScore(JSON.parse(tr.dataset.target || 'null'), value(`a.${i}`), value(`w.${i}`), value(`ds.${i}`));
          const el = document.getElementById(`score-${i}`);
          if (el) el.textContent = s.score || '';
          return s.score;
        });
        const b = budgetScore(budgetRows(), rules);
        const rate = document.getElementById('budget-rate');
        if (rate) rate.textContent = b.rate || '';
        const bs = document.getElementById('budget-score');
        if (bs) bs.textContent = b.score || '';
        const total = sum(scores.concat([b.score]));
        const t = document.getElementById('report-total');
        if (t) t.textContent = total;
        const g = document.getElementById('report-grade');
        if (g) g.textContent = grade(total, rules);
      }
    }
    form.addEventListener('input', update);
    form.addEventListener('change', update);
    form.addEventListener('submit', (ev) => {
      const submitter = ev.submitter;
      if (!submitter || submitter.value !== 'submit') return;
      const missing = form.querySelector('.reasons.missing');
      if (missing) {
        ev.preventDefault();
        const tr = missing.closest('tr');
        const name = tr ? tr.children[2].textContent : '';
        let note = document.getElementById('submit-blocked');
        if (!note) {
          note = document.createElement('p');
          note.id = 'submit-blocked';
          note.className = 'alert error';
          note.setAttribute('role', 'alert');
          submitter.parentNode.appendChild(note);
        }
        note.textContent = `「${name}」为红灯或黄灯，须填写偏差原因后才能提交`;
        missing.querySelector('input')?.focus();
      }
    });
    update();
  }
  const form = document.getElementById('report-form');
  if (form && form.querySelector('input[name^="a."]')) bind(form);
})(typeof window !== 'undefined' ? window : globalThis);
