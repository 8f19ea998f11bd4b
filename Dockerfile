# vpclint in a minimal image: the static (musl) binary and nothing else (FROM scratch, about
# 8 MB). The entrypoint is vpclint; by default it checks the directory mounted at /src:
#
#   docker build -t vpclint .
#   docker run --rm -v "$PWD:/src" vpclint                      # vpclint check .
#   docker run --rm -v "$PWD:/src" vpclint check --format sarif infra
#
# Two ways to build it, same result:
# - from source (the default, last stage): compiles in rust:alpine, where Rust's musl
#   target links statically; works for linux/amd64 and linux/arm64 alike.
# - `--target prebuilt`: copies the release binary of the image's architecture from
#   `dist/linux-<arch>/vpclint` (the release workflow builds those first, so the multi-arch
#   image needs no compilation under emulation).
#
# tests/static_binary.rs builds the same static binary and runs it with this file's
# ENTRYPOINT and CMD in an empty root directory, as the scratch image would.

ARG RUST_VERSION=1.88

FROM rust:${RUST_VERSION}-alpine AS build
# ring (TLS for --download-modules) compiles C: a C compiler and musl's headers.
RUN apk add --no-cache gcc musl-dev
WORKDIR /build
COPY . .
# crt-static is the default of Rust's musl targets: the binary needs no libc at run time.
RUN cargo build --release --locked \
    && strip target/release/vpclint \
    && ./target/release/vpclint --version

FROM scratch AS prebuilt
LABEL org.opencontainers.image.title="vpclint" \
      org.opencontainers.image.description="Static analysis of AWS network designs in Terraform and CloudFormation" \
      org.opencontainers.image.source="https://github.com/vpclint/vpclint" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
ARG TARGETARCH
COPY dist/linux-${TARGETARCH}/vpclint /vpclint
WORKDIR /src
ENTRYPOINT ["/vpclint"]
CMD ["check", "."]

FROM scratch
LABEL org.opencontainers.image.title="vpclint" \
      org.opencontainers.image.description="Static analysis of AWS network designs in Terraform and CloudFormation" \
      org.opencontainers.image.source="https://github.com/vpclint/vpclint" \
      org.opencontainers.image.licenses="MIT OR Apache-2.0"
COPY --from=build /build/target/release/vpclint /vpclint
WORKDIR /src
ENTRYPOINT ["/vpclint"]
CMD ["check", "."]
