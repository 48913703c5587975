// Vite builds the UI into dist/, which `moedemappe serve` serves; Vitest runs
// the unit tests of the logic in src/lib (no browser needed).
import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";

export default defineConfig({
  plugins: [svelte()],
  // `npm run dev`: the API of a `moedemappe serve` on the default port. Log
  // in by opening serve's login link with this server's address instead
  // (http://localhost:5173/login?kode=…), so the session cookie is set here.
  server: {
    proxy: {
      "/api": { target: "http://127.0.0.1:7411", changeOrigin: true, headers: { origin: "http://127.0.0.1:7411" } },
      "/login": { target: "http://127.0.0.1:7411", changeOrigin: true },
    },
  },
  build: {
    target: "es2022",
    // Everything is bundled: the app must work with no network.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
