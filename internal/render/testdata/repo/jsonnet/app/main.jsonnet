local params = import 'params.libsonnet';
function(replicas=1) [
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'gateway', labels: { env: std.extVar('env') } },
    spec: {
      replicas: replicas,
      selector: { matchLabels: { app: 'gateway' } },
      template: {
        metadata: { labels: { app: 'gateway' } },
        spec: { containers: [{ name: 'gateway', image: params.image('example/gateway', std.extVar('tag')) }] },
      },
    },
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'gateway' },
    spec: { selector: { app: 'gateway' }, ports: [{ port: 443 }] },
  },
]
