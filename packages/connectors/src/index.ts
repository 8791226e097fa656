// Public entry of @inbox/connectors: the abstract connector, the registry and every built-in
// connector. Importing this module registers all built-in connectors.
export * from "./core/index";
export * from "./wildberries/index";
export * from "./ozon/index";
export * from "./yandex-market/index";
