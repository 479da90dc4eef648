// Builds the front end into static/: `npm run build`.
//
//   frontend/scss/application.scss  -> static/css/application.css (GOV.UK Frontend, Arial only)
//   frontend/js/*.js                -> static/js/ (application.js and the modules it imports)
//   GOV.UK Frontend's JavaScript    -> static/js/govuk-frontend.min.js (+ source map)
//   frontend/images/*               -> static/images/
//
// No GOV.UK images or fonts are copied: the crown, logotype and GDS Transport belong to GOV.UK only.
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "frontend");
const output = join(root, "static");
const govukDist = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

// Start clean so files removed from the sources do not linger in static/.
rmSync(output, { recursive: true, force: true });
for (const dir of ["css", "js", "images"]) {
  mkdirSync(join(output, dir), { recursive: true });
}

const css = sass.compile(join(source, "scss", "application.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter(root)],
  loadPaths: [join(root, "node_modules")],
  // Warnings from inside GOV.UK Frontend are not ours to fix.
  quietDeps: true,
});
writeFileSync(join(output, "css", "application.css"), css.css + "\n");

// The source map travels with the script: collectstatic's manifest storage rewrites the
// sourceMappingURL comment and fails if the map is missing.
for (const name of ["govuk-frontend.min.js", "govuk-frontend.min.js.map"]) {
  copyFileSync(join(govukDist, name), join(output, "js", name));
}
for (const name of readdirSync(join(source, "js"))) {
  copyFileSync(join(source, "js", name), join(output, "js", name));
}

for (const name of readdirSync(join(source, "images"))) {
  copyFileSync(join(source, "images", name), join(output, "images", name));
}

console.log(`Built ${output}`);
