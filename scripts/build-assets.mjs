// Build Followup's front-end assets into src/followup/static/govuk/:
// the stylesheet (GOV.UK Frontend compiled with Followup's neutral brand) and GOV.UK Frontend's
// JavaScript. No crown, crest or GDS Transport font is copied.
import { compile } from "sass";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";

const govuk = "node_modules/govuk-frontend/dist/govuk";
const out = "src/followup/static/govuk";
mkdirSync(out, { recursive: true });

const result = compile("frontend/followup.scss", {
  loadPaths: ["node_modules/govuk-frontend/dist"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(`${out}/followup.css`, result.css);
// Without its source map, which is not shipped.
const script = readFileSync(`${govuk}/govuk-frontend.min.js`, "utf8").replace(/\n?\/\/# sourceMappingURL=.*$/m, "");
writeFileSync(`${out}/govuk-frontend.min.js`, script);
console.log(`Built ${out}/followup.css and copied govuk-frontend.min.js`);
