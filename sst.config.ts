import type { SSTConfig } from "sst";
import { addStacks } from "./stacks";
import { appSettings } from "./stacks/config";

export default {
  config: () => appSettings(process.env),
  stacks(app) {
    addStacks(app, process.env);
  },
} satisfies SSTConfig;
