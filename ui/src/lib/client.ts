// Calls to the local API of `moedemappe serve`. The UI's token is in the
// page's <meta name="moedemappe-token"> (put there by the server).
import type { SearchResults } from "../api/SearchResults";
import { apiQuery, type SearchState } from "./state";

/** An API error with the server's Danish message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

function token(): string {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="moedemappe-token"]');
  // `npm run dev` serves the page itself: give it a token in VITE_MOEDEMAPPE_TOKEN.
  return meta?.content ?? (import.meta.env.VITE_MOEDEMAPPE_TOKEN as string | undefined) ?? "";
}

async function get(path: string, signal?: AbortSignal): Promise<Response> {
  let resp: Response;
  try {
    resp = await fetch(path, { headers: { Authorization: `Bearer ${token()}` }, signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") throw e;
    throw new ApiError("Mødemappe svarer ikke. Kører moedemappe serve?", 0);
  }
  if (!resp.ok) {
    let message = `Fejl ${resp.status}`;
    try {
      const body = (await resp.json()) as { error?: string };
      if (body.error) message = body.error;
    } catch {
      // not JSON: keep the status
    }
    throw new ApiError(message, resp.status);
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

/** The bytes of an attachment's PDF. */
export async function attachmentPdf(id: number, signal?: AbortSignal): Promise<ArrayBuffer> {
  const resp = await get(`/api/attachments/${id}/file`, signal);
  return await resp.arrayBuffer();
}
