{{- define "microservice.name" -}}
{{- required "service.name is required" .Values.service.name -}}
{{- end -}}

{{- define "microservice.labels" -}}
app.kubernetes.io/name: {{ include "microservice.name" . }}
app.kubernetes.io/part-of: go-reliable
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "microservice.selector" -}}
app.kubernetes.io/name: {{ include "microservice.name" . }}
{{- end -}}

{{- define "microservice.analysisArgs" -}}
- name: service-name
  value: {{ include "microservice.name" . | quote }}
- name: success-threshold
  value: {{ .Values.analysis.successThreshold | toString | quote }}
{{- end -}}
