// Calls to the local API: `moedemappe serve` over HTTP, or the desktop
// shell, which answers the same paths in-process. No token: the browser
// sends the member's session cookie (set by the one-time login link `serve`
// prints) with every same-origin fetch; the desktop shell needs none.
// Screens put their own calls in `lib/api/<topic>.ts` on top of `get` and
// `send` here.
import type { SearchResults } from "../api/SearchResults";
import { apiQuery, type SearchState } from "./state";

/** An API error with the server's Danish message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    /** The error's JSON body, where the server sent one. */
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** A server message as the screens show it: a sentence with a capital
 * letter and a full stop, Danish quotation marks (»…«). */
export function sentence(message: string): string {
  const text = message.trim().replace(/«([^«»]*)»/g, "»$1«");
  if (text === "") return text;
  const first = text[0].toLocaleUpperCase("da-DK") + text.slice(1);
  return /[.!?…:]$/.test(first) ? first : `${first}.`;
}

/** The stored page texts an offline answer for a text-only bilag carries
 * (503 with `pages`), or null. */
export function offlinePages(e: unknown): string[] | null {
  if (!(e instanceof ApiError) || e.status !== 503) return null;
  const pages = e.body?.pages;
  return Array.isArray(pages) && pages.every((p) => typeof p === "string") ? (pages as string[]) : null;
}

/** What the member is told when the server does not know their session. */
export const NOT_LOGGED_IN =
  "Mødemappe kender ikke denne browser endnu. Åbn Mødemappe gennem det link, " +
  "som »moedemappe serve« skrev i terminalen (eller start den med »moedemappe serve --open«). " +
  "Er linket brugt, giver »moedemappe login-link« et nyt.";

let base = "";

/** Where the API's paths are answered: "" (this page's own server) unless a
 * shell says otherwise. */
export function setApiBase(url: string): void {
  base = url.replace(/\/$/, "");
}

/** The full address of an API path such as `/api/search?q=…`. */
export function apiUrl(path: string): string {
  return `${base}${path}`;
}

/** A GET of an API path; throws [`ApiError`] with the server's message. */
export async function get(path: string, signal?: AbortSignal): Promise<Response> {
  return call(path, { signal });
}

/** A POST, PUT or DELETE with an optional JSON body. */
export async function send(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<Response> {
  const init: RequestInit = { method, signal };
  if (body instanceof Blob || body instanceof ArrayBuffer) {
    init.body = body;
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  return call(path, init);
}

async function call(path: string, init: RequestInit): Promise<Response> {
  let resp: Response;
  try {
    resp = await fetch(apiUrl(path), { ...init, credentials: "same-origin" });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("Mødemappe svarer ikke. Kører moedemappe serve?", 0);
  }
  if (resp.status === 401) throw new ApiError(NOT_LOGGED_IN, 401);
  if (!resp.ok) {
    let message = `Fejl ${resp.status}`;
    let body: Record<string, unknown> | undefined;
    try {
      body = (await resp.json()) as Record<string, unknown>;
      if (typeof body.message === "string" && body.message) message = sentence(body.message);
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(message, resp.status, body);
  }
  return resp;
}

/** Grouped search results with facets. */
export async function search(
  state: SearchState,
  limit: number,
  signal?: AbortSignal,
): Promise<SearchResults> {
  const resp = await get(`/api/search?${apiQuery(state, limit)}`, signal);
  return (await resp.json()) as SearchResults;
}

/** The pages of one attachment that best match `q` by the search engine
 * (inflections, compounds), best first, at most `limit`. */
export async function bestPages(
  attachment: number,
  q: string,
  limit: number,
  signal?: AbortSignal,
): Promise<number[]> {
  const query = new URLSearchParams({ q, attachment: String(attachment), limit: String(limit) });
  const resp = await get(`/api/search?${query}`, signal);
  const res = (await resp.json()) as SearchResults;
  return res.hits.map((h) => h.page).filter((p): p is number => p !== null);
}

/** The bytes of an attachment's PDF. */
export async function attachmentPdf(id: number, signal?: AbortSignal): Promise<ArrayBuffer> {
  const resp = await get(`/api/attachments/${id}/file`, signal);
  return await resp.arrayBuffer();
}
