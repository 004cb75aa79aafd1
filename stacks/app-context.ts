import type { App } from "sst/constructs";

/** A value handed to the stacks of one app, which SST's functional stacks cannot take as props; addStacks sets it. */
export function appContext<T>(what: string) {
  const values = new WeakMap<App, T>();
  return {
    provide(app: App, value: T): void {
      values.set(app, value);
    },
    use(app: App): T {
      const value = values.get(app);
      if (value === undefined) throw new Error(`No ${what}: build the stacks through addStacks()`);
      return value;
    },
  };
}
