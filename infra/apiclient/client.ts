// A typed client of the FoccoLojas × Promob API: one function per operation
// of shared/httpapi/openapi.yaml, typed by the types openapi-typescript
// generates from it (gen/api.d.ts, made by make lint). make lint type-checks
// this file, so a change of the contract that breaks a caller (a route, a
// parameter or a field renamed, a type changed) fails the build; a Go test
// (shared/httpapi TestTypedClientCallsEveryOperation) checks that every
// operation of the document has its function here.
import createFetchClient from "openapi-fetch";
import type { components, operations, paths } from "./gen/api";

export type Schemas = components["schemas"];

type Path<K extends keyof operations> = operations[K]["parameters"]["path"];
type Query<K extends keyof operations> = NonNullable<operations[K]["parameters"]["query"]>;
type Header<K extends keyof operations> = operations[K]["parameters"]["header"];
type Body<K extends keyof operations> = operations[K] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

// The API's base URL and the caller's access token.
export const api = createFetchClient<paths>({ baseUrl: "http://127.0.0.1:3000" });

export function useToken(token: string): void {
  api.use({
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${token}`);
      return request;
    },
  });
}

export const health = () => api.GET("/health");
export const openapi = () => api.GET("/openapi.json");
export const getIntegration = () => api.GET("/v1/integration");
export const putIntegration = (body: Body<"putIntegration">) => api.PUT("/v1/integration", { body });
export const rotateWebhookSecret = () => api.POST("/v1/integration/rotate-secret");
export const legacyImportEnvironment = (path: Path<"legacyImportEnvironment">, body: Body<"legacyImportEnvironment">) => api.POST("/v1/projects/{pid}/environments/import", { params: { path }, body });
export const getEnvironment = (path: Path<"getEnvironment">) => api.GET("/v1/environments/{eid}", { params: { path } });
export const updateEnvironment = (path: Path<"updateEnvironment">) => api.POST("/v1/environments/{eid}/update", { params: { path } });
export const listVersions = (path: Path<"listVersions">) => api.GET("/v1/environments/{eid}/versions", { params: { path } });
export const getVersion = (path: Path<"getVersion">) => api.GET("/v1/environments/{eid}/versions/{n}", { params: { path } });
export const getBudget = (path: Path<"getBudget">) => api.GET("/v1/environments/{eid}/budget", { params: { path } });
export const listNotifications = (query: Query<"listNotifications"> = {}) => api.GET("/v1/notifications", { params: { query } });
export const readNotification = (path: Path<"readNotification">) => api.POST("/v1/notifications/{id}/read", { params: { path } });
export const listClients = (query: Query<"listClients"> = {}) => api.GET("/v1/clients", { params: { query } });
export const createClient = (body: Body<"createClient">) => api.POST("/v1/clients", { body });
export const getClient = (path: Path<"getClient">) => api.GET("/v1/clients/{id}", { params: { path } });
export const listProjects = (query: Query<"listProjects"> = {}) => api.GET("/v1/projects", { params: { query } });
export const createProject = (body: Body<"createProject">) => api.POST("/v1/projects", { body });
export const getProject = (path: Path<"getProject">) => api.GET("/v1/projects/{id}", { params: { path } });
export const getProjectBudget = (path: Path<"getProjectBudget">) => api.GET("/v1/projects/{pid}/budget", { params: { path } });
export const listUsers = (query: Query<"listUsers"> = {}) => api.GET("/v1/users", { params: { query } });
export const getCommercialRules = () => api.GET("/v1/integration/commercial-rules");
export const putCommercialRules = (body: Body<"putCommercialRules">) => api.PUT("/v1/integration/commercial-rules", { body });
export const listItems = (path: Path<"listItems">, query: Query<"listItems"> = {}) => api.GET("/v1/environments/{eid}/items", { params: { path, query } });
export const addManualItem = (path: Path<"addManualItem">, body: Body<"addManualItem">) => api.POST("/v1/environments/{eid}/items", { params: { path }, body });
export const updateManualItem = (path: Path<"updateManualItem">, body: Body<"updateManualItem">) => api.PATCH("/v1/environments/{eid}/items/{itemId}", { params: { path }, body });
export const deleteManualItem = (path: Path<"deleteManualItem">) => api.DELETE("/v1/environments/{eid}/items/{itemId}", { params: { path } });
export const approveEnvironment = (path: Path<"approveEnvironment">) => api.POST("/v1/environments/{eid}/approve", { params: { path } });
export const releaseFinancially = (path: Path<"releaseFinancially">) => api.POST("/v1/projects/{pid}/financial-release", { params: { path } });
export const startReview = (path: Path<"startReview">) => api.POST("/v1/environments/{eid}/review/start", { params: { path } });
export const getReview = (path: Path<"getReview">) => api.GET("/v1/environments/{eid}/review", { params: { path } });
export const completeReview = (path: Path<"completeReview">) => api.POST("/v1/environments/{eid}/review/complete", { params: { path } });
export const listPurchaseOrders = (path: Path<"listPurchaseOrders">) => api.GET("/v1/environments/{eid}/purchase-orders", { params: { path } });
export const listHistory = (path: Path<"listHistory">) => api.GET("/v1/projects/{pid}/history", { params: { path } });
export const openVersion = (path: Path<"openVersion">) => api.GET("/v1/environments/{eid}/versions/{n}/open", { params: { path } });
export const receivePromobWebhook = (path: Path<"receivePromobWebhook">, body: Body<"receivePromobWebhook">, header: Header<"receivePromobWebhook">) => api.POST("/webhooks/promob/{accountId}", { params: { path, header }, body });
export const getMe = () => api.GET("/v1/me");
export const linkPromob = (body: Body<"linkPromob">) => api.POST("/v1/me/promob-link", { body });
export const syncClient = (path: Path<"syncClient">) => api.POST("/v1/clients/{id}/sync", { params: { path } });
export const createEnvironment = (path: Path<"createEnvironment">, body: Body<"createEnvironment">) => api.POST("/v1/projects/{pid}/environments", { params: { path }, body });
export const retryEnvironment = (path: Path<"retryEnvironment">) => api.POST("/v1/environments/{eid}/retry", { params: { path } });
export const createAssistance = (body: Body<"createAssistance">) => api.POST("/v1/assistances", { body });
export const getAssistance = (path: Path<"getAssistance">) => api.GET("/v1/assistances/{aid}", { params: { path } });
export const designAssistance = (path: Path<"designAssistance">, body: Body<"designAssistance">) => api.POST("/v1/assistances/{aid}/design", { params: { path }, body });
export const listAssistanceItems = (path: Path<"listAssistanceItems">, query: Query<"listAssistanceItems"> = {}) => api.GET("/v1/assistances/{aid}/items", { params: { path, query } });
export const addAssistanceItem = (path: Path<"addAssistanceItem">, body: Body<"addAssistanceItem">) => api.POST("/v1/assistances/{aid}/items", { params: { path }, body });
export const updateAssistanceItem = (path: Path<"updateAssistanceItem">, body: Body<"updateAssistanceItem">) => api.PATCH("/v1/assistances/{aid}/items/{itemId}", { params: { path }, body });
export const deleteAssistanceItem = (path: Path<"deleteAssistanceItem">) => api.DELETE("/v1/assistances/{aid}/items/{itemId}", { params: { path } });
export const getAssistanceVersion = (path: Path<"getAssistanceVersion">) => api.GET("/v1/assistances/{aid}/versions/{n}", { params: { path } });
export const getAssistanceBudget = (path: Path<"getAssistanceBudget">) => api.GET("/v1/assistances/{aid}/budget", { params: { path } });
export const listAssistances = (path: Path<"listAssistances">) => api.GET("/v1/projects/{pid}/assistances", { params: { path } });
export const updateAssistance = (path: Path<"updateAssistance">) => api.POST("/v1/assistances/{aid}/update", { params: { path } });
export const openAssistanceVersion = (path: Path<"openAssistanceVersion">) => api.GET("/v1/assistances/{aid}/versions/{n}/open", { params: { path } });
export const listAssistanceBudgetLines = (path: Path<"listAssistanceBudgetLines">, query: Query<"listAssistanceBudgetLines"> = {}) => api.GET("/v1/assistances/{aid}/budget/lines", { params: { path, query } });
export const listAssistanceVersionItems = (path: Path<"listAssistanceVersionItems">, query: Query<"listAssistanceVersionItems"> = {}) => api.GET("/v1/assistances/{aid}/versions/{n}/items", { params: { path, query } });
export const listBudgetLines = (path: Path<"listBudgetLines">, query: Query<"listBudgetLines"> = {}) => api.GET("/v1/environments/{eid}/budget/lines", { params: { path, query } });
export const listVersionItems = (path: Path<"listVersionItems">, query: Query<"listVersionItems"> = {}) => api.GET("/v1/environments/{eid}/versions/{n}/items", { params: { path, query } });
export const listVersionBudgetLines = (path: Path<"listVersionBudgetLines">, query: Query<"listVersionBudgetLines"> = {}) => api.GET("/v1/environments/{eid}/versions/{n}/budget/lines", { params: { path, query } });
export const repriceEnvironment = (path: Path<"repriceEnvironment">) => api.POST("/v1/environments/{eid}/reprice", { params: { path } });
export const listPromobProjects = (query: Query<"listPromobProjects"> = {}) => api.GET("/v1/promob/projects", { params: { query } });
export const retryJob = (path: Path<"retryJob">) => api.POST("/v1/jobs/{id}/{kind}/retry", { params: { path } });

// The article's walk, as a front end reads the answers: each field used
// below must exist with this type in the document.
export async function walk(clientName: string): Promise<string[]> {
  const seen: string[] = [];
  const me = await getMe();
  if (me.data) seen.push(`${me.data.userId}: ${me.data.promobLink.status}`);
  const users = await listUsers({ limit: 50 });
  for (const u of users.data?.users ?? []) seen.push(`${u.id} ${u.promobLink.status === "linked" ? "verde" : "cinza"}`);

  const created = await createClient({ name: clientName, document: "529.982.247-25" });
  if (!created.data) return seen;
  const clients = await listClients({ q: clientName });
  const next: string | undefined = clients.data?.nextCursor;
  if (next) await listClients({ q: clientName, cursor: next });
  const project = await createProject({ clientId: created.data.id, name: "Casa" });
  if (!project.data) return seen;
  const projects = await listProjects({ clientId: created.data.id, state: "open" });
  for (const p of projects.data?.projects ?? []) seen.push(`${p.name}: ${p.state} ${p.lastActivityAt}`);

  const detail = await getProject({ id: project.data.id });
  for (const env of detail.data?.environments ?? []) {
    const icon = env.outdated ? "amarelo" : "verde";
    seen.push(`${env.name} ${icon} v${env.latestVersion}`);
    const versions = await listVersions({ eid: env.id });
    for (const v of versions.data?.versions ?? []) seen.push(`v${v.number} ${v.latest ? "última" : ""} ${v.total}`);
    const budget = await getBudget({ eid: env.id });
    if (budget.data) seen.push(`orçamento ${budget.data.total}`);
  }
  const budget = await getProjectBudget({ pid: project.data.id });
  if (budget.data) seen.push(`projeto ${budget.data.total}`);

  const notes = await listNotifications({ unread: true });
  for (const n of notes.data?.notifications ?? []) {
    seen.push(`${n.kind}: ${n.title}`);
    if (n.action?.type === "update_environment" && n.action.environmentId) {
      await updateEnvironment({ eid: n.action.environmentId });
    }
    await readNotification({ id: n.id });
  }
  return seen;
}
