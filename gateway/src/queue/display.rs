//! The display screen of the waiting hall (`/display/{center}`): counters, latest calls,
//! waiting counts and a clock, kept live by the board's Server-Sent Events. A call
//! flashes, chimes (Web Audio, no sound files) and is spoken in Vietnamese
//! (`speechSynthesis`, vi-VN).

use onestop_proto::queue::v1 as pb;
use serde::Serialize;

use super::pages::{CenterName, seg};
use crate::pages::esc;

#[derive(Serialize)]
struct LineJson<'a> {
    code: &'a str,
    prefix: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
}

#[derive(Serialize)]
struct Config<'a> {
    events: String,
    now: i64,
    lines: Vec<LineJson<'a>>,
}

/// JSON safe inside a `<script>` element.
fn script_json(value: &impl Serialize) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "{}".into())
        .replace("</", "<\\/")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

const STYLE: &str = r#"
*{box-sizing:border-box}
html,body{height:100%}
body{margin:0;font-family:system-ui,"Segoe UI",Roboto,sans-serif;background:#10151c;color:#f3f3f3;overflow:hidden;display:flex;flex-direction:column}
header{display:flex;align-items:center;gap:24px;background:#b3261e;padding:1.2vh 2vw}
header .name{flex:1} header .name strong{font-size:3.2vh;display:block} header .name small{font-size:2vh;opacity:.85}
#clock{text-align:right;font-variant-numeric:tabular-nums} #clock .time{font-size:5vh;font-weight:700;line-height:1} #clock .date{font-size:2vh}
#link{font-size:1.8vh;padding:.4vh 1vw;border-radius:2vh;background:#1e7d32;white-space:nowrap} #link.down{background:#555;animation:blink 1s steps(2) infinite}
main{flex:1;display:grid;grid-template-columns:2.2fr 1fr;gap:1.5vw;padding:1.5vh 1.5vw;min-height:0}
#counters{display:grid;grid-template-columns:repeat(auto-fill,minmax(15vw,1fr));grid-auto-rows:min-content;gap:1.2vw;align-content:start;overflow:hidden}
.counter{background:#1d2632;border-radius:1.2vh;padding:1.2vh 1vw;text-align:center;border:.4vh solid transparent}
.counter .label{font-size:2.2vh;opacity:.9} .counter .label b{font-size:3vh}
.counter .ticket{font-size:8vh;font-weight:800;letter-spacing:.05em;line-height:1.15;min-height:9.2vh;font-variant-numeric:tabular-nums}
.counter .state{font-size:1.9vh;opacity:.85}
.counter.closed{opacity:.45} .counter.paused .state{color:#ffcc80}
.counter.serving .ticket{color:#9fe0a6}
.counter.called{border-color:#ffd54f} .counter.called .ticket{color:#ffd54f}
.counter.flash{animation:flash .6s ease-in-out 8 alternate}
aside{display:flex;flex-direction:column;gap:1.5vh;min-height:0}
aside section{background:#1d2632;border-radius:1.2vh;padding:1.2vh 1vw;overflow:hidden}
aside h2{margin:0 0 .8vh;font-size:2.6vh} aside h2 span,.en{color:#aab4c0;font-weight:400}
#recent{list-style:none;margin:0;padding:0} #recent li{display:flex;justify-content:space-between;font-size:3.6vh;padding:.5vh 0;border-bottom:1px solid #2c3a4a;font-variant-numeric:tabular-nums}
#recent li:first-child{color:#ffd54f;font-weight:700}
#waiting{width:100%;border-collapse:collapse;font-size:2.4vh} #waiting td{padding:.5vh .3vw;border-bottom:1px solid #2c3a4a} #waiting td.n{text-align:right;font-weight:700;font-size:3vh}
#waiting .p{display:inline-block;width:4vh;height:4vh;line-height:4vh;text-align:center;border-radius:.6vh;background:#b3261e;font-weight:800}
#call{position:fixed;left:5vw;right:5vw;top:22vh;background:#ffd54f;color:#1b1b1b;border-radius:2vh;padding:4vh 3vw;text-align:center;box-shadow:0 2vh 6vh rgba(0,0,0,.6);display:none}
#call.show{display:block;animation:pop .35s ease-out}
#call .vi{font-size:5.5vh;font-weight:800} #call .en{font-size:3.2vh;color:#4a4a4a;margin-top:1vh}
#call .big{font-size:16vh;font-weight:900;line-height:1.1;letter-spacing:.05em}
#sound{position:fixed;right:2vw;bottom:2vh;font-size:2.2vh;padding:1.2vh 1.5vw;border-radius:1vh;border:0;background:#ffd54f;color:#1b1b1b;cursor:pointer;display:none}
@keyframes flash{from{background:#1d2632}to{background:#6b5200}}
@keyframes blink{50%{opacity:.4}}
@keyframes pop{from{transform:scale(.8);opacity:0}to{transform:scale(1);opacity:1}}
"#;

const SCRIPT: &str = r#"
(function(){
'use strict';
var CFG = JSON.parse(document.getElementById('cfg').textContent);
var offset = CFG.now - Date.now();
var state = {counters:{}, recent:[], waiting:{}};
var lastSeq = null, lastSeen = Date.now(), es = null;
var flashUntil = {};
var $ = function(id){ return document.getElementById(id); };
function h(t){ return String(t).replace(/[&<>"']/g, function(c){ return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]; }); }

// --- clock, Vietnam time (UTC+7, no daylight saving), corrected by the server's clock
var DAYS = ['Chủ nhật','Thứ Hai','Thứ Ba','Thứ Tư','Thứ Năm','Thứ Sáu','Thứ Bảy'];
function two(n){ return (n < 10 ? '0' : '') + n; }
function tick(){
  var d = new Date(Date.now() + offset + 7 * 3600 * 1000);
  $('clock').innerHTML = '<div class="time">' + two(d.getUTCHours()) + ':' + two(d.getUTCMinutes()) + ':' + two(d.getUTCSeconds()) +
    '</div><div class="date">' + DAYS[d.getUTCDay()] + ', ' + two(d.getUTCDate()) + '/' + two(d.getUTCMonth() + 1) + '/' + d.getUTCFullYear() + '</div>';
}
tick(); setInterval(tick, 1000);

// --- board state
function counter(n){
  if (!state.counters[n]) state.counters[n] = {number:n, status:'open', ticket:'', ticket_status:''};
  return state.counters[n];
}
function counterOf(ticket){
  for (var k in state.counters) if (state.counters[k].ticket === ticket) return state.counters[k].number;
  return 0;
}
function remember(ticket, n){
  state.recent = state.recent.filter(function(r){ return r.ticket !== ticket; });
  state.recent.unshift({ticket:ticket, counter:n});
  state.recent = state.recent.slice(0, 8);
}
function apply(ev){
  if (ev.kind === 'snapshot') {
    var s = ev.snapshot || {counters:[], recent_calls:[], waiting:{}};
    state.counters = {};
    s.counters.forEach(function(c){
      state.counters[c.counter_number] = {number:c.counter_number, status:c.status, ticket:c.ticket_number, ticket_status:c.ticket_status};
    });
    state.recent = (s.recent_calls || []).slice(0, 8).map(function(t){ return {ticket:t, counter:counterOf(t)}; });
    state.waiting = s.waiting || ev.waiting || {};
    lastSeq = ev.sequence;
    render();
    return;
  }
  if (lastSeq !== null && ev.sequence <= lastSeq) return;          // already shown
  if (lastSeq !== null && ev.sequence > lastSeq + 1) { reconnect(); return; } // a gap: ask again from lastSeq
  var c = ev.counter_number > 0 ? counter(ev.counter_number) : null;
  switch (ev.kind) {
    case 'called': case 'recalled':
      if (c) { c.ticket = ev.ticket_number; c.ticket_status = 'called'; if (c.status === 'closed') c.status = 'open'; flashUntil[c.number] = Date.now() + 10000; }
      remember(ev.ticket_number, ev.counter_number);
      if (!ev.stale) announce(ev);
      break;
    case 'serving':
      if (c) { c.ticket = ev.ticket_number; c.ticket_status = 'serving'; }
      break;
    case 'finished': case 'no_show': case 'waiting_changed':
      if (c && c.ticket === ev.ticket_number) { c.ticket = ''; c.ticket_status = ''; }
      break;
    case 'counter_opened': if (c) c.status = 'open'; break;
    case 'counter_paused': if (c) c.status = 'paused'; break;
    case 'counter_closed': if (c) { c.status = 'closed'; c.ticket = ''; c.ticket_status = ''; } break;
  }
  state.waiting = ev.waiting || {};
  lastSeq = ev.sequence;
  render();
}

function stateWords(c){
  if (c.status === 'closed') return 'Đóng <span class="en">/ Closed</span>';
  if (c.status === 'paused') return 'Tạm nghỉ <span class="en">/ Paused</span>';
  if (c.ticket_status === 'called') return 'Đang mời <span class="en">/ Calling</span>';
  if (c.ticket_status === 'serving') return 'Đang phục vụ <span class="en">/ Serving</span>';
  return 'Sẵn sàng <span class="en">/ Ready</span>';
}
function render(){
  var nums = Object.keys(state.counters).map(Number).sort(function(a, b){ return a - b; });
  var now = Date.now();
  $('counters').innerHTML = nums.map(function(n){
    var c = state.counters[n];
    var cls = 'counter ' + c.status + (c.ticket_status ? ' ' + c.ticket_status : '') + ((flashUntil[n] || 0) > now ? ' flash' : '');
    return '<div class="' + cls + '" data-counter="' + n + '"><div class="label">QUẦY <b>' + n + '</b> <span class="en">/ COUNTER ' + n + '</span></div>' +
      '<div class="ticket">' + (c.ticket ? h(c.ticket) : '&nbsp;') + '</div><div class="state">' + stateWords(c) + '</div></div>';
  }).join('') || '<p>Chưa có quầy nào mở <span class="en">/ No counter open yet</span></p>';
  $('recent').innerHTML = state.recent.map(function(r){
    return '<li><span>' + h(r.ticket) + '</span><span>' + (r.counter ? '→ Quầy ' + r.counter : '') + '</span></li>';
  }).join('') || '<li><span class="en">—</span></li>';
  var codes = CFG.lines.map(function(l){ return l.code; });
  Object.keys(state.waiting).forEach(function(k){ if (codes.indexOf(k) < 0) codes.push(k); });
  $('waiting').innerHTML = codes.map(function(code){
    var l = CFG.lines.filter(function(x){ return x.code === code; })[0] || {prefix:'', name_vi:code, name_en:''};
    return '<tr><td><span class="p">' + h(l.prefix) + '</span></td><td>' + h(l.name_vi) + '<br><span class="en">' + h(l.name_en) + '</span></td><td class="n">' + (state.waiting[code] || 0) + '</td></tr>';
  }).join('');
}
setInterval(render, 5000); // ends the flashing

// --- sound: a two-tone chime made with Web Audio, then the call spoken in Vietnamese
var audio = null;
function audioCtx(){
  if (!audio) { var A = window.AudioContext || window.webkitAudioContext; if (A) audio = new A(); }
  return audio;
}
function chime(){
  return new Promise(function(done){
    var ctx = audioCtx();
    if (!ctx || ctx.state !== 'running') { showSoundButton(); return done(); }
    var t = ctx.currentTime + 0.05;
    [[880, 0], [659.25, 0.55]].forEach(function(note){
      var o = ctx.createOscillator(), g = ctx.createGain();
      o.type = 'sine'; o.frequency.value = note[0];
      g.gain.setValueAtTime(0.0001, t + note[1]);
      g.gain.exponentialRampToValueAtTime(0.5, t + note[1] + 0.02);
      g.gain.exponentialRampToValueAtTime(0.0001, t + note[1] + 1.2);
      o.connect(g); g.connect(ctx.destination);
      o.start(t + note[1]); o.stop(t + note[1] + 1.25);
    });
    setTimeout(done, 1800);
  });
}
var voice = null;
function pickVoice(){
  if (!window.speechSynthesis) return;
  var vs = speechSynthesis.getVoices();
  voice = vs.filter(function(v){ return /^vi(-|_|$)/i.test(v.lang); })[0] || null;
}
if (window.speechSynthesis) { pickVoice(); speechSynthesis.onvoiceschanged = pickVoice; }
function speak(text){
  return new Promise(function(done){
    if (!window.speechSynthesis || !text) return done();
    var u = new SpeechSynthesisUtterance(text);
    u.lang = 'vi-VN'; u.rate = 0.9; if (voice) u.voice = voice;
    var finished = false, end = function(){ if (!finished) { finished = true; done(); } };
    u.onend = end; u.onerror = end;
    setTimeout(end, 15000); // some engines never fire onend
    speechSynthesis.speak(u);
  });
}
var calls = [], busy = false, hideTimer = null;
function announce(ev){ calls.push(ev); if (!busy) nextCall(); }
function nextCall(){
  var ev = calls.shift();
  if (!ev) { busy = false; hideTimer = setTimeout(function(){ $('call').className = ''; }, 6000); return; }
  busy = true; clearTimeout(hideTimer);
  $('call').innerHTML = '<div class="big">' + h(ev.ticket_number) + ' → ' + ev.counter_number + '</div>' +
    '<div class="vi">' + h(ev.announcement_vi) + '</div><div class="en">' + h(ev.announcement_en) + '</div>';
  $('call').className = ''; void $('call').offsetWidth; $('call').className = 'show';
  chime().then(function(){ return speak(ev.speech_vi || ev.announcement_vi); })
         .then(function(){ setTimeout(nextCall, 1200); });
}
function showSoundButton(){ $('sound').style.display = 'block'; }
$('sound').addEventListener('click', function(){
  var ctx = audioCtx();
  if (ctx) ctx.resume();
  if (window.speechSynthesis) speechSynthesis.speak(new SpeechSynthesisUtterance(''));
  $('sound').style.display = 'none';
});
var probe = audioCtx();
if (probe && probe.state !== 'running') { probe.resume().catch(function(){}); setTimeout(function(){ if (probe.state !== 'running') showSoundButton(); }, 1000); }

// --- the live feed: EventSource resumes with Last-Event-ID by itself after a blip;
// the watchdog reopens it (from the last sequence shown) if it goes silent
function online(up){ $('link').className = up ? '' : 'down'; $('link').innerHTML = up ? 'Trực tuyến <span class="en">/ live</span>' : 'Đang kết nối lại… <span class="en">/ reconnecting…</span>'; }
function connect(){
  if (es) es.close();
  es = new EventSource(CFG.events + (lastSeq !== null ? '?after=' + lastSeq : ''));
  es.onopen = function(){ lastSeen = Date.now(); online(true); };
  es.onmessage = function(m){
    lastSeen = Date.now(); online(true);
    var ev; try { ev = JSON.parse(m.data); } catch (e) { return; }
    apply(ev);
  };
  es.addEventListener('ping', function(){ lastSeen = Date.now(); });
  es.onerror = function(){ online(false); if (es.readyState === 2) setTimeout(connect, 3000); };
}
function reconnect(){ lastSeen = Date.now(); connect(); }
setInterval(function(){ if (Date.now() - lastSeen > 45000) reconnect(); }, 5000);
render();
connect();
})();
"#;

/// The display screen of a centre.
pub fn display(center_id: &str, center: &CenterName, lines: &[pb::ServiceLine]) -> String {
    let config = Config {
        events: format!("/display/{}/events", seg(center_id)),
        now: chrono::Utc::now().timestamp_millis(),
        lines: lines
            .iter()
            .map(|l| LineJson {
                code: &l.code,
                prefix: &l.prefix,
                name_vi: &l.name_vi,
                name_en: &l.name_en,
            })
            .collect(),
    };
    format!(
        r#"<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Màn hình gọi số · {center_vi}</title>
<style>{STYLE}</style></head><body>
<header><div class="name"><strong>{center_vi}</strong><small>{center_en}</small></div>
<div id="link" class="down">Đang kết nối… <span class="en">/ connecting…</span></div><div id="clock"></div></header>
<main><section id="counters" aria-live="polite"></section>
<aside><section><h2>Vừa gọi <span>/ Latest calls</span></h2><ol id="recent"></ol></section>
<section><h2>Đang chờ <span>/ Waiting</span></h2><table id="waiting"></table></section></aside></main>
<div id="call" role="alert" aria-live="assertive"></div>
<button id="sound" type="button">Bấm để bật âm thanh / Tap to enable sound</button>
<script type="application/json" id="cfg">{config}</script>
<script>{SCRIPT}</script>
</body></html>"#,
        center_vi = esc(&center.vi),
        center_en = esc(&center.en),
        config = script_json(&config),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_cannot_close_the_script() {
        let line = pb::ServiceLine {
            code: "x".into(),
            name_vi: "</script><b>".into(),
            ..Default::default()
        };
        let html = display("c", &CenterName::default(), &[line]);
        assert!(!html.contains("</script><b>"));
        assert!(html.contains("/display/c/events"));
    }
}
