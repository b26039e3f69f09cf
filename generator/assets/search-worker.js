// papersite's search worker, behind Material's unchanged search box.
//
// It speaks Material's worker protocol (SETUP 0 -> READY 1, QUERY 2 -> RESULT 3) and answers from
// two indexes: the papers, topics and authors in search/papers.js (built by papersite at build
// time, see generator/search_index.py for the format), and Material's own small index of the
// hand-written pages, which arrives with SETUP. From file:// it runs inside the iframe-worker shim,
// where importScripts returns a promise; in a real worker it is synchronous.
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var MAX_RESULTS = 200;
var PREFIX_TERMS = 40;       // how many completions of the word being typed are searched
var FUZZY_MIN_LENGTH = 5;    // shorter words are not corrected (too many neighbours)
var EXACT = 1, PREFIX = 0.8, FUZZY = 0.6;
var EXACT_TITLE = 1e6, TITLE_START = 1e5;
var STOP_WORDS = new Set("a an and are as at be by for from in into is it of on or the to via with we our this that".split(" "));

var here = (typeof document !== "undefined" && document.currentScript) ? document.currentScript.src : self.location.href;
var loaded = null;           // the papers index, once search/papers.js has run
var pages = [];              // Material's hand-written pages: {location, title, text, titleWords, words}
var ready = false;
var queued = null;           // a query that came before the index was ready

// search/papers.js calls this.
function papersiteSearch(data) { loaded = prepare(data); }

function tokens(text) {
  var plain = String(text).toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  return (plain.match(/[\p{L}\p{N}]+/gu) || []).filter(function (w) { return w.length > 1 && !STOP_WORDS.has(w); });
}

var DIGITS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$";
var VALUE = new Int8Array(128);
for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS.charCodeAt(d)] = d;

function prepare(data) {
  var fieldScore = new Float64Array(64);
  for (var mask = 0; mask < 64; mask++) {
    for (var bit = 0; bit < data.weights.length; bit++) if (mask & (1 << bit)) fieldScore[mask] += data.weights[bit];
  }
  return {
    docs: data.docs, tags: data.tags, fieldScore: fieldScore, titleBit: 1,
    terms: data.terms ? data.terms.split("\n") : [], postings: data.postings ? data.postings.split(",") : []
  };
}

// Postings of term number t: an array of [doc, mask] pairs.
function postings(t) {
  var text = loaded.postings[t], out = [], doc = 0, i = 0;
  while (i < text.length) {
    var gap = 0, shift = 0, v;
    while ((v = VALUE[text.charCodeAt(i++)]) >= 32) { gap += (v - 32) * Math.pow(2, shift); shift += 5; }
    doc += gap + v * Math.pow(2, shift);
    out.push(doc, VALUE[text.charCodeAt(i++)]);
  }
  return out;
}

function lowerBound(terms, word) {
  var lo = 0, hi = terms.length;
  while (lo < hi) { var mid = (lo + hi) >> 1; if (terms[mid] < word) lo = mid + 1; else hi = mid; }
  return lo;
}

function find(terms, word) {
  var i = lowerBound(terms, word);
  return terms[i] === word ? i : -1;
}

// Every word one edit (insertion, deletion, substitution, swap of neighbours) away from word.
function edits(word, alphabet) {
  var out = new Set();
  for (var i = 0; i <= word.length; i++) {
    var head = word.slice(0, i), tail = word.slice(i);
    if (tail) out.add(head + tail.slice(1));
    if (tail.length > 1) out.add(head + tail[1] + tail[0] + tail.slice(2));
    for (var c = 0; c < alphabet.length; c++) {
      out.add(head + alphabet[c] + tail);
      if (tail) out.add(head + alphabet[c] + tail.slice(1));
    }
  }
  out.delete(word);
  return out;
}

var ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

// The terms a query word matches, each with how well: [[term number, quality], ...].
function matches(terms, word, isLast) {
  var found = [], exact = find(terms, word);
  if (exact >= 0) found.push([exact, EXACT]);
  if (isLast) {
    var start = lowerBound(terms, word), prefixed = [];
    for (var i = start; i < terms.length && prefixed.length < 2000 && terms[i].startsWith(word); i++) {
      if (i !== exact) prefixed.push(i);
    }
    prefixed.sort(function (a, b) { return loaded.postings[b].length - loaded.postings[a].length || a - b; });
    prefixed.slice(0, PREFIX_TERMS).forEach(function (t) { found.push([t, PREFIX]); });
  }
  if (!found.length && word.length >= FUZZY_MIN_LENGTH) {
    edits(word, ALPHABET).forEach(function (candidate) {
      var t = find(terms, candidate);
      if (t >= 0) found.push([t, FUZZY]);
    });
  }
  return found;
}

function searchPapers(words, openEnded) {
  var n = loaded.docs.length, total = new Float64Array(n), hits = new Uint8Array(n), inTitle = new Uint8Array(n);
  var matched = {};
  words.forEach(function (word, w) {
    var best = new Float64Array(n), title = new Uint8Array(n), any = false;
    matches(loaded.terms, word, openEnded && w === words.length - 1).forEach(function (match) {
      var list = postings(match[0]), idf = Math.log(1 + n / (list.length / 2));
      any = true;
      for (var i = 0; i < list.length; i += 2) {
        var doc = list[i], mask = list[i + 1], score = loaded.fieldScore[mask] * idf * match[1];
        if (score > best[doc]) best[doc] = score;
        if (mask & loaded.titleBit) title[doc] = 1;
      }
      matched[loaded.terms[match[0]]] = true;
    });
    if (!any) return;
    for (var doc = 0; doc < n; doc++) {
      if (best[doc] > 0) { total[doc] += best[doc]; hits[doc]++; inTitle[doc] += title[doc]; }
    }
  });
  var wanted = words.length, found = [];
  for (var doc = 0; doc < n; doc++) if (hits[doc] === wanted) found.push(doc);
  if (!found.length) {
    for (doc = 0; doc < n; doc++) if (hits[doc] > 0) found.push(doc);
    found.forEach(function (doc) { total[doc] += 1e4 * hits[doc]; });
  }
  found.forEach(function (doc) {
    if (inTitle[doc] === wanted) total[doc] += titleBonus(tokens(loaded.docs[doc][1]), words);
  });
  found.sort(function (a, b) { return total[b] - total[a] || a - b; });
  return { docs: found.slice(0, MAX_RESULTS), scores: total, count: found.length, matched: matched };
}

