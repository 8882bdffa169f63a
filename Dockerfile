# syntax=docker/dockerfile:1

# Build stage: one static binary. The embedded store reaches SQLite through
# pure-Go modernc, so cgo stays off and the binary runs on a bare image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -o /out/vorgang ./cmd/vorgang
# /data has to exist in the image, owned by the runtime user, so that a fresh
# volume mounted there inherits that owner. The runtime image has no shell to
# create it, so it is made here and copied over.
RUN mkdir -p /out/data

# Runtime stage: no shell, no package manager, CA certificates and tzdata
# included (the SLA calendars need Europe/Berlin), user nonroot (65532).
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/vorgang /usr/local/bin/vorgang
COPY --from=build --chown=65532:65532 /out/data /data

# The shipped desks, readable but not writable by the service. Mount your own
# folders over them to serve different desks.
WORKDIR /app
COPY processes/ ./processes/
COPY forms/ ./forms/
COPY scripts/ ./scripts/

USER 65532:65532
VOLUME /data
EXPOSE 8080
# No HEALTHCHECK: the image has no HTTP client. Probe GET /healthz from the
# orchestrator; it answers 503 when the store is unreachable.
ENTRYPOINT ["/usr/local/bin/vorgang"]
CMD ["serve", "--addr", "0.0.0.0:8080", "--data", "/data"]
