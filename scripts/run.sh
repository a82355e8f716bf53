#!/usr/bin/env bash
# Run SoulKG CRM locally: installs what is missing, starts a private PostgreSQL cluster,
# builds, migrates, seeds demo data and runs the app in the foreground (Ctrl-C stops it).
#
#   scripts/run.sh            start (URL: $SOULKG_URL, default http://127.0.0.1:5080)
#   scripts/run.sh --stop-db  stop the private PostgreSQL cluster
#
# Set ConnectionStrings__Default (and ConnectionStrings__Owner) to use your own PostgreSQL.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
REPO=$SOULKG_REPO

case "${1:-}" in
"") ;;
--stop-db)
    stop_postgres
    exit 0
    ;;
-h | --help)
    sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    printf 'unknown option: %s (try --help)\n' "$1" >&2
    exit 2
    ;;
esac

ensure_apt_packages "${SOULKG_APT_PACKAGES[@]}"
ensure_dotnet_tools
ensure_postgres

_soulkg_quiet "dotnet build SoulKg.Web -c Release" \
    dotnet build "$REPO/SoulKg.Web" -c Release -nologo -tl:off -clp:ErrorsOnly </dev/null

URL=${SOULKG_URL:-http://127.0.0.1:5080}
export ASPNETCORE_ENVIRONMENT=Development
export ASPNETCORE_URLS=$URL
export SoulKg__DataPath=$REPO/.data/app
# The demo's WhatsApp is the sandbox driven by the real host: Настройки → Каналы → Запустить, then "Телефон песочницы".
export WhatsApp__Mode=Sandbox
export WhatsApp__SandboxEnabled=true
mkdir -p "$SoulKg__DataPath"

# Run from the project folder (as `dotnet run` does) so appsettings*.json and wwwroot are found.
cd "$REPO/SoulKg.Web"
DLL=bin/Release/net10.0/SoulKg.Web.dll
_soulkg_quiet "SoulKg.Web migrate" dotnet "$DLL" migrate </dev/null
_soulkg_quiet "SoulKg.Web seed-demo" dotnet "$DLL" seed-demo </dev/null

cat <<EOF

  SoulKG CRM: $URL

  RU  Откройте $URL и войдите: owner@soulkg.demo / Demo123!
      Другие демо-пользователи (пароль тот же): admin@soulkg.demo, manager@soulkg.demo,
      sales@soulkg.demo, operator@soulkg.demo.
      Ctrl-C останавливает приложение; база данных продолжает работать
      (остановить её: scripts/run.sh --stop-db).

  EN  Open $URL and sign in: owner@soulkg.demo / Demo123!
      Other demo users (same password): admin@soulkg.demo, manager@soulkg.demo,
      sales@soulkg.demo, operator@soulkg.demo.
      Ctrl-C stops the app; the database keeps running
      (stop it with: scripts/run.sh --stop-db).

EOF

exec dotnet "$DLL"
