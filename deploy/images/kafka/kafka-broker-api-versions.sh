#!/bin/sh
# The apache/kafka image's tool of the same path, so one healthcheck serves both images.
exec java -Xmx128m -Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml -cp "/opt/kafka/libs/*" \
    org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
