import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// The server embeds whatever `vite build` writes; `--outDir` is set by the Rust build script.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: {
    target: "es2022",
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { "/v1": "http://127.0.0.1:8080" },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
