import { RemovalPolicy } from "aws-cdk-lib";

/**
 * What the stacks keep: kept when the stack is removed or the resource replaced, yet deleted when the create that
 * made it rolls back (CloudFormation's RetainExceptOnCreate). A plain Retain would leave a failed first deploy's
 * fixed-name log groups behind, and its retry would fail on them with AlreadyExists.
 */
export const KEEP = RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
