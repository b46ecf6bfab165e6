// Inspects the rendered document and returns its problems as
// [{kind, detail}]. Run by htmlcheck after each viewport and colour-scheme
// change; structural checks run when structure is true.
(structure) => {
  const out = [];
  const vw = document.documentElement.clientWidth || window.innerWidth;
  const de = document.documentElement;
  const body = document.body;

  // --- colours -----------------------------------------------------------
  const cv = document.createElement('canvas');
  cv.width = cv.height = 1;
  const cx = cv.getContext('2d', {willReadFrequently: true});
  const cache = new Map();
  // rgba parses any CSS colour the way the browser paints it.
  const rgba = (c) => {
    if (cache.has(c)) return cache.get(c);
    cx.clearRect(0, 0, 1, 1);
    cx.fillStyle = '#000';
    cx.fillStyle = c;
    cx.fillRect(0, 0, 1, 1);
    const d = cx.getImageData(0, 0, 1, 1).data;
    const v = [d[0], d[1], d[2], d[3] / 255];
    cache.set(c, v);
    return v;
  };
  const over = (top, bottom) => { // both [r,g,b,a]; bottom opaque
    const a = top[3];
    return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const lum = (c) => {
    const ch = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  };
  const ratio = (a, b) => {
    const la = lum(a), lb = lum(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, '0')).join('');
  const dark = matchMedia('(prefers-color-scheme: dark)').matches;
  const scheme = getComputedStyle(de).colorScheme || '';
  // The canvas behind everything: Chromium paints it dark only when the
  // page opts in to dark with color-scheme.
  const canvas = dark && /dark/.test(scheme) ? rgba('Canvas') : [255, 255, 255, 1];
  const background = (el) => {
    const layers = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let bg = canvas;
    for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
    return bg;
  };
  const describe = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.className && typeof el.className === 'string') s += '.' + el.className.trim().split(/\s+/).join('.');
    return s;
  };

  // visible says whether a rect is really seen: not clipped away by an
  // ancestor with overflow other than visible (hidden preheaders).
  const shown = (el, r) => {
    if (r.width < 1 || r.height < 1) return false;
    for (let e = el.parentElement; e && e !== de; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const p = e.getBoundingClientRect();
      if (r.right <= p.left || r.left >= p.right || r.bottom <= p.top || r.top >= p.bottom) return false;
    }
    return true;
  };
  const visibleEl = (el) => el.checkVisibility({opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true});

  // --- width -------------------------------------------------------------
  const docW = Math.max(de.scrollWidth, body ? body.scrollWidth : 0);
  if (docW > vw) out.push({kind: 'wide', detail: `document is ${docW}px wide in a ${vw}px viewport`});

  // --- text contrast -----------------------------------------------------
  const seen = new Set();
  const walker = document.createTreeWalker(body || de, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.nodeValue.trim();
    const el = n.parentElement;
    if (!text || !el || seen.has(el) || !visibleEl(el)) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const rects = [...range.getClientRects()].filter(r => shown(el, r));
    if (rects.length === 0) continue;
    seen.add(el);
    const bg = background(el);
    const fg = over(rgba(getComputedStyle(el).color), bg);
    const r = ratio(fg, bg);
    if (r < 4.5) {
      out.push({kind: 'contrast', detail: `${r.toFixed(2)}:1 for ${hex(fg)} on ${hex(bg)} in <${describe(el)}> "${text.slice(0, 40)}"`});
    }
  }

  // --- clipping and overflow ---------------------------------------------
  const inScroller = (el) => {
    for (let e = el.parentElement; e && e !== body && e !== de; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.overflowX !== 'visible') return true;
    }
    return false;
  };
  for (const el of (body || de).querySelectorAll('*')) {
    if (!visibleEl(el)) continue;
    const r = el.getBoundingClientRect();
    if (!shown(el, r)) continue;
    const s = getComputedStyle(el);
    if ((s.overflowX === 'hidden' || s.overflowX === 'clip') && el.scrollWidth > el.clientWidth + 1) {
      out.push({kind: 'clipped', detail: `<${describe(el)}> cuts its content: ${el.scrollWidth}px in ${el.clientWidth}px`});
    }
    if ((r.right > vw + 0.5 || r.left < -0.5) && !inScroller(el)) {
      out.push({kind: 'outside', detail: `<${describe(el)}> spans ${Math.round(r.left)}–${Math.round(r.right)}px in a ${vw}px viewport`});
    }
  }

  // --- remote resources --------------------------------------------------
  for (const e of performance.getEntriesByType('resource')) {
    if (!/^(data|about|blob):/.test(e.name)) out.push({kind: 'remote', detail: `loads ${e.name}`});
  }

  // --- structure ---------------------------------------------------------
  if (structure) {
    if (!de.getAttribute('lang')) out.push({kind: 'structure', detail: 'no lang attribute on <html>'});
    if (!document.querySelector('h1')) out.push({kind: 'structure', detail: 'no <h1> heading'});
    if (!document.querySelector('meta[name=viewport]')) out.push({kind: 'structure', detail: 'no viewport meta tag'});
    for (const t of document.querySelectorAll('table')) {
      if (t.getAttribute('role') !== 'presentation' && !t.querySelector('th')) {
        out.push({kind: 'structure', detail: `layout <${describe(t)}> without role="presentation"`});
      }
    }
  }
  return out;
}
