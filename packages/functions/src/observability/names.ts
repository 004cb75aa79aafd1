/** Where the function's EMF metrics land; the stacks' dashboard and alarms read the same names. */
export const SERVICE = "data-api";
export const METRICS_NAMESPACE = "DataApi";

/** The business metrics, each a count of requests that ended that way. */
export const BUSINESS_METRICS = ["DataCreated", "DataDeleted", "DuplicateRejected", "ValidationRejected", "DatabaseErrors"] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];
