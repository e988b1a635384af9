{{/*
analysis-library.successRate renders the shared AnalysisTemplate "success-rate":
the share of a service's HTTP requests that did not answer 5xx, measured in
Prometheus by code. Every service gets the same template; what differs per
service arrives as arguments from its Rollout:
  service-name       the value of the "service" label of http_requests_total
  success-threshold  the lowest acceptable success rate (the service's SLI)
The template's own default for service-name is the including release's service,
so an AnalysisRun created by hand (kubectl argo rollouts / tiphys) works too.
Usage: {{ include "analysis-library.successRate" . }}
Reads: .Values.service.name, .Values.analysis.prometheus.address,
       .Values.analysis.interval, .Values.analysis.count, .Values.analysis.failureLimit
*/}}
{{- define "analysis-library.successRate" -}}
{{- $a := .Values.analysis | default dict -}}
{{- $prom := $a.prometheus | default dict -}}
apiVersion: argoproj.io/v1alpha1
kind: AnalysisTemplate
metadata:
  name: success-rate
  labels:
    app.kubernetes.io/part-of: go-reliable
    app.kubernetes.io/component: analysis
spec:
  args:
  - name: service-name
    value: {{ required "service.name is required" .Values.service.name | quote }}
  - name: success-threshold
  metrics:
  - name: success-rate
    interval: {{ $a.interval | default "30s" }}
    count: {{ $a.count | default 3 }}
    failureLimit: {{ $a.failureLimit | default 1 }}
    successCondition: len(result) > 0 && result[0] >= {{ "{{args.success-threshold}}" }}
    provider:
      prometheus:
        address: {{ $prom.address | default "http://prometheus.monitoring.svc:9090" | quote }}
        timeout: 20
        query: |
          sum(rate(http_requests_total{service="{{ "{{args.service-name}}" }}",code!~"5.."}[2m]))
          /
          sum(rate(http_requests_total{service="{{ "{{args.service-name}}" }}"}[2m]))
{{- end -}}
