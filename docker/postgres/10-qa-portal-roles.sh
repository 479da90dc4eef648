#!/bin/sh
# The official image runs this once, when the data volume is new: it makes the owner role (which migrates)
# and the application role (web, worker and beat), and gives the database to the owner. An existing volume
# is upgraded by hand: README.md, "Database roles".
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v database="$POSTGRES_DB" \
  -v owner_role="${QA_PORTAL_OWNER_ROLE:-qa_portal_owner}" \
  -v owner_password="$(cat "${QA_PORTAL_OWNER_PASSWORD_FILE:-/run/secrets/db_owner_password}")" \
  -v app_role="${QA_PORTAL_APP_ROLE:-qa_portal_app}" \
  -v app_password="$QA_PORTAL_APP_PASSWORD" \
  -f /docker-entrypoint-initdb.d/roles.psql
