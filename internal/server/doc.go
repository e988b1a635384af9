// Package server is the Tiphys API server: Argo CD's REST paths and JSON
// shapes (/api/v1/session, /api/v1/applications, …) over the Kubernetes
// API, with Argo CD's local accounts, JWT sessions and RBAC
// (argocd-rbac-cm through casbin). Every call is authenticated and
// authorised; a denial is 403 naming the resource, action and object.
package server
