// Bundle the dashboard into the Python package: src/satsov/server/static/app.js and app.css.
// Run: npm ci && npm run build (the built files are committed so that `pip install` needs no Node).
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import fs from "node:fs";

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, "..", "src", "satsov", "server", "static");
await build({
  entryPoints: [path.join(here, "src", "main.js")],
  bundle: true, minify: true, format: "esm", target: ["es2020"], outfile: path.join(out, "app.js"),
  legalComments: "none", logLevel: "info", loader: { ".css": "css" },
});

// the licences of everything bundled, beside the bundle
const pkgs = ["maplibre-gl", "@deck.gl/core", "@deck.gl/layers", "@deck.gl/mapbox", "@luma.gl/core", "@math.gl/core",
  "@loaders.gl/core", "@probe.gl/env", "earcut", "kdbush", "gl-matrix"];
let text = "Third-party software bundled in app.js and app.css, with its licence.\n";
for (const p of pkgs) {
  const dir = path.join(here, "node_modules", p);
  if (!fs.existsSync(dir)) continue;
  const version = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version;
  const lic = fs.readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  text += `\n==== ${p} ${version} ====\n` + (lic ? fs.readFileSync(path.join(dir, lic), "utf8") : "(see package.json)\n");
}
fs.writeFileSync(path.join(out, "THIRD-PARTY-LICENSES.txt"), text);
