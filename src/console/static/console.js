// Screening unit console: live countdowns and keyboard shortcuts. Everything works without this
// script (the server renders every countdown and every form posts normally); it only saves time.
/* global document, window, localStorage, setInterval */
(function () {
  'use strict';

  // ---- countdowns (same wording as views/format.ts) ----
  function duration(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    if (minutes < 1) return 'less than a minute';
    var d = Math.floor(minutes / 1440);
    var h = Math.floor((minutes % 1440) / 60);
    var m = minutes % 60;
    if (d > 0) return d + ' d ' + h + ' h';
    if (h > 0) return h + ' h ' + (m < 10 ? '0' : '') + m + ' min';
    return m + ' min';
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll('[data-countdown]').forEach(function (el) {
      var at = Date.parse(el.getAttribute('datetime'));
      if (isNaN(at)) return;
      var ms = at - now;
      var late = ms < 0;
      el.textContent = (late ? '\u26a0 ' : '') + (late ? el.dataset.after : el.dataset.before) + ' ' + duration(ms);
      el.classList.toggle('late', late);
    });
  }

  // ---- keyboard shortcuts (record page) ----
  var STORE_KEY = 'screener-console-shortcuts';
  function shortcutsOn() {
    var box = document.getElementById('shortcuts-on');
    if (box) return box.checked;
    try { return localStorage.getItem(STORE_KEY) !== 'off'; } catch { return true; }
  }
  function typingIn(target) {
    if (!target || !target.closest) return false;
    if (target.closest('textarea, select, [contenteditable="true"]')) return true;
    var input = target.closest('input');
    return !!input && input.type !== 'radio' && input.type !== 'checkbox' && input.type !== 'submit' && input.type !== 'button';
  }

  function setUpShortcuts() {
    if (document.body.dataset.section !== 'record') return;
    var form = document.getElementById('decision-form');
    var box = document.getElementById('shortcuts-on');
    if (box) {
      try { box.checked = localStorage.getItem(STORE_KEY) !== 'off'; } catch { /* storage blocked: keep on */ }
      box.addEventListener('change', function () {
        try { localStorage.setItem(STORE_KEY, box.checked ? 'on' : 'off'); } catch { /* ignore */ }
      });
    }
    var marks = Array.prototype.slice.call(document.querySelectorAll('#narrative mark[id]'));
    var current = -1;
    function focusMark(step) {
      if (!marks.length) return;
      current = (current + step + marks.length) % marks.length;
      marks[current].focus();
      marks[current].scrollIntoView({ block: 'center' });
    }
    function focusField(id) {
      var el = document.getElementById(id);
      if (el) { el.focus(); return true; }
      return false;
    }

    document.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
        if (form) { e.preventDefault(); form.requestSubmit(); }
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || typingIn(e.target) || !shortcutsOn()) return;
      var handled = true;
      switch (e.key) {
        case '1': case '2': case '3': case '4': {
          var radio = form && form.querySelector('input[data-shortcut="' + e.key + '"]');
          if (radio) { radio.checked = true; radio.focus(); } else handled = false;
          break;
        }
        case 'r': handled = focusField('reason'); break;
        case 'c': handled = focusField('recommended'); break;
        case 'n': focusMark(1); break;
        case 'p': focusMark(-1); break;
        case 'q': window.location.href = '/console/queue'; break;
        case '?': {
          var help = document.getElementById('shortcuts');
          if (help) { help.open = true; help.querySelector('summary').focus(); } else handled = false;
          break;
        }
        default: handled = false;
      }
      if (handled) e.preventDefault();
    });

    // Jumping from the evidence list keeps n/p in step with the highlight that was reached.
    document.querySelectorAll('[data-jump]').forEach(function (a) {
      a.addEventListener('click', function () {
        var n = a.getAttribute('data-jump');
        current = marks.findIndex(function (m) { return m.id === 'ev-' + n; });
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    tick();
    setInterval(tick, 30000);
    setUpShortcuts();
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
  });
})();
