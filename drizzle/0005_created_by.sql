-- Who created each row: the subject (`sub`) of the caller's access token, as the API's access check saw it. Rows
-- written before this migration, and rows written on a stage with public writes by a caller who did not sign in,
-- keep null: nobody knows who made them. Nullable and without a default, so adding it rewrites no rows and takes
-- only a brief lock. The API's role may already insert into and read every column of "data" (0001_app_role.sql).
ALTER TABLE "data" ADD COLUMN "created_by" text;
