{{/* Names, labels and the pieces every relay container shares. */}}

{{- define "relay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "relay.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "relay.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of the receiver pods. */}}
{{- define "relay.receiverSelector" -}}
app.kubernetes.io/name: {{ include "relay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: receiver
{{- end }}

{{- define "relay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "relay.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "relay.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}
{{- end }}

{{/* The relay config file: the user's config plus what the chart owns. */}}
{{- define "relay.config" -}}
{{- $config := deepCopy .Values.config }}
{{- $server := merge (dict "host" "0.0.0.0" "port" (int .Values.receiver.port)) (default (dict) $config.server) }}
{{- $_ := set $server "host" "0.0.0.0" }}
{{- $_ := set $server "port" (int .Values.receiver.port) }}
{{- $_ := set $server "workers" (int .Values.receiver.workers) }}
{{- $_ := set $config "server" $server }}
{{- if .Values.spool.enabled }}
{{- $_ := set $config "spool" (dict "enabled" true "path" .Values.spool.mountPath "max_bytes" (int64 .Values.spool.maxBytes)) }}
{{- end }}
{{- toYaml $config }}
{{- end }}

{{/* Seconds: preStop sleep + relay's graceful shutdown + the producer flush margin. */}}
{{- define "relay.receiverGracePeriod" -}}
{{- $server := default (dict) .Values.config.server }}
{{- $shutdown := int (default 20 $server.shutdown_timeout_seconds) }}
{{- add (int .Values.receiver.preStopSleepSeconds) $shutdown (int .Values.receiver.shutdownMarginSeconds) }}
{{- end }}

{{/* Environment, secret mounts and config mount shared by the receiver and the sinks. */}}
{{- define "relay.env" -}}
- name: RELAY_CONFIG
  value: /etc/relay/relay.yaml
{{- with .Values.env }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "relay.envFrom" -}}
{{- range .Values.secretRefs.env }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end }}

{{- define "relay.volumeMounts" -}}
- name: config
  mountPath: /etc/relay
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- range .Values.secretRefs.files }}
- name: secret-{{ .name }}
  mountPath: {{ .mountPath | default (printf "/run/secrets/%s" .name) }}
  readOnly: true
{{- end }}
{{- end }}

{{- define "relay.volumes" -}}
- name: config
  configMap:
    name: {{ include "relay.fullname" . }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- range .Values.secretRefs.files }}
- name: secret-{{ .name }}
  secret:
    secretName: {{ .name }}
    defaultMode: 0440
{{- end }}
{{- end }}