// A title that is the query, or starts with it, comes first: papers and hand-written pages alike.
function titleBonus(titleWords, words) {
  var title = titleWords.join(" "), query = words.join(" ");
  return title === query ? EXACT_TITLE : title.startsWith(query) ? TITLE_START : 0;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

// text as HTML with the words a query matched inside <mark>; everything else escaped.
function highlight(text, matched) {
  var out = "", last = 0, re = /[\p{L}\p{N}]+/gu, m;
  while ((m = re.exec(text)) !== null) {
    var word = tokens(m[0])[0];
    if (word && (matched[word] || Object.keys(matched).some(function (t) { return word.startsWith(t) && t.length > 2; }))) {
      out += escapeHtml(text.slice(last, m.index)) + "<mark>" + escapeHtml(m[0]) + "</mark>";
      last = m.index + m[0].length;
    }
  }
  return out + escapeHtml(text.slice(last));
}

function termsState(words, matched) {
  var state = {};
  words.forEach(function (word) { state[word] = Object.keys(matched).some(function (t) { return t === word || t.startsWith(word) || word.length >= FUZZY_MIN_LENGTH; }); });
  return state;
}

function paperItems(words, openEnded) {
  if (!loaded || !words.length) return [];
  var found = searchPapers(words, openEnded), terms = termsState(words, found.matched);
  return found.docs.map(function (doc) {
    var entry = loaded.docs[doc];
    return [{
      location: entry[0],
      title: highlight(entry[1], found.matched),
      text: highlight(entry[2], found.matched),
      tags: entry[3].map(function (t) { return escapeHtml(loaded.tags[t]); }),
      score: found.scores[doc],
      terms: terms
    }];
  });
}

var TITLE_WEIGHT = 10;

// How rare word is among the papers (pages then rank like papers with the same words).
function idf(word) {
  if (!loaded || !loaded.docs.length) return 1;
  var t = find(loaded.terms, word), n = loaded.docs.length;
  return Math.log(1 + n / (t >= 0 ? Math.max(1, postings(t).length / 2) : 1));
}

// Material's hand-written pages: few, so each query scans them.
function preparePages(docs) {
  return docs.map(function (doc) {
    var text = String(doc.text || "").replace(/<[^>]*>/g, " ").replace(/&[a-z#0-9]+;/gi, " ").replace(/\s+/g, " ").trim();
    return { location: doc.location, title: doc.title || "", text: text, titleWords: tokens(doc.title || ""), words: tokens(text) };
  });
}

function pageItems(words, openEnded) {
  var groups = new Map();
  pages.forEach(function (page) {
    var score = 0, matched = {};
    var all = words.every(function (word, w) {
      var prefix = openEnded && w === words.length - 1;
      var hit = function (t) { return t === word || (prefix && t.startsWith(word)); };
      var inTitle = page.titleWords.filter(hit), inText = page.words.filter(hit);
      inTitle.concat(inText).forEach(function (t) { matched[t] = true; });
      score += ((inTitle.length ? TITLE_WEIGHT : 0) + (inText.length ? 1 : 0)) * idf(word);
      return inTitle.length || inText.length;
    });
    if (!all) return;
    score += titleBonus(page.titleWords, words);
    var key = page.location.split("#")[0], doc = {
      location: page.location, title: highlight(page.title, matched), text: highlight(page.text.slice(0, 300), matched),
      score: score, terms: termsState(words, matched)
    };
    (groups.get(key) || groups.set(key, []).get(key)).push(doc);
  });
  return Array.from(groups.values()).map(function (docs) {
    docs.sort(function (a, b) { return (a.location.indexOf("#") >= 0) - (b.location.indexOf("#") >= 0) || b.score - a.score; });
    return docs;
  });
}

function search(query) {
  var words = tokens(query.replace(/[+\-~^*:]/g, " "));
  var openEnded = !/\s$/.test(query);
  if (!words.length) return { items: [] };
  var items = pageItems(words, openEnded).concat(paperItems(words, openEnded));
  items.sort(function (a, b) { return b[0].score - a[0].score; });
  return { items: items.slice(0, MAX_RESULTS) };
}

function answer(query) {
  postMessage({ type: RESULT, data: search(query) });
}

// Load search/papers.js. In a real worker (http) this starts at once, on a thread of its own; in the
// iframe shim (file://), which runs on the page's thread, only when Material asks (search opened).
var loading = null;
function load() {
  if (loading) return loading;
  var url = new URL("../../../search/papers.js", here).href;
  try { loading = Promise.resolve(importScripts(url)); } catch (err) { loading = Promise.resolve(); }
  return loading;
}
if (typeof document === "undefined") load();

function setup(data) {
  pages = preparePages(data.docs || []);
  var done = function () { ready = true; postMessage({ type: READY }); if (queued !== null) answer(queued); };
  load().then(done, done);
}

addEventListener("message", function (event) {
  var message = event.data;
  if (message.type === SETUP) setup(message.data);
  else if (message.type === QUERY) { if (ready) answer(message.data); else queued = message.data; }
});
