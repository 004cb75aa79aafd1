-- What the API's role (data_api, drizzle/0001_app_role.sql) gets on every table a later migration creates in
-- public, without a GRANT of its own: read, add and delete rows, as on "data". Anything more (UPDATE, or a
-- REFERENCES or TRIGGER a resource really needs) is granted by the migration that creates the table, and only
-- on that table; TRUNCATE and schema changes stay with the owner.
-- Sequences: USAGE, so a serial column's default (nextval) and currval work; an identity column needs no sequence
-- privilege at all (the insert draws from its sequence internally), and SELECT on a sequence is never needed.
-- Default privileges belong to the role that runs this statement, and apply only to objects that role creates
-- afterwards: the migration user, `data_api_admin` in the cloud (stacks/Database.ts), `postgres` locally and in
-- the tests. A table created by any other role, or before this migration ("data"), gets nothing from here.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, DELETE ON TABLES TO data_api;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO data_api;
