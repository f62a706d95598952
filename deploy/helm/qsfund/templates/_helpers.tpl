{{/* Names, labels and the settings every qsfund container shares. */}}

{{- define "qsfund.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "qsfund.labels" -}}
app.kubernetes.io/part-of: qsfund
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* Selector of one service's pods: (dict "root" $ "name" "scoring") */}}
{{- define "qsfund.selector" -}}
app.kubernetes.io/part-of: qsfund
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/name: {{ .name }}
{{- end -}}

{{/* A service's settings: the defaults with its own block over them. */}}
{{- define "qsfund.service" -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy .spec)) -}}
{{- end -}}

{{- define "qsfund.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) -}}
{{- end -}}

{{- define "qsfund.kafkaBootstrap" -}}
{{- if .Values.kafka.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap:9092" .Values.kafka.strimzi.name -}}
{{- else -}}
{{- required "kafka.bootstrapServers is required when kafka.strimzi.enabled is false" .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "qsfund.postgresHost" -}}
{{- if .Values.postgresql.cloudnativepg.enabled -}}
{{- printf "%s-rw" .Values.postgresql.cloudnativepg.name -}}
{{- else -}}
{{- required "postgresql.host is required when postgresql.cloudnativepg.enabled is false" .Values.postgresql.host -}}
{{- end -}}
{{- end -}}

{{/* The Secret holding a service's database role (basic-auth: username, password). */}}
{{- define "qsfund.databaseSecret" -}}
{{- printf "%s-%s-database" (include "qsfund.fullname" .root) .name -}}
{{- end -}}

{{/* One service's database URL, its credentials taken from its Secret by the kubelet
     ($(VAR) expansion), so the password never appears in the rendered objects. */}}
{{- define "qsfund.databaseEnv" -}}
{{- $prefix := .name | upper | replace "-" "_" -}}
- name: {{ $prefix }}_DATABASE_USER
  valueFrom:
    secretKeyRef: {name: {{ include "qsfund.databaseSecret" . }}, key: username}
- name: {{ $prefix }}_DATABASE_PASSWORD
  valueFrom:
    secretKeyRef: {name: {{ include "qsfund.databaseSecret" . }}, key: password}
- name: {{ $prefix }}_DATABASE_URL
  value: {{ printf "postgresql+asyncpg://$(%s_DATABASE_USER):$(%s_DATABASE_PASSWORD)@%s:%v/%s" $prefix $prefix (include "qsfund.postgresHost" .root) .root.Values.postgresql.port .database | quote }}
{{- end -}}

{{- define "qsfund.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "qsfund.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: {drop: [ALL]}
{{- end -}}
