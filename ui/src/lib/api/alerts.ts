// Forside's «Nyt til dig» and Søg's «Gem søgning»: the saved searches
// (søgeagenter), what is new to them, and the release notices.
import type { Alerts } from "../../api/Alerts";
import type { SavedQuery } from "../../api/SavedQuery";
import type { SavedSearch } from "../../api/SavedSearch";
import type { AlertsSeen } from "../../api/alerts/AlertsSeen";
import type { NewSavedSearch } from "../../api/alerts/NewSavedSearch";
import { get, send } from "../client";

export type { Alerts, SavedQuery, SavedSearch };

/** Whether the vault is locked (the saved searches are inside it then). */
async function locked(): Promise<boolean> {
  const vault = (await (await get("/api/vault")).json()) as { present: boolean; locked: boolean };
  return vault.present && vault.locked;
}

/** What is new and not yet seen, with every saved search (those without
 * news too); null while the vault is locked. */
export async function news(): Promise<Alerts | null> {
  if (await locked()) return null;
  return (await (await get("/api/alerts")).json()) as Alerts;
}

/** Saves a search; its name defaults (null or blank) to its words. */
export async function saveSearch(name: string | null, query: SavedQuery): Promise<SavedSearch> {
  const body: NewSavedSearch = { name, query };
  return (await (await send("POST", "/api/saved-searches", body)).json()) as SavedSearch;
}

/** Removes a saved search and what it found. */
export async function removeSearch(name: string): Promise<void> {
  await send("DELETE", `/api/saved-searches/${encodeURIComponent(name)}`);
}

/** Marks one search's news seen, or (null) everything, release notices too. */
export async function markSeen(name: string | null = null): Promise<void> {
  const body: AlertsSeen = { name };
  await send("POST", "/api/alerts/seen", body);
}
