-- Every session of the API's role gives up instead of waiting: on a lock after 2 s, on any statement after 4 s,
-- in an abandoned transaction after 10 s; all well within the function's 10 s and API Gateway's 30 s, and below
-- the client's own 5 s deadline (DATABASE_QUERY_TIMEOUT), so the database normally stops first and says why.
-- Role defaults rather than connection settings: RDS Proxy refuses startup parameters and options
-- (n8n-io/n8n#25705) and pins the session on a SET; a role's defaults apply to every backend the proxy opens.
-- The migrations themselves run as the administrator, unbounded.
ALTER ROLE data_api SET lock_timeout = '2s';
--> statement-breakpoint
ALTER ROLE data_api SET statement_timeout = '4s';
--> statement-breakpoint
ALTER ROLE data_api SET idle_in_transaction_session_timeout = '10s';
