// Build casegrip's front-end assets into src/casegrip/web/static/dist/ (git-ignored).
//
// - compiles src/casegrip/web/assets/scss/casegrip.scss with Dart Sass to casegrip.css
// - copies the ES-module builds of GOV.UK Frontend and MOJ Frontend, htmx, and Vega (charts)
// - copies the images that the compiled CSS asks for (and nothing else: no fonts, no crown)
//
// Run with `npm run build`. Exits non-zero, with a message, on any failure.

import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const web = path.join(root, "src", "casegrip", "web");
const entry = path.join(web, "assets", "scss", "casegrip.scss");
const dist = path.join(web, "static", "dist");
const modules = path.join(root, "node_modules");

const govukDist = path.join(modules, "govuk-frontend", "dist", "govuk");
const mojDist = path.join(modules, "@ministryofjustice", "frontend", "moj");

// Where an image named in the CSS may come from, in order of preference.
const imageSources = [path.join(mojDist, "assets", "images"), path.join(govukDist, "assets", "images")];

// Files copied as they are: [source, name in dist]. The source maps go too, because the
// .js files point at them and Django's ManifestStaticFilesStorage fails on a missing map.
const copies = [
  [path.join(govukDist, "govuk-frontend.min.js"), "govuk-frontend.min.js"],
  [path.join(govukDist, "govuk-frontend.min.js.map"), "govuk-frontend.min.js.map"],
  [path.join(mojDist, "moj-frontend.min.js"), "moj-frontend.min.js"],
  [path.join(mojDist, "moj-frontend.min.js.map"), "moj-frontend.min.js.map"],
  [path.join(modules, "htmx.org", "dist", "htmx.min.js"), "htmx.min.js"],
  // Charts: Vega-Lite specs drawn by vega-embed (globals vega, vegaLite, vegaEmbed).
  [path.join(modules, "vega", "build", "vega.min.js"), "vega.min.js"],
  [path.join(modules, "vega-lite", "build", "vega-lite.min.js"), "vega-lite.min.js"],
  [path.join(modules, "vega-lite", "build", "vega-lite.min.js.map"), "vega-lite.min.js.map"],
  [path.join(modules, "vega-embed", "build", "vega-embed.min.js"), "vega-embed.min.js"],
  [path.join(modules, "vega-embed", "build", "vega-embed.min.js.map"), "vega-embed.min.js.map"],
];

// Vega compiles chart expressions with new Function(), which the pages' CSP forbids; its
// interpreter evaluates them without eval. It is published only as an ES module importing
// vega-util, whose functions the vega bundle already exposes on window.vega, so the import is
// pointed there.
const interpreter = path.join(modules, "vega-interpreter", "build", "vega-interpreter.js");
const interpreterImport = /^import \{([^}]*)\} from 'vega-util';$/m;

async function writeInterpreter() {
  if (!existsSync(interpreter)) {
    throw new BuildError(`${rel(interpreter)} is missing: run \`npm ci\`.`);
  }
  const source = await readFile(interpreter, "utf8");
  if (!interpreterImport.test(source)) {
    throw new BuildError(`${rel(interpreter)} no longer imports vega-util as expected: check its version.`);
  }
  const target = path.join(dist, "vega-interpreter.js");
  const withoutMap = source.replace(/^\/\/# sourceMappingURL=.*$/m, "");
  await writeFile(target, withoutMap.replace(interpreterImport, "const {$1} = globalThis.vega;"));
  console.log(`wrote ${rel(target)}`);
}

class BuildError extends Error {}

function rel(file) {
  return path.relative(root, file);
}

async function compileCss() {
  let sass;
  try {
    sass = await import("sass");
  } catch {
    throw new BuildError("cannot load Dart Sass (the sass package): run `npm ci` (or `npm install`) first.");
  }
  const fromDependencies = [];
  const logger = {
    // Deprecation notices raised inside GOV.UK Frontend or MOJ Frontend (for example MOJ
    // calling a GOV.UK mixin that v6 deprecates) are not ours to fix: one short line each.
    // Anything raised by our own Sass is printed in full.
    warn(message, { deprecation, span, stack }) {
      const where = span?.url?.pathname ?? "";
      if (where.includes("/node_modules/") || (stack ?? "").trimStart().startsWith("node_modules/")) {
        fromDependencies.push(message.split("\n")[0]);
        return;
      }
      const label = deprecation ? "Deprecation warning" : "Warning";
      process.stderr.write(`${label}: ${message}\n${stack ?? ""}\n`);
    },
    debug(message, { span }) {
      process.stderr.write(`${span?.url?.pathname ?? ""}: ${message}\n`);
    },
  };
  const result = sass.compile(entry, {
    style: "compressed",
    quietDeps: true,
    // pkg:govuk-frontend and pkg:@ministryofjustice/frontend resolve through node_modules.
    importers: [new sass.NodePackageImporter(root)],
    // MOJ Frontend loads GOV.UK Frontend as "node_modules/govuk-frontend/dist/govuk/base",
    // so the project root has to be a load path. It then resolves to the same file as
    // pkg:govuk-frontend, and GOV.UK Frontend is configured once.
    loadPaths: [root],
    logger,
  });
  for (const message of new Set(fromDependencies)) {
    const count = fromDependencies.filter((m) => m === message).length;
    console.log(`note: dependency Sass warning (x${count}): ${message.split(" To silence")[0].slice(0, 200)}`);
  }
  return result.css;
}

function checkCss(css) {
  if (/\.woff2?\b/.test(css)) {
    throw new BuildError("the compiled CSS references a font file: casegrip uses Arial, not GDS Transport.");
  }
  if (css.includes("GDS Transport")) {
    throw new BuildError('the compiled CSS still names "GDS Transport": check $moj-font-family in casegrip.scss.');
  }
}

// Relative image URLs in the CSS, e.g. url(images/icon-document.svg) -> "icon-document.svg".
function imagesIn(css) {
  const names = new Set();
  for (const match of css.matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)) {
    const url = match[1];
    if (url.startsWith("data:") || url.startsWith("#")) continue;
    if (!url.startsWith("images/")) {
      throw new BuildError(`the compiled CSS references "${url}", outside images/: check the asset paths in casegrip.scss.`);
    }
    names.add(url.slice("images/".length));
  }
  return [...names].sort();
}

async function copy(source, target) {
  if (!existsSync(source)) {
    throw new BuildError(`${rel(source)} is missing: is the installed package the pinned version? Run \`npm ci\`.`);
  }
  await mkdir(path.dirname(target), { recursive: true });
  await copyFile(source, target);
  console.log(`wrote ${rel(target)}`);
}

async function main() {
  const css = await compileCss();
  checkCss(css);

  // Start from an empty dist so nothing stale (an old font, a removed image) survives.
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });

  const cssFile = path.join(dist, "casegrip.css");
  await writeFile(cssFile, css + "\n");
  console.log(`wrote ${rel(cssFile)}`);

  for (const name of imagesIn(css)) {
    const source = imageSources.map((dir) => path.join(dir, name)).find((file) => existsSync(file));
    if (!source) {
      throw new BuildError(`the compiled CSS references images/${name}, which neither MOJ Frontend nor GOV.UK Frontend ships.`);
    }
    await copy(source, path.join(dist, "images", name));
  }

  for (const [source, name] of copies) {
    await copy(source, path.join(dist, name));
  }
  await writeInterpreter();
}

try {
  await main();
} catch (error) {
  const message = error instanceof BuildError ? error.message : (error?.message ?? String(error));
  process.stderr.write(`build-assets: failed: ${message}\n`);
  process.exit(1);
}
