import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

const api = process.env.PARTSDESK_API ?? "http://127.0.0.1:8080";

// The server embeds whatever `vite build` writes; `--outDir` is set by the Rust build script.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  // `npm run dev` (or `vite preview`) against a running `partsdesk serve`: PARTSDESK_API says where.
  server: { proxy: { "/v1": api } },
  preview: { proxy: { "/v1": api } },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
