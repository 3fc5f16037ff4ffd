// jixiao: exact decimal arithmetic (BigInt with a decimal scale, never floats) and the grammar of
// target values, ported from jixiao_domain (Money::share_of, TargetValue::parse/meaning). The
// browser test checks this port against the Rust code. Exposes window.jixiao.
'use strict';
(function () {
  // ---- exact decimals ------------------------------------------------------------------
  const halfWidth = (s) => String(s).replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0)).replace(/\u3000/g, ' ');
  const P10 = (k) => 10n ** BigInt(k);
  const MAX = 100000000000n;
  // null for empty text, undefined for text that is not an amount, else {n, s} = n / 10^s.
  function parseDec(text) {
    const t = halfWidth(text).replace(/[\s,]/g, '');
    if (t === '') return null;
    const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(t);
    if (!m || t.length > 40 || (m[2] + (m[3] || '')) === '') return undefined;
    const frac = m[3] || '';
    let n = BigInt((m[2] || '0') + frac);
    if (m[1] === '-') n = -n;
    const d = { n, s: frac.length };
    const a = n < 0n ? -n : n;
    if (a > MAX * P10(d.s)) return undefined;
    return d;
  }
  function add(a, b) {
    const s = Math.max(a.s, b.s);
    return { n: a.n * P10(s - a.s) + b.n * P10(s - b.s), s };
  }
  // Exact text; trailing zeros dropped unless `fixed` (keep the scale as is).
  function decStr(d, fixed) {
    const neg = d.n < 0n;
    const digits = (neg ? -d.n : d.n).toString().padStart(d.s + 1, '0');
    const ip = digits.slice(0, digits.length - d.s);
    let fp = d.s ? digits.slice(digits.length - d.s) : '';
    if (!fixed) fp = fp.replace(/0+$/, '');
    const out = ip + (fp ? '.' + fp : '');
    return (neg && /[1-9]/.test(out) ? '-' : '') + out;
  }
  const eqDec = (a, b) => { const s = Math.max(a.s, b.s); return a.n * P10(s - a.s) === b.n * P10(s - b.s); };
  // Percent share of a in t, 2 decimals, half away from zero (as Money::share_of).
  function shareOf(a, t) {
    if (t.n === 0n) return null;
    let num = a.n * P10(t.s) * 10000n;
    let den = t.n * P10(a.s);
    if (den < 0n) { num = -num; den = -den; }
    let q = num / den;
    const r = num % den;
    if (2n * (r < 0n ? -r : r) >= den) q += num < 0n ? -1n : 1n;
    return { n: q, s: 2 };
  }

  // ---- target values: the grammar of TargetValue::parse ---------------------------------
  const CMP = [['大于或等于', '≥'], ['小于或等于', '≤'], ['大于等于', '≥'], ['小于等于', '≤'], ['不低于', '≥'], ['不少于', '≥'],
    ['不小于', '≥'], ['不高于', '≤'], ['不超过', '≤'], ['不多于', '≤'], ['不大于', '≤'], ['>=', '≥'], ['=>', '≥'], ['<=', '≤'],
    ['=<', '≤'], ['≥', '≥'], ['≧', '≥'], ['⩾', '≥'], ['≤', '≤'], ['≦', '≤'], ['⩽', '≤'], ['大于', '>'], ['高于', '>'], ['超过', '>'],
    ['小于', '<'], ['低于', '<'], ['等于', '='], ['>', '>'], ['<', '<'], ['=', '=']];
  const CMP_LABEL = { '≥': '大于等于', '>': '大于', '=': '等于', '≤': '小于等于', '<': '小于' };
  const NA = ['不适用', '无', '/', '-', '—', '——', 'N/A', 'n/a'];
  const isCjk = (c) => {
    const x = c.codePointAt(0);
    return (x >= 0x3000 && x <= 0x303F) || (x >= 0x3400 && x <= 0x4DBF) || (x >= 0x4E00 && x <= 0x9FFF) || (x >= 0xF900 && x <= 0xFAFF)
      || (x >= 0xFF00 && x <= 0xFFEF) || (x >= 0x2018 && x <= 0x201F) || (x >= 0x20000 && x <= 0x2FA1F);
  };
  const isWs = (c) => /\s/u.test(c);
  function squeeze(s) {
    const cs = Array.from(s.trim());
    let out = '';
    for (let i = 0; i < cs.length;) {
      if (isWs(cs[i])) {
        const start = i;
        while (i < cs.length && isWs(cs[i])) i++;
        const before = start > 0 ? cs[start - 1] : null;
        const after = i < cs.length ? cs[i] : null;
        if (!((before && isCjk(before)) || (after && isCjk(after)))) out += ' ';
        continue;
      }
      out += cs[i++];
    }
    return out;
  }
  // The canonical JSON of a target value, or null for empty text.
  function parseTarget(text) {
    const compact = Array.from(halfWidth(text)).filter((c) => !isWs(c)).join('');
    if (!compact) return null;
    if (NA.includes(compact)) return { kind: 'not_applicable' };
    let cmp = null;
    let rest = compact;
    for (const [sp, c] of CMP) if (compact.startsWith(sp)) { cmp = c; rest = compact.slice(sp.length); break; }
    const unparsed = { kind: 'unparsed', text: text.trim() };
    const m = /^[-+]?\d+(?:\.\d+)?/.exec(rest);
    if (!m) {
      if (!cmp && !/[0-9]/.test(compact)) return { kind: 'quality', word: squeeze(text) };
      return unparsed;
    }
    const unit = rest.slice(m[0].length);
    const num = m[0].replace(/^\+/, '');
    const d = parseDec(num);
    if (!d || num.replace(/[^0-9]/g, '').length > 28) return unparsed;
    if (/[0-9]/.test(unit) || Array.from(unit).length > 10) return unparsed;
    const [ip, fp] = num.replace(/^-/, '').split('.');
    const number = (num.startsWith('-') ? '-' : '') + (ip.replace(/^0+(?=\d)/, '')) + (fp !== undefined ? '.' + fp : '');
    const v = { kind: 'quantity' };
    if (cmp) v.comparator = cmp;
    v.number = number;
    v.unit = unit;
    return v;
  }
  function targetText(v) {
    if (!v) return '';
    switch (v.kind) {
      case 'quantity': return (v.comparator || '') + v.number + v.unit;
      case 'quality': return v.word;
      case 'not_applicable': return '不适用';
      default: return v.text;
    }
  }
  function meaning(v) {
    if (!v) return '';
    switch (v.kind) {
      case 'quantity': {
        const unit = v.unit || '（无单位）';
        return v.comparator ? `定量：${CMP_LABEL[v.comparator]} ${v.number} ${unit}` : `定量：达到 ${v.number} ${unit}（按“≥”计分）`;
      }
      case 'quality': return `定性：${v.word}`;
      case 'not_applicable': return '不适用';
      default: return `无法识别：「${v.text}」`;
    }
  }
  window.jixiao = { halfWidth, parseDec, add, decStr, eqDec, shareOf, parseTarget, targetText, meaning };

})();
