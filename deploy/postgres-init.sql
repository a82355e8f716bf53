-- Roles and database for SoulKG CRM on a fresh PostgreSQL server. Run once, as a superuser, with psql 15 or newer
-- (for \getenv). docker-compose.yml mounts it into /docker-entrypoint-initdb.d; elsewhere:
--
--   SOULKG_OWNER_PASSWORD=… SOULKG_APP_PASSWORD=… psql -U postgres -d postgres -f deploy/postgres-init.sql
--
-- soulkg_owner owns the schema and runs `dotnet SoulKg.Web.dll migrate`. soulkg_app is what the app logs in as:
-- it owns nothing and has no BYPASSRLS, so the row-level security policies bind it; `migrate` grants it data
-- access. (scripts/run.sh creates the same roles for its private dev cluster, with CREATEDB on the owner for tests.)

\set ON_ERROR_STOP on
\getenv owner_password SOULKG_OWNER_PASSWORD
\getenv app_password SOULKG_APP_PASSWORD

\if :{?owner_password}
\else
    DO $$ BEGIN RAISE EXCEPTION 'SOULKG_OWNER_PASSWORD is not set'; END $$;
\endif
\if :{?app_password}
\else
    DO $$ BEGIN RAISE EXCEPTION 'SOULKG_APP_PASSWORD is not set'; END $$;
\endif

CREATE ROLE soulkg_owner WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_password';
CREATE ROLE soulkg_app WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_password';

CREATE DATABASE soulkg OWNER soulkg_owner ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE soulkg FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE soulkg TO soulkg_app;

\connect soulkg
-- Available to later migrations (trigram search, case-insensitive text), as in the dev cluster.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS citext;
-- Lets the trigram indexes serve LIKE/ILIKE under row-level security (docs/runbook.md, section 3).
ALTER FUNCTION pg_catalog.textlike(text, text) LEAKPROOF;
ALTER FUNCTION pg_catalog.texticlike(text, text) LEAKPROOF;
