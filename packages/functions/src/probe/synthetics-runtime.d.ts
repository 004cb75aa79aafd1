// The modules the CloudWatch Synthetics Node.js runtime provides to a canary (its layer, not npm): only what the
// probe calls. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Synthetics_Library_Nodejs.html
declare module "Synthetics" {
  /** Runs `run` as a step of the canary run: times it, logs it, and fails the run (rethrowing) if it throws. */
  export function executeStep(name: string, run: () => Promise<void>): Promise<void>;
}

declare module "SyntheticsLogger" {
  export function info(message: string): void;
}
