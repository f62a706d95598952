#!/bin/sh
# Writes server.properties from the environment as the apache/kafka image does
# (KAFKA_FOO_BAR -> foo.bar; "__" -> "_", "___" -> "-"), formats the storage once with
# CLUSTER_ID, and runs the broker in the foreground.
set -eu
PROPS=/opt/kafka/config/server.properties
: "${CLUSTER_ID:?CLUSTER_ID must be set (a base64 UUID)}"
: "${KAFKA_LOG_DIRS:=/var/lib/kafka/data}"
export KAFKA_LOG_DIRS
env | grep '^KAFKA_' | while IFS='=' read -r name value; do
    case "$name" in
        KAFKA_HEAP_OPTS|KAFKA_JVM_OPTS|KAFKA_OPTS|KAFKA_VERSION) continue ;;
    esac
    key=$(printf '%s' "${name#KAFKA_}" | tr 'A-Z' 'a-z' | sed -e 's/___/-/g' -e 's/__/@/g' -e 's/_/./g' -e 's/@/_/g')
    printf '%s=%s\n' "$key" "$value"
done > "$PROPS"
CP="/opt/kafka/libs/*"
LOG="-Dlog4j2.configurationFile=/opt/kafka/log4j2.yaml"
if [ ! -f "$KAFKA_LOG_DIRS/meta.properties" ]; then
    java -Xmx256m $LOG -cp "$CP" kafka.tools.StorageTool format -t "$CLUSTER_ID" -c "$PROPS" --ignore-formatted
fi
# shellcheck disable=SC2086  # option lists
exec java ${KAFKA_HEAP_OPTS:--Xmx1g -Xms256m} -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true $LOG ${KAFKA_JVM_OPTS:-} -cp "$CP" kafka.Kafka "$PROPS"
