-- The Idempotency-Key of each keyed POST /data and the answer it got, per caller (packages/core/src/idempotency/).
-- A row is written in the same transaction as the record it answers for, so none outlives a write that did not
-- happen. Keys live 24 hours: the API ignores older rows, and each keyed write deletes the expired ones it meets
-- (up to 100), through created_at's index.
CREATE TABLE "idempotency_keys" (
	"caller" text NOT NULL,
	"key" varchar(255) NOT NULL,
	"request_hash" varchar(64) NOT NULL,
	"status" smallint,
	"body" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_caller_key_pk" PRIMARY KEY("caller","key")
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_at_idx" ON "idempotency_keys" USING btree ("created_at");
--> statement-breakpoint
-- The API writes the answer into the row it inserted at the start of the write (default privileges give it
-- SELECT, INSERT and DELETE, drizzle/0004_app_role_default_privileges.sql); nothing else of a row ever changes.
GRANT UPDATE ("status", "body") ON "idempotency_keys" TO data_api;
