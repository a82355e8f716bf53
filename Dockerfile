# syntax=docker/dockerfile:1
#
# SoulKG CRM: build with the .NET SDK, run on Debian 12 (bookworm).
#
# Why not simply FROM aspnet:10.0: the .NET 10 images are Ubuntu 24.04 based and no Debian variant is published,
# and Ubuntu's `chromium` package is only a wrapper for the snap, which does not work in a container. The WhatsApp
# host drives Debian's own chromium, so the runtime stage is debian:bookworm-slim with the ASP.NET Core runtime
# copied from the official image (a portable glibc build; Debian 12 is a supported OS for .NET 10).
#
#   docker build -t soulkg-crm .
#   docker run --rm -e ConnectionStrings__Default=… -e ConnectionStrings__Owner=… soulkg-crm migrate
#   docker run -d -p 8080:8080 -v soulkg-data:/data -e ConnectionStrings__Default=… soulkg-crm
#
# Not built on the development machines (no Docker engine there): see README, Docker.

ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Restore first, from the project files only, so the package layer is reused until a project file changes.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY SoulKg.Domain/SoulKg.Domain.csproj SoulKg.Domain/
COPY SoulKg.Infrastructure/SoulKg.Infrastructure.csproj SoulKg.Infrastructure/
COPY SoulKg.Web/SoulKg.Web.csproj SoulKg.Web/
RUN --mount=type=cache,id=soulkg-nuget,target=/root/.nuget/packages \
    dotnet restore SoulKg.Web/SoulKg.Web.csproj
COPY SoulKg.Domain/ SoulKg.Domain/
COPY SoulKg.Infrastructure/ SoulKg.Infrastructure/
COPY SoulKg.Web/ SoulKg.Web/
RUN --mount=type=cache,id=soulkg-nuget,target=/root/.nuget/packages \
    dotnet publish SoulKg.Web/SoulKg.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS dotnet-runtime

FROM debian:bookworm-slim AS runtime
# .NET's native dependencies on Debian 12 (as in Microsoft's former bookworm runtime-deps image, plus GSSAPI for
# Npgsql), chromium and fonts for the WhatsApp host, curl for HEALTHCHECK (slim has neither curl nor wget).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        ca-certificates \
        libc6 \
        libgcc-s1 \
        libgssapi-krb5-2 \
        libicu72 \
        libssl3 \
        libstdc++6 \
        tzdata \
        zlib1g \
        chromium \
        fonts-dejavu-core \
        fonts-liberation \
        curl \
    && rm -rf /var/lib/apt/lists/*
COPY --from=dotnet-runtime /usr/share/dotnet /usr/share/dotnet
# The same uid as Microsoft's images ($APP_UID = 1654). Its home is the data volume: ASP.NET Core keeps its
# Data Protection keys (UI cookies, anti-forgery) under $HOME/.aspnet when the app does not configure a store,
# so they survive container restarts.
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && groupadd --system --gid 1654 app \
    && useradd --system --uid 1654 --gid app --home-dir /data --no-create-home --shell /usr/sbin/nologin app \
    && install -d -o app -g app -m 0700 /data

WORKDIR /app
COPY --from=build /app ./

ENV ASPNETCORE_URLS=http://+:8080 \
    SoulKg__DataPath=/data \
    HOME=/data \
    DOTNET_RUNNING_IN_CONTAINER=true
VOLUME /data
EXPOSE 8080
USER 1654:1654

# Liveness only (no database check): a database outage should not get the container restarted.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl --fail --silent --show-error --max-time 4 http://127.0.0.1:8080/health/live > /dev/null || exit 1

# Arguments are appended: `docker run soulkg-crm migrate` runs `dotnet SoulKg.Web.dll migrate`.
ENTRYPOINT ["dotnet", "SoulKg.Web.dll"]
