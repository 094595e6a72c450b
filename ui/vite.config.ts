import { defineConfig } from "vite";

// Built into target/classes so the Maven build packs it into the server jar, served at /.
export default defineConfig({
  build: {
    outDir: "target/classes/dev/spyglass/ui",
    emptyOutDir: true,
    chunkSizeWarningLimit: 300,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8686" } },
});
