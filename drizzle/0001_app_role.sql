-- The role the API connects as: it owns nothing and may only read, add and delete rows of "data".
-- Roles are cluster-wide, so several databases on one server share it. A migration that adds a table
-- grants this role what the API needs on it. The deploy's migration function sets its password.
DO $$ BEGIN
  CREATE ROLE data_api LOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO data_api;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON "data" TO data_api;
