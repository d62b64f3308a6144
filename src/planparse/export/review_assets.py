"""The review page's inline style sheet and script (kept apart from the HTML builder; no external files)."""

STYLE = """
*{box-sizing:border-box}
body{margin:0;font:14px/1.4 system-ui,'Segoe UI',Roboto,'Liberation Sans',sans-serif;color:#1d1d1f;background:#eceef1}
#top{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center;padding:.5rem 1rem;
  background:#fff;border-bottom:1px solid #ccd}
#top h1{font-size:1.05rem;margin:0;flex:1 1 100%}
#top .facts{margin:0;color:#555}
#top .keys{color:#777;font-size:.85em}
#top button{padding:.25rem .7rem}
main{display:grid;grid-template-columns:minmax(0,1fr) 430px;gap:1rem;padding:1rem;align-items:start}
#pages{display:flex;flex-direction:column;gap:1rem}
.page{margin:0;background:#fff;padding:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.2)}
.page.text p{margin:.1rem 0}
.pno{font-size:.9rem;margin:0 0 .3rem;color:#555}
.sheet{position:relative;width:100%}
.sheet img{display:block;width:100%;height:100%}
.boxes{position:absolute;inset:0}
.w,.ln,.cell,.tb{position:absolute}
.w{border:1px solid rgba(0,140,60,.45);background:rgba(0,170,70,.07);cursor:pointer}
.w.low{border-color:#d11;background:rgba(230,0,0,.17)}
.w.rep{border:2px solid #1857d6;background:rgba(24,87,214,.16)}
.w.reviewed{border-style:dashed}
.ln,.tb,.cell{pointer-events:none}
.w.rep.hl::after{content:attr(data-after);position:absolute;top:100%;left:0;margin-top:3px;padding:0 4px;
  background:#1857d6;color:#fff;font-size:13px;white-space:nowrap;border-radius:3px}
.hl{outline:3px solid #ff8c00;background:rgba(255,140,0,.32)!important;z-index:3}
#side{position:sticky;top:5.2rem;max-height:calc(100vh - 6rem);overflow:auto;background:#fff;padding:.5rem .9rem;
  box-shadow:0 1px 3px rgba(0,0,0,.2)}
#side h2{font-size:.95rem;margin:1rem 0 .3rem;border-bottom:1px solid #dde}
#queue{padding-left:1.6rem;margin:0}
#queue li{padding:.2rem .3rem;border-radius:4px;cursor:pointer}
#queue li.current{background:#fff1c9;outline:1px solid #e9b949}
#queue li.accepted{opacity:.55}
#queue li.changed .after{text-decoration:line-through}
#queue .new{color:#0a7a32;font-weight:600}
#queue .before{color:#a33}
#queue .after{color:#155bd5;font-weight:600}
#queue li.low .after{color:#b00}
#queue li.word .after{color:#333}
.conf,.reason,.alts{color:#666;font-size:.85em;margin-left:.3rem}
.edit{display:none;margin-top:.2rem}
#queue li.current .edit{display:flex;gap:.3rem}
.edit input{flex:1;font:inherit}
dl{display:grid;grid-template-columns:7.5rem 1fr;gap:.1rem .5rem;margin:0}
dt{color:#666}dd{margin:0}
.tree{padding-left:1rem;margin:.1rem 0}
a.src{font-size:.8em;margin-left:.3rem}
table{border-collapse:collapse;width:100%;font-size:.85em}
td,th{border:1px solid #ccd;padding:.15rem .3rem;vertical-align:top}
.none{color:#888}
.warning b{color:#a60}
"""

