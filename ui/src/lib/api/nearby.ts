// Del på netværket: offering a case's or a meeting's shared notes on the
// local network with a 6-digit code, browsing colleagues' offers and taking
// one in the background (`/api/nearby/*`, the member's only).
import type { NearbyOfferView } from "../../api/nearby/NearbyOfferView";
import type { NearbySeenOffer } from "../../api/nearby/NearbySeenOffer";
import type { NearbyTakeState } from "../../api/nearby/NearbyTakeState";
import type { NearbyTakeRequest } from "../../api/nearby/NearbyTakeRequest";
import { ApiError, get, send } from "../client";
import type { ShareWhat } from "./share";

/** Starts offering `what` (a case or a meeting) on the network. */
export async function startOffer(what: ShareWhat): Promise<NearbyOfferView> {
  return (await (await send("POST", "/api/nearby/offer", { kind: "bundle", ...what })).json()) as NearbyOfferView;
}

/** Starts offering meetings' open material (open items, bilag and their text) on the network. */
export async function startMaterial(meetings: string[]): Promise<NearbyOfferView> {
  return (await (await send("POST", "/api/nearby/offer", { kind: "material", meetings })).json()) as NearbyOfferView;
}

/** The running offer, or null when nothing is offered. */
export async function fetchOffer(): Promise<NearbyOfferView | null> {
  return (await (await get("/api/nearby/offer")).json()) as NearbyOfferView | null;
}

/** Stops the running offer (nothing to stop is fine). */
export async function stopOffer(): Promise<void> {
  try {
    await send("DELETE", "/api/nearby/offer");
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
}

/** What colleagues offer on the network, listening `seconds`. */
export async function browseOffers(seconds = 3): Promise<NearbySeenOffer[]> {
  return (await (await get(`/api/nearby/offers?seconds=${seconds}`)).json()) as NearbySeenOffer[];
}

export async function startTake(req: NearbyTakeRequest): Promise<NearbyTakeState> {
  return (await (await send("POST", "/api/nearby/take", req)).json()) as NearbyTakeState;
}

export async function fetchTake(): Promise<NearbyTakeState> {
  return (await (await get("/api/nearby/take")).json()) as NearbyTakeState;
}

export async function cancelTake(): Promise<NearbyTakeState> {
  return (await (await send("DELETE", "/api/nearby/take")).json()) as NearbyTakeState;
}

/** The digits of a typed code (spaces and dashes left out), at most 6. */
export function cleanCode(typed: string): string {
  return typed.replace(/\D/g, "").slice(0, 6);
}

/** Whether a typed code is complete. */
export function codeReady(typed: string): boolean {
  return cleanCode(typed).length === 6;
}

/** The share of a take received, 0–1, or null while the size is unknown. */
export function received(s: Pick<NearbyTakeState, "bytes" | "total">): number | null {
  if (s.total <= 0) return null;
  return Math.min(1, Math.max(0, s.bytes / s.total));
}

/** Seconds as "29 min." or "under 1 min.". */
export function minutesLeft(seconds: number): string {
  if (seconds < 60) return "under 1 min.";
  return `${Math.floor(seconds / 60)} min.`;
}

/** A phase of a take in Danish. */
export function phaseWords(phase: NearbyTakeState["phase"]): string {
  switch (phase) {
    case "finding":
      return "Finder tilbuddet på netværket";
    case "connecting":
      return "Forbinder og tjekker koden";
    case "receiving":
      return "Henter";
    case "importing":
      return "Indlæser";
    case "done":
      return "Hentet";
    case "failed":
      return "Mislykkedes";
    case "cancelled":
      return "Afbrudt";
    default:
      return "";
  }
}
