# The relay image: `docker build -t relay .` (add `--build-arg EXTRAS=[otel]` for tracing).
# Runs as an unprivileged user with a read-only root filesystem in mind (helm/relay sets it).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN groupadd --system --gid 10001 relay \
 && useradd --system --uid 10001 --gid relay --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin relay

WORKDIR /src
COPY pyproject.toml README.md constraints.txt ./
COPY relay ./relay
COPY verifiers ./verifiers
COPY normalizers ./normalizers
COPY sinks ./sinks
ARG EXTRAS=""
RUN pip install -c constraints.txt ".${EXTRAS}" && rm -rf /src

WORKDIR /
USER 10001:10001
EXPOSE 8080
ENTRYPOINT ["relay"]
CMD ["serve", "--config", "/etc/relay/relay.yaml"]