SCRIPT = """
(() => {
  "use strict";
  const $ = (s, r = document) => r.querySelector(s);
  const $$ = (s, r = document) => Array.from(r.querySelectorAll(s));
  const data = JSON.parse($("#review-data").textContent);
  const slider = $("#threshold"), shown = $("#threshold-value");
  const items = $$("#queue .item");
  const decisions = new Map();
  const byId = (id) => document.getElementById(id);

  function applyThreshold() {
    const t = Number(slider.value);
    shown.textContent = String(t);
    for (const w of $$(".w")) {
      const c = w.dataset.conf;
      w.classList.toggle("low", c !== "" && Number(c) < t);
    }
    for (const it of items) if (it.classList.contains("low")) it.hidden = !(Number(it.dataset.conf) < t);
  }
  const visible = () => items.filter((it) => !it.hidden);

  function highlight(ids) {
    for (const e of $$(".hl")) e.classList.remove("hl");
    for (const id of ids) { const e = byId(id); if (e) e.classList.add("hl"); }
    const first = byId(ids[0]);
    if (first) first.scrollIntoView({block: "center", inline: "nearest"});
  }

  function select(it) {
    for (const i of items) i.classList.remove("current");
    it.classList.add("current");
    highlight(it.dataset.targets.split(" "));
    it.scrollIntoView({block: "nearest"});
  }

  function move(step) {
    const v = visible();
    if (!v.length) return;
    let i = v.indexOf($("#queue .item.current"));
    i = i < 0 ? (step > 0 ? 0 : v.length - 1) : Math.min(v.length - 1, Math.max(0, i + step));
    select(v[i]);
  }

  function decide(it) {
    const orig = it.dataset.original;
    const text = $(".fix", it).value.normalize("NFC").trim();
    const action = text && text !== orig ? "change" : "accept";
    const d = {item: it.id, action, kind: it.classList.contains("rep") ? "repair" : "word",
               page: Number(it.dataset.page), start: Number(it.dataset.start), end: Number(it.dataset.end),
               original: orig, text: action === "change" ? text : orig};
    if (it.dataset.line !== undefined) d.line = Number(it.dataset.line);
    else { d.table = Number(it.dataset.table); d.cell = Number(it.dataset.cell); }
    decisions.set(it.id, d);
    it.classList.remove("accepted", "changed");
    it.classList.add(action === "change" ? "changed" : "accepted");
    let mark = $(".new", it);
    if (!mark) { mark = document.createElement("span"); mark.className = "new"; $(".after", it).after(mark); }
    mark.textContent = action === "change" ? " → " + text : " ✓";
    for (const id of it.dataset.targets.split(" ")) {
      const b = byId(id);
      if (b) { b.classList.add("reviewed"); b.title = (action === "change" ? orig + " → " + text : orig) + " · reviewed"; }
    }
    $("#export").textContent = "Export decisions (" + decisions.size + ")";
  }

  function exportDecisions() {
    const payload = {format: "planparse-review", version: 1, source: data.source,
                     decisions: Array.from(decisions.values()), document: data.document};
    const blob = new Blob([JSON.stringify(payload)], {type: "application/json"});
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = (data.source.path.split(/[\\\\/]/).pop() || "document") + ".review.json";
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 5000);
  }

  function itemFor(w) {
    const [line, start, end, page] = w.dataset.span.split(" ");
    const it = document.createElement("li");
    it.className = "item word";
    it.id = "x" + w.id;
    Object.assign(it.dataset, {targets: w.id, conf: w.dataset.conf, page, start, end, line, original: w.dataset.text});
    const go = document.createElement("a");
    go.className = "go"; go.href = "#" + w.id; go.textContent = "p." + page;
    const after = document.createElement("span");
    after.className = "after"; after.textContent = w.dataset.text;
    const conf = document.createElement("span");
    conf.className = "conf"; conf.textContent = w.dataset.conf + "%";
    const edit = document.createElement("span");
    edit.className = "edit";
    const input = document.createElement("input");
    input.className = "fix"; input.value = w.dataset.text; input.setAttribute("aria-label", "correct word");
    const ok = document.createElement("button");
    ok.type = "button"; ok.className = "accept"; ok.textContent = "accept";
    edit.append(input, ok);
    it.append(go, " ", after, " ", conf, edit);
    $("#queue").appendChild(it);
    items.push(it);
    w.dataset.item = it.id;
    return it;
  }

  slider.addEventListener("input", applyThreshold);
  $("#export").addEventListener("click", exportDecisions);
  $("#queue").addEventListener("click", (e) => {
    const it = e.target.closest(".item");
    if (!it) return;
    if (e.target.closest(".accept")) { decide(it); return; }
    if (e.target.closest("input")) return;
    e.preventDefault();
    select(it);
  });
  $("#queue").addEventListener("keydown", (e) => {
    if (e.target.matches("input.fix") && e.key === "Enter") { decide(e.target.closest(".item")); e.target.blur(); }
    if (e.target.matches("input.fix") && e.key === "Escape") e.target.blur();
  });
  $("#pages").addEventListener("click", (e) => {
    const w = e.target.closest(".w");
    if (!w) return;
    const it = w.dataset.item ? byId(w.dataset.item) : w.dataset.span ? itemFor(w) : null;
    if (it) { it.hidden = false; select(it); } else highlight([w.id]);
  });
  $("#side").addEventListener("click", (e) => {
    const a = e.target.closest("a.src");
    if (!a) return;
    e.preventDefault();
    highlight([a.getAttribute("href").slice(1)]);
  });
  document.addEventListener("keydown", (e) => {
    if (e.target.matches("input, textarea") || e.ctrlKey || e.metaKey || e.altKey) return;
    const cur = $("#queue .item.current");
    if (e.key === "j") move(1);
    else if (e.key === "k") move(-1);
    else if (e.key === "a" && cur) decide(cur);
    else if (e.key === "e" && cur) { e.preventDefault(); $(".fix", cur).focus(); $(".fix", cur).select(); }
    else return;
    e.preventDefault();
  });
  applyThreshold();
})();
"""
