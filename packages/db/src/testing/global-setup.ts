// Vitest globalSetup shared by every package whose tests need PostgreSQL: starts the server once
// per run and hands the template to the test files through `inject("testDatabase")`.
import type { TestProject } from "vitest/node";
import { startTestDatabaseServer } from "./index";

declare module "vitest" {
  export interface ProvidedContext {
    testDatabase: { adminUrl: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  const server = await startTestDatabaseServer();
  project.provide("testDatabase", { adminUrl: server.adminUrl, template: server.template });
  return () => server.stop();
}
