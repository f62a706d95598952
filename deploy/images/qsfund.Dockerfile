# The qsfund image: the six services and the auditor's tool, one image, the command picks:
#   qsfund-applications (8000), qsfund-scoring (8001), qsfund-notifications (8002),
#   qsfund-payments (8003), qsfund-register (8004), qsfund-reports (8005), qsfund-migrate,
#   qsfund-topics, qsfund-token (one-shot), qsfund-audit; and, for development and tests
#   only, the finance bureau's stand-in qsfund-finance-standin (8090; it refuses to start
#   when QSFUND_ENV=production).
# The services bind 127.0.0.1 unless APPLICATIONS_HOST / SCORING_HOST / NOTIFICATIONS_HOST /
# PAYMENTS_HOST / REGISTER_HOST / REPORTS_HOST / FINANCE_STANDIN_HOST say otherwise (compose
# and the chart set 0.0.0.0).
#
# Built by deploy/images/build.sh (`make images`) from the repository root, on Debian
# bookworm: the official debian:bookworm-slim where Docker Hub answers, else the same
# release made from Debian's packages (deploy/images/base.sh). PyPI's certificate
# authority, where a proxy inspects TLS, comes in as the build secret `pip-ca`, only in the
# build stage.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
    && rm -rf /var/lib/apt/lists/*
RUN python3 -m venv /opt/qsfund
COPY pyproject.toml /src/
COPY shared /src/shared
COPY services /src/services
COPY standins /src/standins
RUN --mount=type=secret,id=pip-ca \
    if [ -s /run/secrets/pip-ca ]; then export PIP_CERT=/run/secrets/pip-ca; fi \
    && /opt/qsfund/bin/pip install --no-cache-dir --disable-pip-version-check --no-compile /src \
    && /opt/qsfund/bin/pip uninstall -y --disable-pip-version-check pip setuptools \
    && /opt/qsfund/bin/python -m compileall -q /opt/qsfund/lib

FROM ${BASE_IMAGE}
ARG VERSION=0.1.0
ARG REVISION=unknown
LABEL org.opencontainers.image.title="qsfund" \
      org.opencontainers.image.description="Quality Brand and Standardization incentive funding: services and auditor's tool" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="proprietary"
# The interpreter and the certificate authorities (the issuer's JWKS is fetched over https);
# no compiler, no pip.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 ca-certificates \
    && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin qsfund \
    && mkdir -p /app /qsfund/auth && chown qsfund:qsfund /app /qsfund/auth
COPY --from=build /opt/qsfund /opt/qsfund
COPY deploy/images/healthcheck.py /usr/local/bin/qsfund-healthcheck
ENV PATH=/opt/qsfund/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
USER 10001:10001
WORKDIR /app
EXPOSE 8000 8001 8002 8003 8004 8005 8090
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 CMD ["qsfund-healthcheck"]
CMD ["qsfund-applications"]
