import { envReader, optionalText } from "../env";

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const readCredentialsEnv = envReader("AWS credentials", {
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalText,
  AWS_SESSION_TOKEN: optionalText,
});

/** The credentials Lambda gives every function (its execution role's) in environment variables. */
export function credentialsFromEnv(env: Record<string, string | undefined>): AwsCredentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = readCredentialsEnv(env);
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      "Signing for AWS needs credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them; " +
        "elsewhere run `eval $(aws configure export-credentials --format env)`)",
    );
  }
  return { accessKeyId, secretAccessKey, sessionToken };
}
