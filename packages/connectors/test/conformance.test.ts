// Runs the shared conformance suite for every registered connector. Targets are discovered from
// src/<marketplace>/conformance.ts, so a new marketplace gets the suite by adding that file; a
// registered connector without a target fails.
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import "../src/index";
import { listConnectors } from "../src/core/registry";
import { defineConformanceSuite, getConformanceTarget } from "../src/testing/conformance";

const src = fileURLToPath(new URL("../src/", import.meta.url));
for (const dir of readdirSync(src)) {
  if (existsSync(`${src}${dir}/conformance.ts`)) await import(`../src/${dir}/conformance.ts`);
}

for (const entry of listConnectors()) {
  defineConformanceSuite(entry, getConformanceTarget(entry.marketplace, entry.channel));
}
