import { defineConfig } from "vite";
import preact from "@preact/preset-vite";

// The build goes to ../build/web, which the Makefile compiles into the binary.
export default defineConfig({
  plugins: [preact()],
  build: { outDir: "../build/web", emptyOutDir: true, target: "es2020", chunkSizeWarningLimit: 1000 },
});
