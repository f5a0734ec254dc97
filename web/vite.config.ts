import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The build goes to ../build/web, which the Makefile compiles into the binary.
export default defineConfig({
  plugins: [preact()],
  // two pages: the app, and a public form for people outside (a small bundle of its own)
  build: {
    outDir: "../build/web", emptyOutDir: true, target: "es2020", chunkSizeWarningLimit: 1000,
    rollupOptions: { input: { app: "index.html", public: "public.html" } },
  },
});
