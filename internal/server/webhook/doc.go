// Package webhook receives push notifications from Git hosts at
// POST /api/webhook and asks for a refresh of exactly the Applications and
// ApplicationSets a push touches, as Argo CD's API server does
// (util/webhook in Argo CD, docs/operator-manual/webhook.md).
//
// # Providers
//
// GitHub, GitLab, Gitea (and Gogs), Bitbucket Cloud and Bitbucket Server
// are recognised by their event headers; any other request is read as
// Tiphys' generic JSON webhook. Each provider's secret lives in the
// argocd-secret Secret under Argo CD's key (webhook.github.secret, ...);
// when it is set, a request without the right signature is refused with
// 401 and logged, and when it is not, payloads are accepted unsigned, as
// Argo CD accepts them.
//
// # Matching
//
// An Application is refreshed when one of its sources names the pushed
// repository (in any of its URL forms), its targetRevision resolves to the
// pushed branch or tag, and a changed file lies under one of the paths of
// its argocd.argoproj.io/manifest-generate-paths annotation (any change
// when it has none). An ApplicationSet is refreshed when one of its git
// generators, at the top or inside a matrix or merge, reads the pushed
// repository at the pushed revision.
//
// # Answer
//
// The answer lists what was refreshed, as JSON, so that CI can see what a
// push did (a Tiphys addition: Argo CD answers with an empty body).
package webhook
