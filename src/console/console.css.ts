import { reportCss } from "../report/report.render.html.js";

/**
 * The console's one stylesheet, served as /assets/console.css (the Content-Security-Policy allows no inline style).
 * Light and dark schemes follow the system; sizes that change on refresh (counts, times, sparklines) are reserved
 * so an auto-refresh does not move the page.
 */
const BASE_CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2937;--muted:#4b5563;--line:#d1d5db;--code:#f3f4f6;--head:#f9fafb;
--accent:#1d4ed8;--accent-fg:#fff;--focus:#b45309;--warn:#92400e;--warn-bg:#fef3c7;--up:#b91c1c;--down:#15803d;--spark:#1d4ed8}
@media (prefers-color-scheme:dark){:root{--bg:#111827;--fg:#e5e7eb;--muted:#9ca3af;--line:#374151;--code:#1f2937;
--head:#1f2937;--accent:#93c5fd;--accent-fg:#111827;--focus:#fbbf24;--warn:#fcd34d;--warn-bg:#422006;--up:#fca5a5;--down:#86efac;--spark:#93c5fd}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:.5rem;top:-3rem;background:var(--accent);color:var(--accent-fg);padding:.4rem .8rem;border-radius:4px;z-index:10}
.skip:focus{top:.5rem}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;padding:.6rem 1rem;border-bottom:1px solid var(--line)}
.top nav{display:flex;gap:1rem;align-items:baseline}
.top nav a{text-decoration:none;font-weight:600}
.top .brand{font-size:1.1rem;color:var(--fg)}
.top .search{display:block;flex:1 1 18rem;max-width:40rem}
.top .search form{display:flex;gap:.4rem}
.top .search input{flex:1;min-width:0}
.top form.out{margin-left:auto}
main{max-width:78rem;margin:0 auto;padding:1rem}
main:focus{outline:none}
footer{max-width:78rem;margin:0 auto;padding:1rem;color:var(--muted);font-size:.875rem}
h1{font-size:1.45rem;margin:.2rem 0 .6rem;overflow-wrap:anywhere}
p,li{overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
input,select,button,textarea{font:inherit;color:inherit}
input,select,textarea{background:var(--bg);border:1px solid var(--muted);border-radius:4px;padding:.3rem .45rem}
.btn{display:inline-block;border:1px solid var(--muted);border-radius:4px;padding:.3rem .8rem;background:var(--code);cursor:pointer;text-decoration:none;color:var(--fg)}
.btn.primary{background:var(--accent);border-color:var(--accent);color:var(--accent-fg)}
.btn.link{background:none;border:none;color:var(--accent);text-decoration:underline;padding:.3rem .2rem}
.muted{color:var(--muted)}.small{font-size:.875rem}
code,pre{font:.875em/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:3px}
code{padding:0 .2rem;overflow-wrap:anywhere}
pre{padding:.6rem .7rem;overflow-x:auto;white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0 .8rem}
pre code{padding:0;background:none}
.filters{display:flex;flex-wrap:wrap;gap:.6rem 1rem;align-items:flex-end;margin:.4rem 0 .8rem}
.filters label{display:flex;flex-direction:column;font-size:.875rem;gap:.15rem}
.filters label.check{flex-direction:row;align-items:center;gap:.35rem;padding-bottom:.35rem}
.filters input[name=account]{width:9.5rem}.filters input[name=action]{width:14rem}
.bar{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.5rem;min-height:2.2rem}
.refresh{display:flex;align-items:center;gap:.6rem;font-size:.875rem;min-height:2rem}
.note{border-left:4px solid var(--warn);background:var(--warn-bg);padding:.4rem .7rem;margin:.5rem 0}
.kind{display:inline-flex;align-items:center;gap:.3rem;white-space:nowrap;font-size:.8125rem;border:1px solid var(--line);border-radius:999px;padding:0 .5rem}
.kind i{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;background:var(--k)}
.badge{display:inline-block;border-radius:999px;padding:0 .5rem;font-size:.8rem;background:var(--code)}
.badge.warn{background:var(--warn-bg);color:var(--warn)}
table.list{border-collapse:collapse;width:100%;table-layout:fixed}
table.list th,table.list td{border-bottom:1px solid var(--line);padding:.45rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.list th{font-size:.8125rem;color:var(--muted);font-weight:600}
table.list .n{text-align:right;font-variant-numeric:tabular-nums}
table.list col.c-role{width:22%}table.list col.c-what{width:32%}table.list col.c-policy{width:10%}
table.list col.c-count{width:6%}table.list col.c-seen{width:19%}table.list col.c-spark{width:11%}
time{font-variant-numeric:tabular-nums;white-space:nowrap}
.spark{display:block;width:96px;height:28px;color:var(--spark)}
.role-name{font-weight:600}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:.4rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0;overflow-wrap:anywhere}
.panel{border:1px solid var(--line);border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.copy-head{display:flex;justify-content:space-between;align-items:center;gap:.5rem;min-height:2rem}
.copy-head h3{font-size:1rem;margin:0}
ol.reasoning li,ul.plain li{margin:.2rem 0}
details>summary{cursor:pointer;font-weight:600;padding:.3rem 0}
.evidence td.n{width:5rem}table.list.evidence{table-layout:auto}
.panel>h2:first-child,.panel>h3:first-child{margin-top:0}
.pager{margin:1rem 0}
.status{min-width:12rem}
.toc{columns:2 16rem;padding-left:1.1rem}
.toc details{break-inside:avoid}
@media (max-width:48rem){
main{padding:.6rem}.top{padding:.5rem .6rem}
table.list,table.list tbody,table.list tr,table.list td{display:block;width:100%}
table.list thead,table.list colgroup{display:none}
table.list tr{border-bottom:1px solid var(--line);padding:.4rem 0}
table.list td{border:none;padding:.15rem 0}
table.list td[data-label]::before{content:attr(data-label) ": ";color:var(--muted);font-size:.8125rem}
table.list .n{text-align:left}
dl.facts{grid-template-columns:1fr}dl.facts dt{margin-top:.3rem}
}
@media (prefers-reduced-motion:reduce){*{scroll-behavior:auto!important;transition:none!important;animation:none!important}}
`;

export const consoleCss = `${BASE_CSS}\n.report{display:block}\n${reportCss}`;
