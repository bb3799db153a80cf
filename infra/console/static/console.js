// The console walks the screens of the help article "Integração via API com
// o Promob" against the local stack: the FoccoLojas screens through the
// public API, Promob's side through the simulator's control API. Screens
// are hash routes named like the redirect targets the API documents
// (#/projects/{pid}/environments/{eid}, #/environments/{eid}/review, …).
"use strict";

const state = { cfg: null, token: "", store: "", user: "", account: "", timer: 0 };
const $ = (sel) => document.querySelector(sel);
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

function say(text) { $("#status").textContent = text; }

// reach fetches url; a call the browser refuses (the network, or CORS) is
// shown and thrown.
async function reach(url, init, what) {
  try {
    return await fetch(url, init);
  } catch (e) {
    say(`${what}: ${e.message} (rede ou CORS)`);
    throw e;
  }
}

// api calls the FoccoLojas API; an error answer is shown and thrown.
async function api(method, path, body) {
  const init = { method, headers: { Authorization: "Bearer " + state.token } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await reach(state.cfg.apiUrl + path, init, `${method} ${path}`);
  const data = resp.status === 204 ? null : await resp.json();
  if (!resp.ok) {
    const e = data && data.error ? `${data.error.code}: ${data.error.message}` : JSON.stringify(data);
    say(`${method} ${path} → ${resp.status} ${e}`);
    throw new Error(e);
  }
  return data;
}

// sim calls the Promob simulator's control API (Promob's side).
async function sim(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const resp = await reach(state.cfg.simUrl + "/_sim/accounts/" + encodeURIComponent(state.account) + path, init, `Promob ${method} ${path}`);
  const text = await resp.text();
  if (!resp.ok) { say(`Promob ${method} ${path} → ${resp.status} ${text}`); throw new Error(text); }
  return text ? JSON.parse(text) : null;
}

function icon(color, title) { return `<span class="icon ${color}" title="${esc(title)}"></span>`; }

async function login() {
  state.store = $("#store").value.trim();
  state.user = $("#user").value.trim();
  state.account = "acc-" + state.store;
  const q = new URLSearchParams({ store: state.store, user: state.user, roles: $("#roles").value.trim() });
  const resp = await fetch("token?" + q);
  if (!resp.ok) { say("token: " + (await resp.text())); return; }
  state.token = (await resp.json()).token;
  $("#who").textContent = `${state.user} @ ${state.store}`;
  say("Sessão iniciada.");
  clearInterval(state.timer);
  state.timer = setInterval(refresh, 1500);
  await refresh();
  if (!location.hash || location.hash === "#/") location.hash = "#/setup"; else route();
}

// refresh reloads the notifications and, on screens that follow Promob,
// the screen itself.
async function refresh() {
  if (!state.token) return;
  try {
    const { notifications } = await api("GET", "/v1/notifications?limit=20");
    const ul = $("#notifications");
    ul.innerHTML = notifications.length ? "" : '<li class="muted">nenhuma</li>';
    for (const n of notifications) {
      const li = document.createElement("li");
      li.className = n.read ? "" : "unread";
      li.dataset.kind = n.kind;
      li.innerHTML = `${esc(n.title)}<br><span class="muted">${esc(n.message)}</span>`;
      li.onclick = () => openNotification(n);
      ul.appendChild(li);
    }
  } catch (e) { /* shown in the status line */ }
  if (state.live) state.live().catch(() => {});
}

// openNotification does what the notification's action names: clicking an
// "update" message updates the environment (the article's way), then the
// screen the action points to opens.
async function openNotification(n) {
  const a = n.action || {};
  if (!n.read) await api("POST", `/v1/notifications/${encodeURIComponent(n.id)}/read`);
  switch (a.type) {
    case "update_environment":
    case "review_environment":
      await api("POST", `/v1/environments/${a.environmentId}/update`);
      say("Atualização solicitada: uma nova versão será importada.");
      location.hash = a.type === "review_environment" ? `#/environments/${a.environmentId}/review` : `#/projects/${a.projectId}/environments/${a.environmentId}`;
      break;
    case "open_assistance": // the assistance's id is its environment id
      location.hash = `#/assistances/${a.environmentId}`;
      break;
    case "link_promob":
      location.hash = "#/profile";
      break;
  }
  refresh();
}

const screens = [
  [/^#\/setup$/, setupScreen],
  [/^#\/profile$/, profileScreen],
  [/^#\/users$/, usersScreen],
  [/^#\/clients$/, clientsScreen],
  [/^#\/projects$/, projectsScreen],
  [/^#\/projects\/([^/]+)$/, projectScreen],
  [/^#\/projects\/([^/]+)\/environments\/([^/?]+)$/, environmentScreen],
  [/^#\/environments\/([^/]+)\/review$/, reviewScreen],
  [/^#\/environments\/link\?(.*)$/, linkScreen],
  [/^#\/assistances\/([^/]+)$/, assistanceScreen],
];

function route() {
  state.live = null;
  if (!state.token) return;
  for (const [re, fn] of screens) {
    const m = location.hash.match(re);
    if (m) { fn(...m.slice(1).map(decodeURIComponent)).catch(() => {}); return; }
  }
  $("#screen").innerHTML = '<p class="muted">Tela desconhecida.</p>';
}

function show(html) { $("#screen").innerHTML = html; }
function on(sel, fn) { const el = $(sel); if (el) el.onclick = () => fn().catch(() => {}); }

// Configuração da loja (Sistema - Configurações - Integração FoccoLojas x
// Promob), and the store's account in the simulated Portal Promob.
async function setupScreen() {
  show(`<h1>Integração FoccoLojas x Promob</h1>
    <label>CNPJ <input id="cnpj" value="11.222.333/0001-81"></label>
    <label>AccountID <input id="account" value="${esc(state.account)}"></label>
    <label>Número de série <input id="serial" value="SN-1"></label>
    <label>Usuário Promob <input id="puser" value="designer"> senha <input id="ppass" value="s3cret"></label>
    <button id="setup">Configurar loja</button> <div id="setup-result"></div>`);
  on("#setup", async () => {
    state.account = $("#account").value.trim();
    // The Promob account exists first (Portal Promob: CNPJ × AccountID, the
    // serial numbers linked to it): the API checks the integration with it.
    await sim("PUT", "", { integrationToken: "pmi-" + state.account, cnpj: $("#cnpj").value, serialNumbers: [$("#serial").value],
      users: [{ user: $("#puser").value, password: $("#ppass").value }] });
    const integ = await api("PUT", "/v1/integration", {
      cnpj: $("#cnpj").value, promobAccountId: state.account, serialNumbers: [$("#serial").value], promobApiToken: "pmi-" + state.account,
    });
    const hook = { webhookUrl: state.cfg.apiUrl + integ.webhookPath };
    if (integ.webhookSecret) hook.webhookSecret = integ.webhookSecret;
    await sim("PUT", "", hook);
    $("#setup-result").textContent = "Loja configurada.";
    say("Loja configurada: o Promob simulado envia seus webhooks para esta API.");
  });
}

// Meu Perfil → Vincular usuário Promob; the green icon marks the link.
async function profileScreen() {
  const me = await api("GET", "/v1/me");
  const s = me.promobLink.status;
  show(`<h1>Meu Perfil</h1><p>${icon(s === "linked" ? "green" : s === "expired" ? "red" : "grey", s)} ${esc(me.userId)} — ${esc(s)}</p>
    <label>Usuário Promob <input id="link-user" value="designer"></label>
    <label>Senha <input id="link-pass" type="password" value="s3cret"></label>
    <button id="link">Vincular usuário Promob</button>`);
  on("#link", async () => {
    await api("POST", "/v1/me/promob-link", { promobUser: $("#link-user").value, promobPassword: $("#link-pass").value });
    say("Usuário vinculado ao Promob.");
    profileScreen();
  });
}

async function usersScreen() {
  const { users } = await api("GET", "/v1/users");
  show(`<h1>Usuários</h1><table><tr><th></th><th>Usuário</th><th>Papéis</th><th>Visto em</th></tr>
    ${users.map((u) => `<tr><td>${icon(u.promobLink.status === "linked" ? "green" : "grey", u.promobLink.status)}</td>
      <td>${esc(u.id)}</td><td>${esc(u.roles.join(", "))}</td><td>${esc(u.lastSeenAt)}</td></tr>`).join("")}</table>`);
}

async function clientsScreen(q = "") {
  const { clients } = await api("GET", "/v1/clients?q=" + encodeURIComponent(q));
  show(`<h1>Clientes</h1>
    <label>Buscar <input id="q" value="${esc(q)}"> <button id="search">Buscar</button></label>
    <table id="clients"><tr><th>Nome</th><th>CPF/CNPJ</th><th>Promob</th><th></th></tr>
    ${clients.map((c) => `<tr><td>${esc(c.name)}</td><td>${esc(c.document)}</td><td>${esc(c.promobSync.status)}</td>
      <td><button data-client="${esc(c.id)}">Novo projeto</button></td></tr>`).join("")}</table>
    <h2>Novo cliente</h2>
    <label>Nome <input id="client-name" value="Ana Silva"></label>
    <label>CPF/CNPJ <input id="client-doc" value="529.982.247-25"></label>
    <button id="create-client">Criar cliente</button>
    <h2>Novo projeto</h2><label>Nome do projeto <input id="project-name" value="Casa Silva"></label>`);
  on("#search", () => clientsScreen($("#q").value));
  on("#create-client", async () => {
    await api("POST", "/v1/clients", { name: $("#client-name").value, document: $("#client-doc").value });
    say("Cliente criado; ele será criado no Promob também.");
    clientsScreen();
  });
  for (const b of document.querySelectorAll("[data-client]")) {
    b.onclick = async () => {
      const p = await api("POST", "/v1/projects", { clientId: b.dataset.client, name: $("#project-name").value });
      location.hash = "#/projects/" + p.id;
    };
  }
}

async function projectsScreen() {
  const { projects } = await api("GET", "/v1/projects");
  show(`<h1>Projetos</h1><table><tr><th>Projeto</th><th>Situação</th><th>Última atividade</th></tr>
    ${projects.map((p) => `<tr><td><a href="#/projects/${esc(p.id)}">${esc(p.name)}</a></td><td>${esc(p.state)}</td>
      <td>${esc(p.lastActivityAt)}</td></tr>`).join("")}</table>`);
}

// The project: its environments' grid (yellow icon: outdated; Atualizar),
// its budget, financial release, history and technical assistance.
async function projectScreen(pid) {
  const draw = async () => {
    const p = await api("GET", "/v1/projects/" + pid);
    const budget = await api("GET", `/v1/projects/${pid}/budget`);
    const { history } = await api("GET", `/v1/projects/${pid}/history`);
    const { assistances } = await api("GET", `/v1/projects/${pid}/assistances`);
    const keep = { env: $("#env-name")?.value ?? "Cozinha" };
    show(`<h1>Projeto ${esc(p.name)} <span class="muted">${esc(p.state)}</span></h1>
      <table id="environments"><tr><th></th><th>Ambiente</th><th>Criação no Promob</th><th>Versão</th><th></th></tr>
      ${p.environments.map((e) => `<tr data-env="${esc(e.id)}" data-status="${esc(e.status)}">
        <td>${e.outdated ? icon("yellow", "desatualizado") : icon("green", "atualizado")}</td>
        <td><a href="#/projects/${esc(pid)}/environments/${esc(e.id)}">${esc(e.name)}</a></td>
        <td>${esc(e.status)}</td><td>${e.latestVersion}</td>
        <td><button data-update="${esc(e.id)}">Atualizar</button></td></tr>`).join("")}</table>
      <label>Novo ambiente <input id="env-name" value="${esc(keep.env)}"></label> <button id="create-env">Criar ambiente</button>
      <h2>Orçamento do projeto</h2><p id="project-total">Total ${esc(budget.total)}</p>
      <button id="release">Liberação financeira</button> ${p.financiallyReleasedAt ? "liberado" : ""}
      <h2>Assistência técnica</h2><ul>${assistances.map((a) => `<li><a href="#/assistances/${esc(a.id)}">${esc(a.name)}</a> — ${esc(a.description)}</li>`).join("")}</ul>
      <label>Ambiente <select id="asst-env">${p.environments.map((e) => `<option value="${esc(e.id)}">${esc(e.name)}</option>`).join("")}</select></label>
      <label>Ocorrência <input id="asst-number" value="${assistances.length + 1}"> <input id="asst-desc" value="Porta empenada"></label>
      <button id="create-assistance">Nova ocorrência</button>
      <h2>Histórico</h2><ul>${history.map((h) => `<li>${esc(h.at)} ${esc(h.kind)} ${h.version ? "v" + h.version : ""} — ${esc(h.message)}</li>`).join("")}</ul>`);
    on("#create-env", async () => {
      await api("POST", `/v1/projects/${pid}/environments`, { name: $("#env-name").value });
      say("Ambiente solicitado: ele é criado no Promob em segundo plano.");
      draw();
    });
    on("#release", async () => { await api("POST", `/v1/projects/${pid}/financial-release`); draw(); });
    on("#create-assistance", async () => {
      const a = await api("POST", "/v1/assistances", {
        projectId: pid, environmentId: $("#asst-env").value, number: $("#asst-number").value, description: $("#asst-desc").value });
      location.hash = "#/assistances/" + a.id;
    });
    for (const b of document.querySelectorAll("[data-update]")) {
      b.onclick = () => api("POST", `/v1/environments/${b.dataset.update}/update`).then(() => say("Atualização solicitada.")).catch(() => {});
    }
  };
  await draw();
  state.live = async () => { if (!["INPUT", "SELECT"].includes(document.activeElement?.tagName)) await draw(); };
}

// Ambiente: the simulated Promob's actions, and the tabs Versões (green:
// the latest; ✔ converted), Itens, Orçamento; approval and purchase orders.
async function environmentScreen(pid, eid, tab = "versions") {
  const draw = async () => {
    // The tab is read before the environment: a version commits together
    // with the environment's imported revision, so a new version on screen
    // never sits under a header that still reads "outdated".
    let body = "";
    if (tab === "versions") {
      const { versions } = await api("GET", `/v1/environments/${eid}/versions`);
      body = `<table id="versions"><tr><th></th><th>Versão</th><th>Nome da opção</th><th>Data da opção</th><th>Identificador</th><th>Total</th></tr>
        ${versions.map((v) => `<tr data-version="${v.number}" data-latest="${v.latest}">
          <td>${v.latest ? icon("green", "última versão") : ""}${v.converted ? " ✔ convertida" : ""}</td>
          <td>${v.number}</td><td>${esc(v.optionName)}</td><td>${esc(v.optionDate)}</td><td>${esc(v.promobIdentifier)}</td><td>${esc(v.total)}</td></tr>`).join("")}</table>`;
    } else if (tab === "items") {
      const { items } = await api("GET", `/v1/environments/${eid}/items`);
      body = `<table><tr><th>Origem</th><th>Referência</th><th>Descrição</th></tr>
        ${items.map((i) => `<tr><td>${esc(i.source)}</td><td>${esc(i.reference)}</td><td>${esc(i.description)}</td></tr>`).join("")}</table>
        <label>Item manual <input id="item-desc" value="Puxador"> qtd <input id="item-qty" value="2" size="3"> preço <input id="item-price" value="10.50" size="6"></label>
        <button id="add-item">Incluir item</button>`;
    } else if (tab === "budget") {
      const b = await api("GET", `/v1/environments/${eid}/budget`);
      body = `<p>Versão ${b.version}: produtos Promob ${esc(b.promobTotal)}, manuais ${esc(b.manualTotal)}, frete ${esc(b.freight)},
        montagem ${esc(b.assembly)}, <strong>total ${esc(b.total)}</strong></p>`;
    } else if (tab === "orders") {
      const { purchaseOrders } = await api("GET", `/v1/environments/${eid}/purchase-orders`);
      body = `<table><tr><th>Fornecedor</th><th>Versão</th><th>Total</th></tr>
        ${purchaseOrders.map((o) => `<tr><td>${esc(o.supplier)}</td><td>${o.version}</td><td>${esc(o.total)}</td></tr>`).join("")}</table>`;
    }
    const e = await api("GET", "/v1/environments/" + eid);
    const tabs = [["versions", "Versões"], ["items", "Itens"], ["budget", "Orçamento"], ["orders", "Pedidos de compra"]];
    show(`<h1>Ambiente ${esc(e.name)} ${e.outdated ? icon("yellow", "desatualizado") : icon("green", "atualizado")}</h1>
      <p class="muted">Promob: ${esc(e.promobProjectId)} / ${esc(e.promobEnvironmentId)} — revisão ${e.promobRevision}, importada ${e.importedRevision}
        (${esc(e.importStatus)})${e.locked ? " — bloqueado" : ""}</p>
      <p>No Promob: <button id="promob-save">Salvar</button> <button id="promob-prepare">Preparar para negociação</button>
        <button id="promob-negotiate">Negociar</button></p>
      <p><button id="update">Atualizar</button> <button id="approve">Aprovar orçamento</button>
        <a href="#/environments/${esc(eid)}/review">Revisão</a> <a href="#/projects/${esc(pid)}">Projeto</a></p>
      <p class="tabs">${tabs.map(([k, l]) => `<button data-tab="${k}" aria-pressed="${k === tab}">${l}</button>`).join("")}</p>
      <div id="tab">${body}</div>`);
    const promob = async (type) => {
      const parts = 30 + 4 * (e.promobRevision + 1);
      await sim("PUT", `/projects/${encodeURIComponent(e.promobProjectId)}/environments/${encodeURIComponent(e.promobEnvironmentId)}?parts=${parts}&seed=${parts}`);
      const out = await sim("POST", `/projects/${encodeURIComponent(e.promobProjectId)}/environments/${encodeURIComponent(e.promobEnvironmentId)}/events`, { type });
      const redirect = out && out.body && out.body.redirect;
      say(`Promob: ${type} → ${out ? out.status : ""}${redirect ? " redireciona para " + redirect : ""}`);
      if (redirect) location.hash = "#" + redirect;
    };
    on("#promob-save", () => promob("environment.saved"));
    on("#promob-prepare", () => promob("environment.prepared"));
    on("#promob-negotiate", () => promob("environment.negotiated"));
    on("#update", async () => { await api("POST", `/v1/environments/${eid}/update`); say("Atualização solicitada."); });
    on("#approve", async () => { const r = await api("POST", `/v1/environments/${eid}/approve`); say(`Versão ${r.convertedVersion} convertida.`); draw(); });
    on("#add-item", async () => {
      await api("POST", `/v1/environments/${eid}/items`, { description: $("#item-desc").value, quantity: $("#item-qty").value, unitPrice: $("#item-price").value });
      draw();
    });
    for (const b of document.querySelectorAll("[data-tab]")) b.onclick = () => { tab = b.dataset.tab; draw().catch(() => {}); };
  };
  await draw();
  state.live = async () => { if (tab === "versions") await draw(); };
}

// Revisão: start (the first access makes the update mandatory), the diff
// from the converted version, completion with purchase orders.
async function reviewScreen(eid) {
  const draw = async () => {
    const r = await api("GET", `/v1/environments/${eid}/review`);
    const e = await api("GET", "/v1/environments/" + eid);
    const row = (c) => `<tr><td>${esc(c.reference)}</td><td>${esc(c.description)}</td><td>${esc(c.quantityBefore ?? "")}</td><td>${esc(c.quantityAfter ?? "")}</td></tr>`;
    show(`<h1>Revisão do ambiente ${esc(e.name)}</h1>
      <p>Situação: ${esc(r.status)}${r.updateRequired ? " — atualização obrigatória: clique na mensagem de notificação" : ""}</p>
      <button id="review-start">Iniciar revisão</button> <button id="review-complete">Concluir revisão</button>
      <a href="#/projects/${esc(e.projectId)}/environments/${esc(eid)}">Ambiente</a>
      <h2>Alterações desde a versão convertida (${r.convertedVersion} → ${r.latestVersion}), diferença ${esc(r.diff.totalDelta)}</h2>
      <table><tr><th>Referência</th><th>Descrição</th><th>Antes</th><th>Depois</th></tr>
      ${[...r.diff.added, ...r.diff.removed, ...r.diff.changed].map(row).join("")}</table>`);
    on("#review-start", async () => { await api("POST", `/v1/environments/${eid}/review/start`); draw(); });
    on("#review-complete", async () => {
      await api("POST", `/v1/environments/${eid}/review/complete`);
      say("Revisão concluída: pedidos de compra gerados; o ambiente está bloqueado.");
      draw();
    });
  };
  await draw();
}

// Integração de legados: link a Promob environment FoccoLojas does not know.
async function linkScreen(query) {
  const q = new URLSearchParams(query);
  const { projects } = await api("GET", "/v1/projects");
  show(`<h1>Integração de legados</h1><p>Ambiente Promob ${esc(q.get("promobEnvironmentId"))} do projeto ${esc(q.get("promobProjectId"))}</p>
    <label>Projeto <select id="link-project">${projects.map((p) => `<option value="${esc(p.id)}">${esc(p.name)}</option>`).join("")}</select></label>
    <label>Nome <input id="link-name" value="Ambiente"></label> <button id="link-env">Vincular</button>`);
  on("#link-env", async () => {
    const pid = $("#link-project").value;
    const e = await api("POST", `/v1/projects/${pid}/environments/import`, {
      promobProjectId: q.get("promobProjectId"), promobEnvironmentId: q.get("promobEnvironmentId"), name: $("#link-name").value });
    location.hash = `#/projects/${pid}/environments/${e.id}`;
  });
}

// Assistência técnica: an occurrence, its Itens tab, and "Abrir software de
// projeto" (Arquivo em branco / Arquivo da revisão) in the simulated Promob.
async function assistanceScreen(aid) {
  const draw = async () => {
    const a = await api("GET", "/v1/assistances/" + aid);
    const { items } = await api("GET", `/v1/assistances/${aid}/items`);
    const d = a.design;
    show(`<h1>Assistência ${esc(a.name)}</h1><p>${esc(a.description)} — software de projeto: ${esc(d.status)}</p>
      <p><button id="design-blank">Arquivo em branco</button> <button id="design-revision">Arquivo da revisão</button>
        ${d.status === "ready" ? '<button id="asst-prepare">Preparar para negociação (Promob)</button>' : ""}</p>
      <h2>Versões</h2><ul>${a.versions.map((v) => `<li>${v.latest ? icon("green", "última versão") : ""} v${v.number} — total ${esc(v.total)}</li>`).join("")}</ul>
      <h2>Itens</h2><table><tr><th>Origem</th><th>Referência</th><th>Descrição</th></tr>
      ${items.map((i) => `<tr><td>${esc(i.source)}</td><td>${esc(i.reference)}</td><td>${esc(i.description)}</td></tr>`).join("")}</table>
      <label>Item manual <input id="asst-item" value="Dobradiça"></label> <button id="asst-add">Incluir item</button>`);
    on("#design-blank", async () => { await api("POST", `/v1/assistances/${aid}/design`, { source: "blank" }); draw(); });
    on("#design-revision", async () => { await api("POST", `/v1/assistances/${aid}/design`, { source: "revision" }); draw(); });
    on("#asst-add", async () => { await api("POST", `/v1/assistances/${aid}/items`, { description: $("#asst-item").value, quantity: "1", unitPrice: "5" }); draw(); });
    on("#asst-prepare", async () => {
      const path = `/projects/${encodeURIComponent(d.promobProjectId)}/environments/${encodeURIComponent(d.promobEnvironmentId)}`;
      await sim("PUT", path + "?parts=12&seed=12");
      await sim("POST", path + "/events", { type: "environment.prepared" });
      say("Promob: preparado para negociação; a nova versão da ocorrência aparece em instantes.");
    });
  };
  await draw();
  state.live = async () => { if (!["INPUT", "SELECT"].includes(document.activeElement?.tagName)) await draw(); };
}

window.addEventListener("hashchange", route);
$("#login").onclick = () => login().catch((e) => say(String(e)));
fetch("config.json").then((r) => r.json()).then((cfg) => { state.cfg = cfg; });
